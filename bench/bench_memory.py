"""Translation memory: fuzzy lookups in a 500,000-unit memory, and importing a 100,000-unit TMX.

    python bench/bench_memory.py [--units 500000] [--import-units 100000] [--queries 220] [--store-dir DIR]

1. Generates vi→en units: Vietnamese sentences from the newsroom templates of
   ``generate_search_store.py`` (syllables drawn with a Zipf law; 40 % of them with a second clause, so
   ~27 syllables on average), English targets the same way.
2. Writes the first ``--import-units`` as a TMX file (``write_tmx``, timed) and imports it into an empty
   store in a child process (``workstation tm import``'s code path, ``TranslationMemory.import_tmx``):
   time and peak RSS (``VmHWM``), and the child's peak before the import for comparison.
3. Fills a store with all ``--units`` through ``TranslationMemory.merge`` (one transaction, duplicate
   checks included), timed, and reports its size on disk by table.
4. Runs the queries: near-duplicates of stored sources (1-4 words replaced, deleted or inserted, a number
   changed), stored sources typed without diacritics, and unrelated new sentences. Each through
   ``TranslationMemory.lookup(limit=5)`` (the app's call: candidates, scores, diffs) with the index's
   word counts cached as in an app session (warm) and, in a second pass, with that cache emptied before
   every query (cold, as a one-shot ``workstation tm lookup``); and through a brute-force scan of the
   whole memory with the same scorer: ``rapidfuzz.process.extract`` over every unit's folded match
   key (the similarity that bounds the score from above), then the exact score of the top L, L doubled
   until the L-th bound is under the fifth score (so the scan's top 5 is exact). Reports p50/p95/max,
   the ratio, and how often both find the same best score and the same top-5 scores.
5. Times ``TranslationMemory.concordance`` for phrases of 1-3 words taken from stored sources, plus a
   few fixed ones and one found nowhere.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate_search_store import Languages  # noqa: E402  (bench scripts run from a checkout)
from rapidfuzz import fuzz, process  # noqa: E402

from workstation.language.folding import fold  # noqa: E402
from workstation.storage.store import open_store  # noqa: E402
from workstation.translation.memory import TranslationMemory, match_key, match_score  # noqa: E402
from workstation.translation.tmx import TmUnit, write_tmx  # noqa: E402

STATION = "bench-station"


def clock() -> datetime:
    return datetime.now(UTC)


# --- data ---------------------------------------------------------------------------------------


def vietnamese(languages: Languages, rng: random.Random) -> str:
    sentence = languages.sentence("vi")
    if rng.random() < 0.4:
        second = languages.sentence("vi")
        sentence = sentence.rstrip(".") + ", " + second[0].lower() + second[1:]
    return sentence


def generate_units(count: int, seed: int) -> tuple[list[TmUnit], Languages]:
    rng = random.Random(seed)
    languages = Languages.build(rng)
    units = []
    for n in range(count):
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00.000Z"
        units.append(TmUnit("vi", "en", vietnamese(languages, rng), languages.sentence("en"), day, day, "bench"))
    return units, languages


@dataclass
class Query:
    kind: str
    text: str


def make_queries(units: list[TmUnit], languages: Languages, total: int, seed: int) -> list[Query]:
    rng = random.Random(seed)
    near = int(total * 0.64)
    bare = int(total * 0.09)
    queries = [Query("near-duplicate", _edited(rng.choice(units).source, rng, languages)) for _ in range(near)]
    queries += [Query("without diacritics", _bare(rng.choice(units).source)) for _ in range(bare)]
    fresh = random.Random(seed + 1)
    queries += [Query("unrelated", vietnamese(languages, fresh)) for _ in range(total - near - bare)]
    return queries


def _edited(text: str, rng: random.Random, languages: Languages) -> str:
    words = text.split()
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(words))
        action = rng.random()
        if action < 0.15 and any(w.isdigit() for w in words):
            digits = [n for n, w in enumerate(words) if w.isdigit()]
            words[rng.choice(digits)] = str(rng.randint(2, 900))
        elif action < 0.5:
            words[at] = languages.vi.take(1)[0]
        elif action < 0.75 and len(words) > 4:
            del words[at]
        else:
            words.insert(at, languages.vi.take(1)[0])
    return " ".join(words)


def _bare(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


# --- TMX import in a child process --------------------------------------------------------------


def peak_rss_kb() -> int:
    """This process's peak resident set: VmHWM (ru_maxrss on Linux keeps the parent's peak across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def import_child(tmx: Path, store_path: Path) -> None:
    store = open_store(store_path)
    memory = TranslationMemory(store, STATION, clock)
    memory.lookup("vi", "en", "khởi động")  # everything the import needs is loaded before "before"
    before = peak_rss_kb()
    started = time.perf_counter()
    result = memory.import_tmx(tmx)
    elapsed = time.perf_counter() - started
    peak = peak_rss_kb()
    store.close()
    print(json.dumps({"seconds": elapsed, "added": result.added, "before_kb": before, "peak_kb": peak}))


