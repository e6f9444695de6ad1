"""Schema migrations, applied in order and recorded in PRAGMA user_version.

Never edit a released migration: append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: articles (sources and translations alike), body blocks, translation segments,
    #    packages, the outbox of sealed bundles, portal enrolment and plain settings.
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        language TEXT NOT NULL,
        headline TEXT NOT NULL DEFAULT '',
        subheadline TEXT NOT NULL DEFAULT '',
        lead TEXT NOT NULL DEFAULT '',
        byline TEXT NOT NULL DEFAULT '',
        dateline TEXT NOT NULL DEFAULT '',
        genre TEXT NOT NULL DEFAULT 'news',
        state TEXT NOT NULL DEFAULT 'draft',
        translated_from TEXT REFERENCES articles(id) ON DELETE CASCADE,
        translation_id TEXT,
        direction TEXT
    );
    CREATE INDEX articles_updated ON articles(updated_at);
    CREATE INDEX articles_translated_from ON articles(translated_from);
    CREATE TABLE blocks (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'paragraph',
        text TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (article_id, id)
    );
    CREATE TABLE segments (
        translation_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        position INTEGER NOT NULL,
        part TEXT NOT NULL,
        source_text TEXT NOT NULL,
        source_hash TEXT NOT NULL,
        target_text TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'new',
        origin TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (translation_id, address)
    );
    CREATE TABLE packages (
        id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        name TEXT NOT NULL,
        destination TEXT NOT NULL DEFAULT 'portal',
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE package_items (
        package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (package_id, article_id)
    );
    CREATE TABLE outbox (
        package_id TEXT NOT NULL REFERENCES packages(id),
        package_version INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        sealed_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        upload_url TEXT,
        acknowledged_offset INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        receipt TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (package_id, package_version)
    );
    CREATE TABLE known_station_keys (
        station_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL
    );
    """,
    # 2: the workspace's personal dictionary ("add to dictionary"), per language.
    """
    CREATE TABLE personal_words (
        language TEXT NOT NULL,
        word TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (language, word)
    );
    """,
    # 3: lists page through articles newest first; one index serves that order directly.
    """
    DROP INDEX articles_updated;
    CREATE INDEX articles_recent ON articles(updated_at DESC, id DESC);
    """,
]
