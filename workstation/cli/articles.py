"""CLI commands for drafting: articles, their pictures, revisions and workflow, search and profiles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.cli.context import CommandContext, print_json
from workstation.errors import BadInput, Refused
from workstation.model import LANGUAGES, ArticleFilter, ArticleState, Genre, Role


def register(subparsers: argparse._SubParsersAction) -> None:
    article = subparsers.add_parser("article", help="draft, list, import and export articles")
    commands = article.add_subparsers(dest="article_command", metavar="ACTION", required=True)

    importer = commands.add_parser("import", help="import a .docx or .txt article")
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument(
        "--lang", choices=sorted(LANGUAGES), help="language (default: guessed for .docx, vi for .txt)"
    )
    importer.set_defaults(handler=_import)

    exporter = commands.add_parser("export", help="write an article as a .docx")
    exporter.add_argument("article_id", metavar="ID")
    exporter.add_argument("--docx", required=True, type=Path, metavar="OUT.docx")
    exporter.set_defaults(handler=_export)

    lister = commands.add_parser("list", help="list articles and translations, newest first")
    lister.add_argument("--state", action="append", choices=list(ArticleState), help="only in this state")
    lister.add_argument("--lang", choices=sorted(LANGUAGES), help="only in this language")
    lister.add_argument("--genre", choices=list(Genre), help="only of this genre")
    lister.add_argument("--subject", help="only with this subject")
    lister.add_argument("--since", metavar="YYYY-MM-DD", help="changed on or after this day (UTC)")
    lister.add_argument("--until", metavar="YYYY-MM-DD", help="changed on or before this day (UTC)")
    lister.add_argument("--json", action="store_true", help="machine-readable output")
    lister.set_defaults(handler=_list)

    show = commands.add_parser("show", help="print an article")
    show.add_argument("article_id", metavar="ID")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=_show)

    update = commands.add_parser("update", help="change fields of an article (a new revision)")
    update.add_argument("article_id", metavar="ID")
    for name in ("headline", "subheadline", "lead", "byline", "dateline", "notes"):
        update.add_argument(f"--{name}", metavar="TEXT")
    update.add_argument("--genre", choices=list(Genre))
    update.add_argument("--embargo", metavar="TIMESTAMP", help="UTC, e.g. 2026-12-01T08:00:00Z; '' to lift")
    update.add_argument("--subject", action="append", dest="subjects", metavar="TEXT", help="repeatable")
    update.add_argument("--keyword", action="append", dest="keywords", metavar="TEXT", help="repeatable")
    update.set_defaults(handler=_update)

    picture = commands.add_parser("add-picture", help="add a JPEG, PNG or WebP photo; prints the picture id")
    picture.add_argument("article_id", metavar="ID")
    picture.add_argument("file", type=Path, metavar="FILE")
    picture.add_argument("--caption", action="append", default=[], metavar="LANG=TEXT")
    picture.add_argument("--alt", action="append", default=[], metavar="LANG=TEXT")
    picture.add_argument("--credit", action="append", default=[], metavar="[LANG=]TEXT")
    picture.set_defaults(handler=_add_picture)

    history = commands.add_parser("history", help="revisions and state changes, newest first")
    history.add_argument("article_id", metavar="ID")
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.set_defaults(handler=_history)

    diff = commands.add_parser("diff", help="what changed between two revisions")
    diff.add_argument("article_id", metavar="ID")
    diff.add_argument("from_version", type=int, metavar="FROM")
    diff.add_argument("to_version", type=int, nargs="?", metavar="TO", help="default: the current text")
    diff.set_defaults(handler=_diff)

    restore = commands.add_parser("restore", help="bring back an earlier revision as a new one")
    restore.add_argument("article_id", metavar="ID")
    restore.add_argument("revision", type=int, metavar="REVISION")
    restore.set_defaults(handler=_restore)

    state = commands.add_parser("set-state", help="move an article along the workflow")
    state.add_argument("article_id", metavar="ID")
    state.add_argument("--state", required=True, metavar="STATE", help=", ".join(ArticleState))
    state.add_argument("--comment", default="", help="recorded with the change")
    state.set_defaults(handler=_set_state)

    search = subparsers.add_parser("search", help="full-text search across articles and translations")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--lang", choices=sorted(LANGUAGES), help="only in this language")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(handler=_search)

    profile = subparsers.add_parser("profile", help="the people who use this workstation, and their roles")
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    listing = profile_commands.add_parser("list", help="profiles and roles; * marks the current one")
    listing.set_defaults(handler=_profile_list)
    create = profile_commands.add_parser("create", help="add a profile; prints its id")
    create.add_argument("name", metavar="NAME")
    create.add_argument("--role", action="append", required=True, choices=list(Role), dest="roles")
    create.set_defaults(handler=_profile_create)
    use = profile_commands.add_parser("use", help="make a profile the workstation's current one")
    use.add_argument("name", metavar="NAME")
    use.set_defaults(handler=_profile_use)
    roles = profile_commands.add_parser("set-roles", help="replace a profile's roles")
    roles.add_argument("name", metavar="NAME")
    roles.add_argument("--role", action="append", required=True, choices=list(Role), dest="roles")
    roles.set_defaults(handler=_profile_set_roles)


def _import(args: argparse.Namespace, context: CommandContext) -> int:
    editorial = context.services().editorial
    if args.file.suffix.lower() == ".txt":
        print(editorial.import_text_file(args.file, args.lang or "vi").id)
        return 0
    result = editorial.import_docx(args.file, args.lang)
    for warning in result.warnings:
        print(f"workstation: {warning}", file=sys.stderr)
    print(result.article.id)
    return 0


def _export(args: argparse.Namespace, context: CommandContext) -> int:
    context.services().editorial.export_docx(args.article_id, args.docx)
    print(args.docx)
    return 0


def _list(args: argparse.Namespace, context: CommandContext) -> int:
    editorial = context.services().editorial
    wanted = ArticleFilter(
        states=frozenset(args.state or ()),
        language=args.lang,
        genre=args.genre,
        subject=args.subject,
        updated_from=args.since,
        updated_to=args.until,
        translations=None,
    )
    summaries = editorial.summaries(filter=wanted) if not wanted.is_empty else editorial.summaries()
    if args.json:
        print_json(
            [
                {
                    "id": s.id,
                    "language": s.language,
                    "headline": s.headline,
                    "state": s.state,
                    "genre": s.genre,
                    "version": s.version,
                    "updated_at": s.updated_at,
                    "translated_from": s.translated_from,
                }
                for s in summaries
            ]
        )
        return 0
    for s in summaries:
        kind = f"translation of {s.translated_from}" if s.translated_from else "article"
        print(f"{s.id}\t{s.language}\t{s.state}\t{kind}\t{s.headline}")
    return 0


def _show(args: argparse.Namespace, context: CommandContext) -> int:
    services = context.services()
    article = services.editorial.get(args.article_id)
    if args.json:
        from dataclasses import asdict

        print_json(asdict(article))
        return 0
    print(article.headline)
    for label, value in (
        ("Subheadline", article.subheadline),
        ("Byline", article.byline),
        ("Dateline", article.dateline),
        ("Language", article.language),
        ("Genre", article.genre),
        ("State", article.state),
        ("Version", str(article.version)),
        ("Subjects", ", ".join(article.subjects)),
        ("Keywords", ", ".join(article.keywords)),
        ("Embargo", article.embargo or ""),
    ):
        if value:
            print(f"{label}: {value}")
    print()
    if article.lead:
        print(article.lead)
        print()
    for block in article.blocks:
        print(f"[picture {block.picture_id}]" if block.picture_id else block.text)
        print()
    return 0


def _update(args: argparse.Namespace, context: CommandContext) -> int:
    fields = {
        name: getattr(args, name)
        for name in ("headline", "subheadline", "lead", "byline", "dateline", "notes", "genre", "embargo")
    }
    fields["subjects"] = args.subjects
    fields["keywords"] = args.keywords
    article = context.services().editorial.update_fields(args.article_id, **fields)
    print(f"version {article.version}")
    return 0


def _language_texts(values: list[str], option: str, default_language: str | None = None) -> dict[str, str]:
    texts: dict[str, str] = {}
    for value in values:
        language, separator, text = value.partition("=")
        if separator and language in LANGUAGES:
            texts[language] = text
        elif default_language is not None:
            texts[default_language] = value
        else:
            raise BadInput(f"--{option} wants LANG=TEXT with LANG one of {', '.join(LANGUAGES)}, not {value!r}")
    return texts


def _add_picture(args: argparse.Namespace, context: CommandContext) -> int:
    editorial = context.services().editorial
    language = editorial.get(args.article_id).language
    picture = editorial.add_picture(
        args.article_id,
        args.file,
        name=args.file.name,
        captions=_language_texts(args.caption, "caption"),
        alt_texts=_language_texts(args.alt, "alt"),
        credits=_language_texts(args.credit, "credit", default_language=language),
    )
    print(picture.id)
    return 0


def _history(args: argparse.Namespace, context: CommandContext) -> int:
    editorial = context.services().editorial
    revisions = editorial.history(args.article_id)
    changes = editorial.state_changes(args.article_id)
    if args.json:
        print_json(
            {
                "revisions": [
                    {
                        "version": r.version,
                        "saved_at": r.saved_at,
                        "profile": r.profile_name,
                        "reason": r.reason,
                        "headline": r.article.headline,
                    }
                    for r in revisions
                ],
                "states": [
                    {
                        "from": c.from_state,
                        "to": c.to_state,
                        "profile": c.profile_name,
                        "at": c.at,
                        "comment": c.comment,
                    }
                    for c in reversed(changes)
                ],
            }
        )
        return 0
    print("Revisions:")
    for r in revisions:
        print(f"{r.version}\t{r.saved_at}\t{r.profile_name}\t{r.reason}\t{r.article.headline}")
    if changes:
        print("State changes:")
        for c in reversed(changes):
            comment = f"\t{c.comment}" if c.comment else ""
            print(f"{c.at}\t{c.profile_name}\t{c.from_state} → {c.to_state}{comment}")
    return 0


def _diff(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.editorial.revisions import as_text

    diffs = context.services().editorial.diff(args.article_id, args.from_version, args.to_version)
    print(as_text(diffs) if diffs else "no differences")
    return 0


def _restore(args: argparse.Namespace, context: CommandContext) -> int:
    article = context.services().editorial.restore(args.article_id, args.revision)
    print(f"restored revision {args.revision} as version {article.version}")
    return 0


def _set_state(args: argparse.Namespace, context: CommandContext) -> int:
    try:
        article = context.services().editorial.set_state(args.article_id, args.state, comment=args.comment)
    except Refused as refusal:
        print(refusal)  # a refusal is the command's finding: on stdout, exit 1
        return 1
    print(article.state)
    return 0


def _search(args: argparse.Namespace, context: CommandContext) -> int:
    hits = context.services().search.search(args.query, language=args.lang, limit=args.limit)
    if args.json:
        print_json([hit.to_json() for hit in hits])
        return 0
    for hit in hits:
        print(f"{hit.id}\t{hit.language}\t{hit.headline}\t{hit.highlighted('«', '»')}")
    return 0


def _profile_list(args: argparse.Namespace, context: CommandContext) -> int:
    people = context.services().people
    current = people.current()
    for profile in people.all():
        marker = "*" if profile.id == current.id else " "
        print(f"{marker} {profile.name}\t{', '.join(sorted(profile.roles))}")
    return 0


def _profile_create(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.editorial.people import parse_roles

    print(context.services().people.create(args.name, parse_roles(args.roles)).id)
    return 0


def _profile_use(args: argparse.Namespace, context: CommandContext) -> int:
    print(context.services().people.switch_to(args.name).name)
    return 0


def _profile_set_roles(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.editorial.people import parse_roles

    profile = context.services().people.set_roles(args.name, parse_roles(args.roles))
    print(f"{profile.name}\t{', '.join(sorted(profile.roles))}")
    return 0
