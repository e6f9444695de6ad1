"""The hostile corpus (tests/packaging/hostile.py): each bundle rejected for its own reason, nothing written.

No timing assertions here: the work per bundle is bounded by the limits in bundle.py, and
bench/bench_seal.py measures how long the whole corpus takes to reject.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.hostile import CASES, HostileCase, ValidBundle, build_corpus, make_valid_bundle
from workstation.packaging.bundle import verify_bundle

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> ValidBundle:
    return make_valid_bundle(tmp_path_factory.mktemp("valid"))


@pytest.fixture(scope="module")
def corpus(valid: ValidBundle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {case.name: path for case, path in build_corpus(valid, tmp_path_factory.mktemp("hostile"))}


def test_the_bundle_the_corpus_is_made_from_is_valid(valid: ValidBundle) -> None:
    assert verify_bundle(valid.path, valid.key_lookup).problems == []


def test_the_corpus_is_large_and_every_case_is_distinct() -> None:
    assert len(CASES) >= 15
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_bundle_is_rejected_for_its_reason(
    case: HostileCase, valid: ValidBundle, corpus: dict[str, Path]
) -> None:
    report = verify_bundle(corpus[case.name], valid.key_lookup)
    assert not report.valid
    reason = case.reason(valid)
    assert any(reason in problem for problem in report.problems), f"{reason!r} not among {report.problems}"


_VERIFY_ALL = """
import json, sys
from pathlib import Path
from workstation.packaging.bundle import verify_bundle
station_id, public_key, *paths = sys.argv[1:]
lookup = lambda station: public_key if station == station_id else None
print(json.dumps({path: verify_bundle(Path(path), lookup).problems for path in paths}))
"""


def test_verify_writes_nothing_anywhere(valid: ValidBundle, corpus: dict[str, Path], tmp_path: Path) -> None:
    """Run in a child whose working and temporary folders are empty: they must stay empty, and so
    must the corpus folder (nothing extracted beside the bundles)."""
    working, temporary = tmp_path / "cwd", tmp_path / "tmp"
    working.mkdir()
    temporary.mkdir()
    corpus_folder = next(iter(corpus.values())).parent
    before = sorted(corpus_folder.iterdir())
    environment = {
        **os.environ,
        "TMPDIR": str(temporary),
        "TEMP": str(temporary),
        "TMP": str(temporary),
        "PYTHONPATH": str(REPOSITORY),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    paths = [str(path) for path in corpus.values()]

    finished = subprocess.run(
        [sys.executable, "-c", _VERIFY_ALL, valid.station_id, valid.public_key, *paths],
        cwd=working, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stderr
    problems = json.loads(finished.stdout)
    assert all(problems[path] for path in paths)
    assert list(working.iterdir()) == [] and list(temporary.iterdir()) == []
    assert sorted(corpus_folder.iterdir()) == before
    assert not (corpus_folder.parent / "evil.txt").exists()