def measure_import(units: list[TmUnit], folder: Path) -> None:
    tmx = folder / "import.tmx"
    started = time.perf_counter()
    write_tmx(tmx, units, "vi")
    written = time.perf_counter() - started
    print(f"TMX of {len(units):,} units: {tmx.stat().st_size / 1e6:.1f} MB, written in {written:.1f} s")
    child = subprocess.run(
        [sys.executable, __file__, "--import-child", str(tmx), str(folder / "import.db")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"import of {figures['added']:,} units (TranslationMemory.import_tmx, fresh store): "
        f"{figures['seconds']:.1f} s, {figures['added'] / figures['seconds']:,.0f} units/s; "
        f"peak RSS {figures['peak_kb'] / 1024:.0f} MB (process before the import: {figures['before_kb'] / 1024:.0f} MB)"
    )


# --- lookups ------------------------------------------------------------------------------------


def brute_force(query: str, sources: list[str], folded_keys: list[str]) -> tuple[list[int], float]:
    """The exact top-5 scores over the whole memory (see the module's docstring), and the seconds taken."""
    started = time.perf_counter()
    folded_query = fold(match_key(query))
    limit = 20
    while True:
        top = process.extract(folded_query, folded_keys, scorer=fuzz.ratio, limit=limit)
        scores = []
        for _key, _bound, index in top:
            scored = match_score(query, sources[index])
            scores.append(scored[0] if scored else 0)
        scores.sort(reverse=True)
        fifth = scores[4] if len(scores) >= 5 else 0
        if len(top) < limit or top[-1][1] < fifth or limit >= len(folded_keys):
            return scores[:5], time.perf_counter() - started
        limit *= 4


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_lookups(memory: TranslationMemory, queries: list[Query], sources: list[str]) -> None:
    print(f"computing the folded match keys of {len(sources):,} units for the brute force ...", flush=True)
    folded_keys = [fold(match_key(source)) for source in sources]
    memory.lookup("vi", "en", "khởi động")  # the first call imports rapidfuzz's scorers
    warm: list[float] = []
    brute: list[float] = []
    results: list[tuple[Query, list[int], list[int]]] = []
    for query in queries:
        started = time.perf_counter()
        matches = memory.lookup("vi", "en", query.text, limit=5, minimum=0)
        warm.append(time.perf_counter() - started)
        expected, seconds = brute_force(query.text, sources, folded_keys)
        brute.append(seconds)
        results.append((query, [m.score for m in matches], expected))
    cold: list[float] = []
    for query in queries:
        memory._common.clear()  # the cache of common words' counts, as in a new process
        started = time.perf_counter()
        memory.lookup("vi", "en", query.text, limit=5, minimum=0)
        cold.append(time.perf_counter() - started)
    ms = 1000
    print(f"\n{len(queries)} queries, top 5 (minimum 0 for the comparison; the app's default is 50)")
    print(f"{'':48}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, values in (
        ("TranslationMemory.lookup, word counts cached", warm),
        ("TranslationMemory.lookup, cache emptied", cold),
        ("brute force, whole memory (rapidfuzz)", brute),
    ):
        print(
            f"{label:48}{percentile(values, 0.5) * ms:9.2f}{percentile(values, 0.95) * ms:9.2f}{max(values) * ms:9.2f}"
        )
    print(
        f"ratio brute force / lookup (cached): p50 {percentile(brute, 0.5) / percentile(warm, 0.5):.0f}x, "
        f"p95 {percentile(brute, 0.95) / percentile(warm, 0.95):.0f}x; "
        f"(cache emptied): p95 {percentile(brute, 0.95) / percentile(cold, 0.95):.0f}x"
    )
    print(
        f"\n{'kind':22}{'queries':>8}{'same best':>10}{'same top5':>10}{'best>=50 same':>15}  lookup p95 ms  best score"
    )
    for kind in ("near-duplicate", "without diacritics", "unrelated", "all"):
        chosen = [(n, r) for n, r in enumerate(results) if kind == "all" or r[0].kind == kind]
        same_best = sum(1 for _n, (_q, ours, exact) in chosen if (ours[:1] or [0]) == exact[:1])
        same_top = sum(1 for _n, (_q, ours, exact) in chosen if ours == exact)
        visible = [(ours, exact) for _n, (_q, ours, exact) in chosen if exact and exact[0] >= 50]
        visible_same = sum(1 for ours, exact in visible if (ours[:1] or [0]) == exact[:1])
        best = statistics.median(exact[0] for _n, (_q, _ours, exact) in chosen)
        p95 = percentile([warm[n] for n, _r in chosen], 0.95) * ms
        print(
            f"{kind:22}{len(chosen):>8}{same_best:>10}{same_top:>10}{f'{visible_same}/{len(visible)}':>15}"
            f"{p95:15.2f}  median {best}"
        )
    missed = [(q, ours, exact) for q, ours, exact in results if (ours[:1] or [0]) != exact[:1]]
    if missed:
        gaps = [exact[0] - (ours[:1] or [0])[0] for _q, ours, exact in missed]
        print(
            f"best score differs on {len(missed)} queries ({', '.join(sorted({q.kind for q, _o, _e in missed}))}): "
            f"the scan's best is higher by {min(gaps)}-{max(gaps)} points (median {statistics.median(gaps)})"
        )
        for query, ours, exact in missed[:3]:
            print(f"  e.g. {query.kind}: ours {ours[:1]} scan {exact[:1]}: {query.text[:90]}")


def run_concordance(memory: TranslationMemory, units: list[TmUnit], seed: int) -> None:
    rng = random.Random(seed)
    phrases = []
    for _ in range(40):
        words = rng.choice(units).source.rstrip(".").split()
        at = rng.randrange(len(words))
        phrases.append(" ".join(words[at : at + rng.randint(1, 3)]))
    phrases += ["hợp tác", "du lịch", "chuyển đổi số", "thông tin đối ngoại", "nhân dân Hà Nội", "xyzzy"]
    times, found = [], []
    for phrase in phrases:
        started = time.perf_counter()
        hits = memory.concordance("vi", phrase, limit=20)
        times.append(time.perf_counter() - started)
        found.append(len(hits))
    print(
        f"\nconcordance, {len(phrases)} phrases of 1-3 words (20 hits at most, newest first): "
        f"p50 {percentile(times, 0.5) * 1000:.1f} ms, p95 {percentile(times, 0.95) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms; {sum(1 for n in found if n == 20)} gave 20 hits, "
        f"{sum(1 for n in found if n == 0)} none"
    )


# --- store --------------------------------------------------------------------------------------


def disk_usage(store_path: Path) -> None:
    connection = sqlite3.connect(store_path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    rows = connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    connection.close()
    size = sum(path.stat().st_size for path in store_path.parent.glob(store_path.name + "*"))
    parts = ", ".join(f"{name} {pages / 1e6:.0f}" for name, pages in rows if pages > 1e6)
    print(f"store on disk: {size / 1e6:.0f} MB ({parts} MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500_000)
    parser.add_argument("--import-units", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=220)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store-dir", type=Path, help="keep the stores and the TMX file in this folder")
    parser.add_argument("--import-child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_child:
        import_child(*args.import_child)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.store_dir or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        units, languages = generate_units(args.units, args.seed)
        average = statistics.mean(len(u.source) for u in units)
        words = statistics.mean(len(u.source.split()) for u in units)
        print(
            f"generated {len(units):,} vi→en units in {time.perf_counter() - started:.1f} s "
            f"(source: {average:.0f} characters, {words:.1f} syllables on average)"
        )
        measure_import(units[: args.import_units], folder)
        store_path = folder / "memory.db"
        store = open_store(store_path)
        memory = TranslationMemory(store, STATION, clock)
        if memory.count() == 0:
            started = time.perf_counter()
            result = memory.merge(units, origin="bench")
            print(f"merge of {result.added:,} units in one transaction: {time.perf_counter() - started:.1f} s")
        disk_usage(store_path)
        queries = make_queries(units, languages, args.queries, args.seed)
        run_lookups(memory, queries, [u.source for u in units])
        run_concordance(memory, units, args.seed)
        store.close()
        if args.store_dir is None:
            for path in folder.iterdir():
                os.unlink(path)


if __name__ == "__main__":
    main()
