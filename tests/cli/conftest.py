"""The `workstation` command run in-process on the test's store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workstation.cli import main

RunCommand = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], store_path: Path) -> RunCommand:
    """`cli("article", "list")` runs `workstation --store <store_path> article list`: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--store", str(store_path), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
