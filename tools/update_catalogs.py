"""Bring the UI's translation catalogs up to date: extract, merge, compile.

1. Extracts every text marked `_()`, `N_()` or `ngettext()` in workstation/ui/**/*.py into
   resources/locale/workstation.pot (English msgids, with `# TRANSLATORS:` comments).
2. Merges the template into each resources/locale/<lang>/LC_MESSAGES/workstation.po: new texts come
   in untranslated (or fuzzy, with a near match's old translation), vanished texts are dropped.
3. Compiles each .po into the workstation.mo beside it (fuzzy entries left out), which the app loads.

Files are rewritten only when their content changes, so running it twice changes nothing.
The .mo files are committed: the app, a wheel and the PyInstaller bundle need no build step.

    .venv/bin/python tools/update_catalogs.py             update and compile
    .venv/bin/python tools/update_catalogs.py --check     change nothing; exit 1 if a file is out of date
    .venv/bin/python tools/update_catalogs.py --init ko   start a catalog for another language

Then translate what it reports as untranslated or fuzzy in the .po (remove the `fuzzy` flag once
checked) and run it again to compile. tests/ui/test_i18n.py fails until both are done.
"""

from __future__ import annotations

import argparse
import io
import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "workstation" / "ui"
LOCALE_DIR = ROOT / "resources" / "locale"
DOMAIN = "workstation"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("TRANSLATORS:",)
PROJECT = "Editorial Workstation"
HEADER = (
    "# Texts of the Editorial Workstation's user interface.\n"
    "# Generated from workstation/ui by tools/update_catalogs.py; translate in the .po files, never here.\n"
    "#"
)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def catalog_languages() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def source_files() -> Iterator[Path]:
    yield from sorted(SOURCES.rglob("*.py"))


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def extract_template() -> Catalog:
    """The catalog of every marked text in the UI sources, in file and line order."""
    template = Catalog(
        project=PROJECT,
        version=project_version(),
        header_comment=HEADER,
        charset="utf-8",
        fuzzy=False,
    )
    for path in source_files():
        location = path.relative_to(ROOT).as_posix()
        with path.open("rb") as source:
            for lineno, message, comments, context in extract(
                "python", source, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
            ):
                template.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    return template


def render_po(catalog: Catalog) -> bytes:
    # No line numbers: a text moving within its file should not rewrite every catalog.
    buffer = io.BytesIO()
    write_po(buffer, catalog, include_lineno=False, ignore_obsolete=True)
    return buffer.getvalue()


def render_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language)


def current_template() -> bytes:
    """The .pot text for the sources as they are, keeping the old creation date if nothing changed."""
    template = extract_template()
    if TEMPLATE.exists():
        template.creation_date = read_catalog(TEMPLATE).creation_date
        rendered = render_po(template)
        if rendered == TEMPLATE.read_bytes():
            return rendered
        template.creation_date = datetime.now(UTC)
    return render_po(template)


def merged_catalog(language: str, template: Catalog) -> Catalog:
    path = po_path(language)
    if path.exists():
        catalog = read_catalog(path, language)
    else:
        locale = Locale.parse(language)
        catalog = Catalog(
            locale=locale,
            header_comment=f"# {locale.english_name} texts of the Editorial Workstation's user interface.\n#",
            project=PROJECT,
            last_translator="Editorial Workstation team",
            language_team=str(locale.english_name),
            charset="utf-8",
            fuzzy=False,
        )
        catalog.revision_date = datetime.now(UTC)
    catalog.update(template)
    catalog.version = template.version
    return catalog


def untranslated(catalog: Catalog) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def write_if_changed(path: Path, content: bytes, check: bool, stale: list[Path]) -> None:
    if path.exists() and path.read_bytes() == content:
        return
    stale.append(path)
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any file is out of date")
    parser.add_argument("--init", metavar="LANG", action="append", default=[], help="start a catalog for LANG")
    args = parser.parse_args(argv)

    stale: list[Path] = []
    template_bytes = current_template()
    write_if_changed(TEMPLATE, template_bytes, args.check, stale)
    template = read_po(io.BytesIO(template_bytes))
    for language in sorted(set(catalog_languages()) | set(args.init)):
        catalog = merged_catalog(language, template)
        for message, errors in catalog.check():
            for error in errors:
                print(f"{po_path(language).relative_to(ROOT)}: {message.id!r}: {error}", file=sys.stderr)
        po_bytes = render_po(catalog)
        write_if_changed(po_path(language), po_bytes, args.check, stale)
        # Compile what the .po will hold, so --check also catches a .mo older than its .po.
        write_if_changed(
            mo_path(language), render_mo(read_po(io.BytesIO(po_bytes), locale=language)), args.check, stale
        )
        missing = untranslated(catalog)
        total = sum(1 for message in catalog if message.id)
        print(f"{language}: {total - len(missing)} of {total} texts translated")
        for text in missing:
            print(f"  to translate: {text!r}")
    for path in stale:
        print(f"{'out of date' if args.check else 'updated'}: {path.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
