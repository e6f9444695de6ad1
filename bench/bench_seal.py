"""Sealing and verifying a large bundle beside `sha256sum`, and rejecting the hostile corpus.

    .venv/bin/python bench/bench_seal.py [--photos 40] [--photo-mb 5] [--rounds 3] [--photo-dir DIR]

1. Makes ``--photos`` JPEG files of random pixels (``--photo-mb`` MB each; 40 × 5 MB = 200 MB) once,
   in ``--photo-dir`` (default: a folder under the system temporary folder, reused by later runs).
2. Builds 20 articles × 5 languages (vi, en, zh, ko, ja) as ninjs items with ``to_ninjs``; the
   Vietnamese text comes from ``../shared/corpus`` when present, otherwise it is generated; each
   article shows two of the photos in every language, so the bundle carries every photo once.
3. With the photos in the page cache, each round times ``sha256sum`` over the photos, a plain copy of
   them into one file with fsync (the disk's share, nothing hashed), and then seals the bundle with
   ``seal_bundle`` in a child process (the child times the call itself, and reports its peak RSS,
   ``VmHWM``, after the call minus its resident size, ``VmRSS``, before it). Throughput is photo MB
   per second.
4. Times ``verify_bundle`` on the sealed bundle the same way, beside ``sha256sum`` over the bundle.
5. Builds the hostile corpus of tests/packaging/hostile.py and times its rejection.

Prints medians over the rounds, and the ratios of throughputs (ours / theirs: 1.0 = as fast as
``sha256sum``, or as the plain copy, in the second row).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(REPOSITORY))

from workstation.ids import new_id  # noqa: E402  (bench scripts run from a checkout)

CORPUS = REPOSITORY.parent / "shared" / "corpus"
ARTICLES = 20
LANGUAGES = ("vi", "en", "zh", "ko", "ja")
MB = 1_000_000
_WORDS = {
    "en": "the delegation met partners to discuss tourism trade culture and investment in the coming year".split(),
    "zh": list("代表团会见了合作伙伴讨论旅游贸易文化和投资合作的发展前景"),
    "ko": "대표단은 관광 무역 문화 투자 협력 방안을 논의하기 위해 파트너들을 만났다".split(),
    "ja": list("代表団は観光貿易文化投資協力について話し合うためにパートナーと会談した"),
    "vi": "đoàn công tác gặp gỡ đối tác trao đổi về du lịch thương mại văn hóa và đầu tư trong năm tới".split(),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--photo-mb", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--photo-dir", type=Path)
    parser.add_argument("--child", choices=["seal", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.work)

    photo_dir = args.photo_dir or Path(tempfile.gettempdir()) / f"bench-seal-photos-{args.photos}x{args.photo_mb:g}"
    photos = make_photos(photo_dir, args.photos, int(args.photo_mb * MB))
    photo_bytes = sum(path.stat().st_size for path in photos)
    work = Path(tempfile.mkdtemp(prefix="bench-seal-"))
    try:
        (work / "photos.json").write_text(json.dumps([str(path) for path in photos]))
        warm(photos)
        seal_rows, hash_rows, copy_rows = [], [], []
        for _ in range(args.rounds):
            hash_rows.append(sha256sum(photos))
            copy_rows.append(copy_with_fsync(photos, work / "copy.bin"))
            seal_rows.append(run_child("seal", work))
        bundle = work / "bundle.zip"
        bundle_bytes = bundle.stat().st_size
        warm([bundle])
        verify_rows, bundle_hash_rows = [], []
        for _ in range(args.rounds):
            bundle_hash_rows.append(sha256sum([bundle]))
            verify_rows.append(run_child("verify", work))
        hostile_count, hostile_seconds, slowest = reject_corpus(work / "hostile")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    seal_s = statistics.median(row["seconds"] for row in seal_rows)
    hash_s = statistics.median(hash_rows)
    copy_s = statistics.median(copy_rows)
    verify_s = statistics.median(row["seconds"] for row in verify_rows)
    bundle_hash_s = statistics.median(bundle_hash_rows)
    seal_rss = max(row["rss_growth_mb"] for row in seal_rows)
    verify_rss = max(row["rss_growth_mb"] for row in verify_rows)
    print(f"{len(photos)} photos, {photo_bytes / MB:.0f} MB; {ARTICLES} articles × {len(LANGUAGES)} languages; "
          f"bundle {bundle_bytes / MB:.0f} MB; text from {'../shared/corpus' if CORPUS.is_dir() else 'generator'}; "
          f"medians of {args.rounds} rounds")  # fmt: skip
    print(f"{'measure':38}{'ours':>12}{'sha256sum':>12}{'ratio':>8}")
    print(f"{'seal MB/s (photo bytes)':38}{photo_bytes / MB / seal_s:12.0f}{photo_bytes / MB / hash_s:12.0f}"
          f"{hash_s / seal_s:8.2f}")  # fmt: skip
    print(f"{'  beside a plain copy + fsync (no hash)':38}{'':12}{photo_bytes / MB / copy_s:12.0f}"
          f"{copy_s / seal_s:8.2f}")  # fmt: skip
    print(f"{'verify MB/s (bundle bytes)':38}{bundle_bytes / MB / verify_s:12.0f}"
          f"{bundle_bytes / MB / bundle_hash_s:12.0f}{bundle_hash_s / verify_s:8.2f}")  # fmt: skip
    print(f"{'seal peak RSS growth MB':38}{seal_rss:12.1f}")
    print(f"{'verify peak RSS growth MB':38}{verify_rss:12.1f}")
    print(f"{'hostile corpus rejected, total ms':38}{hostile_seconds * 1000:12.1f}   ({hostile_count} bundles)")
    print(f"{'slowest hostile bundle, ms':38}{slowest[1] * 1000:12.1f}   ({slowest[0]})")
    return 0


# --- data ---------------------------------------------------------------------------------------


def make_photos(folder: Path, count: int, size: int) -> list[Path]:
    """JPEGs of random pixels (incompressible, like photos), made once and reused."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    width = int((size / 1.12 * 4 / 3) ** 0.5)  # random pixels at quality 95 take about 1.12 bytes each
    height = width * 3 // 4
    paths = []
    for number in range(count):
        path = folder / f"photo-{number:03}.jpg"
        if not path.exists():
            buffer = io.BytesIO()
            Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "JPEG", quality=95)
            temporary = path.with_suffix(".partial")
            temporary.write_bytes(buffer.getvalue())
            temporary.replace(path)
        paths.append(path)
    return paths


