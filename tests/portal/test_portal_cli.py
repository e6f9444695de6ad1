"""`workstation-portal`: serving, enrolment codes, and the exit codes of ARCHITECTURE.md."""

from __future__ import annotations

import re
import socket
import subprocess

import httpx

from tests.support.portal_process import REPO_ROOT, portal_command, running_portal


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=30)


def test_enrol_code_prints_the_code_alone(tmp_path):
    completed = _run(*portal_command(tmp_path / "data", "enrol-code"))
    assert completed.returncode == 0
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}\n", completed.stdout)
    assert completed.stderr == ""


def test_serving_prints_the_real_port_and_answers_there(tmp_path):
    with running_portal(tmp_path / "data") as portal:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", portal.url) and not portal.url.endswith(":0")
        assert httpx.get(f"{portal.url}/api/v1/portal-key").status_code == 200


def test_a_missing_data_option_is_a_usage_error():
    completed = _run(*portal_command(REPO_ROOT)[:3])
    assert completed.returncode == 2


def test_an_unusable_data_folder_is_an_environment_failure_on_one_line(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    completed = _run(*portal_command(not_a_folder, "enrol-code"))
    assert completed.returncode == 3
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1 and completed.stderr.startswith("workstation-portal: ")


def test_a_port_in_use_is_an_environment_failure(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        completed = _run(*portal_command(tmp_path / "data", "--port", str(taken.getsockname()[1])))
    assert completed.returncode == 3
    assert "cannot listen on 127.0.0.1" in completed.stderr
