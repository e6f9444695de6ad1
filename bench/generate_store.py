"""Generate a workspace store with N articles (and a translation for every tenth) for benchmarks.

python bench/generate_store.py OUT.db [--articles 10000]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from workstation.clock import timestamp, utc_now
from workstation.ids import new_id
from workstation.station.identity import load_or_create_identity
from workstation.storage.store import open_store

SYLLABLES = tuple(
    """thông tin đối ngoại hợp tác phát triển du lịch văn hoá kinh tế đầu tư hội nghị tỉnh thành phố
    đại sứ quán cộng đồng người Việt quảng bá hình ảnh đất nước con người chuyển đổi số giao lưu""".split()
)


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(SYLLABLES) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generate(path: Path, articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    store = open_store(path)
    station_id = load_or_create_identity(store).station_id
    now = timestamp(utc_now())
    article_rows, block_rows = [], []
    for n in range(articles):
        article_id = new_id()
        row = {
            "id": article_id, "station_id": station_id, "created_at": now, "updated_at": now, "version": 1,
            "language": "vi", "headline": sentence(rng, 10)[:-1], "lead": sentence(rng, 30),
            "byline": "Phóng viên", "dateline": "Hà Nội", "genre": "news", "state": "draft",
        }  # fmt: skip
        article_rows.append(row)
        for position in range(6):
            block_rows.append(
                {"article_id": article_id, "id": new_id(), "position": position, "kind": "paragraph",
                 "text": " ".join(sentence(rng, 20) for _ in range(4))}
            )  # fmt: skip
        if n % 10 == 0:
            article_rows.append(
                {**row, "id": new_id(), "language": "en", "headline": f"Translation {n}", "lead": "",
                 "translated_from": article_id, "translation_id": article_id, "direction": "forward"}
            )  # fmt: skip
    # sqlite-utils bulk inserts commit in batches of their own: this is bulk work outside the services.
    store.db["articles"].insert_all(article_rows, batch_size=2000)
    store.db["blocks"].insert_all(block_rows, batch_size=5000)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    generate(args.out, args.articles)
    print(args.out)


if __name__ == "__main__":
    main()