def paragraphs(language: str, rng: random.Random) -> list[str]:
    if language == "vi" and CORPUS.is_dir():
        texts = [path.read_text("utf-8") for path in sorted(CORPUS.glob("*.txt"))]
        lines = [line.strip() for text in texts for line in text.splitlines() if len(line.strip()) > 80]
        return rng.sample(lines, 8)
    joiner = "" if language in ("zh", "ja") else " "
    return [joiner.join(rng.choices(_WORDS[language], k=60)) + "。" if not joiner else
            joiner.join(rng.choices(_WORDS[language], k=60)) + "." for _ in range(8)]  # fmt: skip


def build_bundle_input(photos: list[Path]) -> tuple:
    from workstation.model import Article, Block, Picture
    from workstation.packaging.bundle import BundleItem, BundleMedia
    from workstation.packaging.ninjs import media_facts, to_ninjs

    rng = random.Random(8)
    station_id = new_id()
    facts = [media_facts(path) for path in photos]
    items, media = [], [BundleMedia.of(fact, path) for fact, path in zip(facts, photos, strict=True)]
    per_article = max(1, len(photos) // ARTICLES)
    for number in range(ARTICLES):
        source_id = new_id()
        shown = [
            (Picture(id=new_id(), article_id=source_id, media_sha256=fact.sha256, rendition_sha256=fact.sha256,
                     content_type=fact.content_type, width=fact.width, height=fact.height,
                     captions={language: f"Ảnh {number}" for language in LANGUAGES},
                     alt_texts={language: f"Mô tả {number}" for language in LANGUAGES},
                     credits={language: "Minh Anh" for language in LANGUAGES}), fact)
            for fact in facts[number * per_article : (number + 1) * per_article]
        ]  # fmt: skip
        for language in LANGUAGES:
            article = Article(
                id=source_id if language == "vi" else new_id(), station_id=station_id, language=language,
                headline=f"Tin số {number} ({language})", lead=paragraphs(language, rng)[0],
                blocks=[Block(id=new_id(), text=text) for text in paragraphs(language, rng)],
                created_at="2026-11-27T10:00:00Z", updated_at="2026-11-27T10:05:00Z",
                translated_from=None if language == "vi" else source_id,
                translation_id=None if language == "vi" else source_id,
            )  # fmt: skip
            items.append(BundleItem(article.id, language, to_ninjs(article, station_id, "Đại sứ quán", shown)))
    return station_id, items, media


# --- children -----------------------------------------------------------------------------------


def child(kind: str, work: Path) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from workstation.packaging.bundle import BundleIdentity, seal_bundle, verify_bundle
    from workstation.signing import public_key_b64

    if kind == "seal":
        photos = [Path(path) for path in json.loads((work / "photos.json").read_text())]
        station_id, items, media = build_bundle_input(photos)
        key = Ed25519PrivateKey.generate()
        (work / "station.json").write_text(json.dumps({"id": station_id, "key": public_key_b64(key)}))
        package_id = new_id()
        package = {"id": package_id, "version": 1, "name": "Bench", "station_id": station_id,
                   "items": [{"id": item.item_id, "language": item.language} for item in items]}  # fmt: skip
        before = rss_mb("VmRSS")
        started = time.perf_counter()
        seal_bundle(work / "bundle.zip", BundleIdentity(package_id, 1), package, items, media, station_id, "S", key)
        seconds = time.perf_counter() - started
    else:
        station = json.loads((work / "station.json").read_text())
        verify_bundle(work / "absent.zip", lambda _station: None)  # imports, as the seal child had them
        from workstation.packaging.ninjs import ninjs_validator

        ninjs_validator()
        before = rss_mb("VmRSS")
        started = time.perf_counter()
        report = verify_bundle(work / "bundle.zip", lambda station_id: station["key"])
        seconds = time.perf_counter() - started
        if report.problems or report.media_count == 0:
            print(json.dumps({"problems": report.problems[:5]}), file=sys.stderr)
            return 1
    # Growth of the peak over the resident size just before the call: what the call itself needed.
    print(json.dumps({"seconds": seconds, "rss_growth_mb": rss_mb("VmHWM") - before}))
    return 0


def run_child(kind: str, work: Path) -> dict:
    finished = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--work", str(work)], capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise SystemExit(f"the {kind} child failed:\n{finished.stderr}")
    return json.loads(finished.stdout)


def rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) from /proc; elsewhere the peak from ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def warm(paths: list[Path]) -> None:
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(8 * 1024 * 1024):
                pass


