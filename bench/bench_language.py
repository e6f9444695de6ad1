"""Language tools benchmark: spelling false alarms, recall and speed beside Hunspell; segmentation speed.

    .venv/bin/python bench/bench_language.py [--repeat N]

Reads the professionally edited texts in ../shared/corpus (beside the repository) and the
project's misspelling list in tests/language/data/vi_misspellings.tsv. Runs Debian's
``hunspell -d vi_VN`` on the same files in the same run when it is installed; otherwise prints
only our figures.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workstation.language.normalise import read_text_file
from workstation.language.segment import segment
from workstation.language.spelling import SpellChecker
from workstation.language.vietnamese_syllables import parse

REPO = Path(__file__).resolve().parents[1]

CORPUS = REPO.parent / "shared" / "corpus"
MISSPELLINGS = REPO / "tests" / "language" / "data" / "vi_misspellings.tsv"
WORD = re.compile(r"[^\W\d_]+")


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


def misspellings() -> list[tuple[str, str]]:
    rows = []
    for line in MISSPELLINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            wrong, expected, _category = line.split("\t")
            rows.append((wrong, expected))
    return rows


def hunspell_available() -> bool:
    return shutil.which("hunspell") is not None and Path("/usr/share/hunspell/vi_VN.dic").exists()


def hunspell_list(path: Path) -> list[str]:
    """Words Hunspell flags in a file (one line per flagged occurrence)."""
    result = subprocess.run(
        ["hunspell", "-d", "vi_VN", "-i", "utf-8", "-l", str(path)],
        capture_output=True, text=True, check=True, encoding="utf-8",
    )  # fmt: skip
    return [line for line in result.stdout.splitlines() if line]


def hunspell_first_suggestions(words: list[str]) -> dict[str, str | None]:
    """Hunspell's first suggestion per word, from its pipe (-a) mode."""
    result = subprocess.run(
        ["hunspell", "-d", "vi_VN", "-i", "utf-8", "-a"],
        input="\n".join(words) + "\n", capture_output=True, text=True, check=True, encoding="utf-8",
    )  # fmt: skip
    answers: dict[str, str | None] = {}
    for line in result.stdout.splitlines():
        if line.startswith("&"):
            head, _, tail = line.partition(": ")
            answers[head.split()[1]] = tail.split(", ")[0]
        elif line.startswith("#"):
            answers[line.split()[1]] = None
    return answers


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="corpus copies for the speed runs")
    args = parser.parse_args()

    files = corpus_files()
    if not files:
        print(f"corpus not found at {CORPUS}; nothing to measure", file=sys.stderr)
        return 0
    texts = [read_text_file(path) for path in files]
    words = sum(len(WORD.findall(text)) for text in texts)
    checker = SpellChecker("vi")
    hunspell = hunspell_available()
    rows: list[tuple[str, str, str]] = []

    # False alarms on professionally edited text: every flag is a false alarm.
    ours_flags = [miss.word for text in texts for miss in checker.check(text, with_suggestions=False)]
    theirs_flags = [word for path in files for word in hunspell_list(path)] if hunspell else []
    rows.append(
        (
            f"false alarms, corpus ({len(files)} texts, {words} words)",
            f"{len(ours_flags)} = {percent(len(ours_flags), words)}",
            f"{len(theirs_flags)} = {percent(len(theirs_flags), words)}" if hunspell else "-",
        )
    )

    # Recall and first-suggestion accuracy on the misspelling list.
    pairs = misspellings()
    caught = sum(1 for wrong, _ in pairs if checker.check(wrong, with_suggestions=False))
    first_right = sum(1 for wrong, expected in pairs if checker.suggest(wrong)[:1] == [expected])
    theirs_caught = theirs_first = 0
    if hunspell:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
            handle.write("\n".join(wrong for wrong, _ in pairs) + "\n")
        flagged = set(hunspell_list(Path(handle.name)))
        Path(handle.name).unlink()
        theirs_caught = sum(1 for wrong, _ in pairs if wrong in flagged)
        firsts = hunspell_first_suggestions([wrong for wrong, _ in pairs])
        theirs_first = sum(1 for wrong, expected in pairs if firsts.get(wrong) == expected)
    rows.append(
        (
            f"recall, misspelling list ({len(pairs)} words)",
            f"{caught} = {percent(caught, len(pairs))}",
            f"{theirs_caught} = {percent(theirs_caught, len(pairs))}" if hunspell else "-",
        )
    )
    rows.append(
        (
            "expected correction first",
            f"{first_right} = {percent(first_right, len(pairs))}",
            f"{theirs_first} = {percent(theirs_first, len(pairs))}" if hunspell else "-",
        )
    )

    # Throughput: the corpus repeated, so process start-up does not dominate Hunspell's figure.
    big_text = "\n".join(texts) * args.repeat
    big_words = words * args.repeat
    started = time.perf_counter()
    checker.check(big_text, with_suggestions=False)
    ours_seconds = time.perf_counter() - started
    theirs_rate = "-"
    if hunspell:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
            handle.write(big_text)
        started = time.perf_counter()
        hunspell_list(Path(handle.name))
        theirs_seconds = time.perf_counter() - started
        Path(handle.name).unlink()
        theirs_rate = f"{big_words / theirs_seconds:,.0f}"
    rows.append(("spell-check words/s (no suggestions)", f"{big_words / ours_seconds:,.0f}", theirs_rate))

    parse.cache_clear()  # one pass over the corpus from a cold syllable cache
    started = time.perf_counter()
    for text in texts:
        checker.check(text, with_suggestions=False)
    rows.append(("spell-check words/s (cold cache, one pass)", f"{words / (time.perf_counter() - started):,.0f}", "-"))

    started = time.perf_counter()
    for wrong, _ in pairs:
        checker.suggest(wrong)
    rows.append(("suggestion lists/s (misspelling list)", f"{len(pairs) / (time.perf_counter() - started):,.0f}", "-"))

    started = time.perf_counter()
    sentences = sum(len(segment(text, "vi")) for _ in range(args.repeat) for text in texts)
    seconds = time.perf_counter() - started
    rows.append(("segmentation sentences/s (vi)", f"{sentences / seconds:,.0f}", "-"))
    rows.append(("segmentation words/s (vi)", f"{big_words / seconds:,.0f}", "-"))

    width = max(len(row[0]) for row in rows)
    print(f"{'measure':<{width}}  {'ours':>18}  {'hunspell vi_VN':>18}")
    for name, ours, theirs in rows:
        print(f"{name:<{width}}  {ours:>18}  {theirs:>18}")
    if ours_flags:
        print(f"\nour false alarms: {', '.join(sorted(set(ours_flags)))}")
    if theirs_flags:
        common = sorted(set(theirs_flags), key=theirs_flags.count, reverse=True)[:25]
        print(f"hunspell's most frequent false alarms: {', '.join(common)}")
    missed = [wrong for wrong, _ in pairs if not checker.check(wrong, with_suggestions=False)]
    if missed:
        print(f"misspellings we missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
