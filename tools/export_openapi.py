"""Write the portal's OpenAPI document to docs/openapi.json, generated from the app itself.

    .venv/bin/python tools/export_openapi.py           rewrite docs/openapi.json when it changed
    .venv/bin/python tools/export_openapi.py --check   change nothing; exit 1 if it is out of date

tests/portal/test_portal_openapi.py fails while the committed document differs from the app's.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
OPENAPI_JSON = REPO_ROOT / "docs" / "openapi.json"


def render_openapi() -> str:
    """The app's OpenAPI document as stable, readable JSON (the app is built on a throwaway data folder)."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from portal.app import create_app

    with tempfile.TemporaryDirectory(prefix="portal-openapi-") as data_dir:
        app = create_app(Path(data_dir))
        document = app.openapi()
        app.state.portal.close()
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/openapi.json is out of date")
    args = parser.parse_args(argv)
    rendered = render_openapi()
    current = OPENAPI_JSON.read_text("utf-8") if OPENAPI_JSON.exists() else None
    if current == rendered:
        return 0
    if args.check:
        print(f"{OPENAPI_JSON.relative_to(REPO_ROOT)} is out of date: run tools/export_openapi.py", file=sys.stderr)
        return 1
    OPENAPI_JSON.write_text(rendered, "utf-8")
    print(f"wrote {OPENAPI_JSON.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
