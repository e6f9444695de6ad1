"""The language tools are Qt-free, so the CLI, the services and the portal can use them."""

from __future__ import annotations

import subprocess
import sys


def test_language_package_never_imports_qt() -> None:
    modules = "counting legacy_encodings normalise segment spelling tokens vietnamese_spelling"
    code = "; ".join(f"import workstation.language.{name}" for name in modules.split())
    code += "; import sys; print(any(name.startswith('PySide6') for name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
