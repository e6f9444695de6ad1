"""CLI commands of the language tools: segment, spellcheck, count. None of them needs the store."""

from __future__ import annotations

import argparse
import sys
from bisect import bisect_right

from workstation.cli.context import CommandContext, print_json
from workstation.language import SPELLING_LANGUAGES
from workstation.model import LANGUAGES

# Handlers import the language modules they use: building the parser (which the GUI's start-up
# does too) then costs nothing beyond argparse.


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the language commands."""
    parser = subparsers.add_parser("segment", help="print a text file's sentences, one per line")
    parser.add_argument("--lang", required=True, choices=LANGUAGES, help="language of the text")
    parser.add_argument("file", metavar="FILE", help="text file (UTF-8, UTF-16, TCVN3 or VNI); - for stdin")
    parser.set_defaults(handler=run_segment)

    parser = subparsers.add_parser("spellcheck", help="list misspelt words with their position and suggestions")
    parser.add_argument("--lang", required=True, choices=SPELLING_LANGUAGES, help="language of the text")
    parser.add_argument("file", metavar="FILE", help="text file; - for stdin")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run_spellcheck)

    parser = subparsers.add_parser("dictionary", help="the workspace's personal dictionary")
    actions = parser.add_subparsers(dest="dictionary_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="accept a word in this workspace from now on")
    add.add_argument("--lang", required=True, choices=SPELLING_LANGUAGES, help="language of the word")
    add.add_argument("words", nargs="+", metavar="WORD")
    add.set_defaults(handler=run_dictionary_add)
    listing = actions.add_parser("list", help="print the added words, one per line")
    listing.add_argument("--lang", required=True, choices=SPELLING_LANGUAGES, help="language of the words")
    listing.set_defaults(handler=run_dictionary_list)

    parser = subparsers.add_parser("count", help="count words and characters")
    parser.add_argument("--lang", required=True, choices=LANGUAGES, help="language of the text")
    parser.add_argument("file", metavar="FILE", help="text file; - for stdin")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run_count)


def run_segment(args: argparse.Namespace, context: object) -> int:
    from workstation.language.segment import segment

    for sentence in segment(_read(args.file), args.lang):
        print(sentence)
    return 0


def run_spellcheck(args: argparse.Namespace, context: CommandContext) -> int:
    text = _read(args.file)
    from workstation.language.spelling import SpellChecker

    checker = SpellChecker(args.lang, personal=context.services().dictionary)
    line_starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
    flagged = []
    for miss in checker.check(text):
        line = bisect_right(line_starts, miss.start)
        column = miss.start - line_starts[line - 1] + 1
        flagged.append({"word": miss.word, "line": line, "column": column, "start": miss.start,
                        "end": miss.end, "suggestions": list(miss.suggestions)})  # fmt: skip
    if args.json:
        print_json({"lang": args.lang, "file": args.file, "flagged": flagged})
    else:
        for item in flagged:
            print(f"{item['line']}:{item['column']}\t{item['word']}\t{', '.join(item['suggestions'])}")
    return 0


def run_dictionary_add(args: argparse.Namespace, context: CommandContext) -> int:
    from workstation.language.normalise import normalise_text

    dictionary = context.services().dictionary
    for word in args.words:
        dictionary.add(args.lang, normalise_text(word))
    return 0


def run_dictionary_list(args: argparse.Namespace, context: CommandContext) -> int:
    for word in sorted(context.services().dictionary.words(args.lang)):
        print(word)
    return 0


def run_count(args: argparse.Namespace, context: object) -> int:
    from workstation.language.counting import count

    counts = count(_read(args.file), args.lang)
    if args.json:
        print_json({"lang": args.lang, "words": counts.words, "characters": counts.characters,
                     "characters_with_spaces": counts.characters_with_spaces,
                     "cjk_characters": counts.cjk_characters, "unit": counts.unit,
                     "length": counts.length})  # fmt: skip
    else:
        print(f"words\t{counts.words}")
        print(f"characters\t{counts.characters}")
        print(f"characters_with_spaces\t{counts.characters_with_spaces}")
        print(f"cjk_characters\t{counts.cjk_characters}")
        print(f"length\t{counts.length} {counts.unit}")
    return 0


def _read(path: str) -> str:
    from workstation.language.normalise import decode_bytes, read_text_file

    if path == "-":
        return decode_bytes(sys.stdin.buffer.read())
    return read_text_file(path)