def sha256sum(paths: list[Path]) -> float:
    started = time.perf_counter()
    subprocess.run(["sha256sum", *map(str, paths)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def copy_with_fsync(paths: list[Path], target: Path) -> float:
    """The disk's share of sealing: the same bytes read, written and flushed, nothing hashed."""
    started = time.perf_counter()
    with target.open("wb") as out:
        for path in paths:
            with path.open("rb") as source:
                shutil.copyfileobj(source, out, 1024 * 1024)
        out.flush()
        os.fsync(out.fileno())
    seconds = time.perf_counter() - started
    target.unlink()
    return seconds


def reject_corpus(folder: Path) -> tuple[int, float, tuple[str, float]]:
    from tests.packaging.hostile import build_corpus, make_valid_bundle
    from workstation.packaging.bundle import verify_bundle

    valid = make_valid_bundle(folder / "valid")
    corpus = build_corpus(valid, folder / "corpus")
    verify_bundle(valid.path, valid.key_lookup)  # imports and the schema's compilation are not the corpus's cost
    total, slowest = 0.0, ("", 0.0)
    for case, path in corpus:
        started = time.perf_counter()
        report = verify_bundle(path, valid.key_lookup)
        seconds = time.perf_counter() - started
        if report.valid:
            raise SystemExit(f"hostile bundle {case.name} was accepted")
        total += seconds
        slowest = max(slowest, (case.name, seconds), key=lambda pair: pair[1])
    return len(corpus), total, slowest


if __name__ == "__main__":
    raise SystemExit(main())
