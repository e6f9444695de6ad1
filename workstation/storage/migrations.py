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
    # 4: drafting. Article metadata, inline marks and picture blocks, pictures over content-addressed
    #    media, local profiles with roles, the workflow's state history and revision snapshots.
    """
    ALTER TABLE articles ADD COLUMN subjects TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE articles ADD COLUMN keywords TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE articles ADD COLUMN embargo TEXT;
    ALTER TABLE articles ADD COLUMN notes TEXT NOT NULL DEFAULT '';
    ALTER TABLE articles ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE blocks ADD COLUMN marks TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE blocks ADD COLUMN picture_id TEXT;
    CREATE TABLE media (
        sha256 TEXT PRIMARY KEY,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        width INTEGER NOT NULL DEFAULT 0,
        height INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE pictures (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        media_sha256 TEXT NOT NULL REFERENCES media(sha256),
        rendition_sha256 TEXT NOT NULL REFERENCES media(sha256),
        thumbnail_sha256 TEXT NOT NULL REFERENCES media(sha256),
        content_type TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        captions TEXT NOT NULL DEFAULT '{}',
        alt_texts TEXT NOT NULL DEFAULT '{}',
        credits TEXT NOT NULL DEFAULT '{}',
        copyright_holder TEXT NOT NULL DEFAULT '',
        original_name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX pictures_article ON pictures(article_id);
    CREATE TABLE profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        roles TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE state_changes (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        at TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX state_changes_article ON state_changes(article_id, id);
    CREATE TABLE revisions (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        first_saved_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (article_id, version)
    );
    """,
    # 5: full-text search over a folded copy of each article (rowid = articles.rowid; the language
    #    is a column so a language filter is an index lookup too). ws_search_text and ws_search_extra
    #    are Python functions (storage/search.py) that open_store registers, so existing articles are
    #    indexed here. And the article list's state and language filters, each walking its rows newest first.
    """
    CREATE VIRTUAL TABLE article_search USING fts5(
        headline, summary, body, extra, language,
        tokenize = 'unicode61 remove_diacritics 0'
    );
    INSERT INTO article_search(article_search, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 2.0, 0.0)');
    INSERT INTO article_search(rowid, headline, summary, body, extra, language)
        SELECT a.rowid, ws_search_text(a.headline), ws_search_text(a.subheadline || char(10) || a.lead),
            ws_search_text((SELECT group_concat(b.text, char(10)) FROM
                (SELECT text FROM blocks WHERE article_id = a.id AND kind <> 'picture' ORDER BY position) b)),
            ws_search_extra(a.byline, a.dateline, a.subjects, a.keywords, a.notes), a.language
        FROM articles a;
    CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
        DELETE FROM article_search WHERE rowid = old.rowid;
    END;
    CREATE INDEX articles_state ON articles(state, updated_at DESC, id DESC);
    CREATE INDEX articles_language ON articles(language, updated_at DESC, id DESC);
    """,
    # 6: translation editing. Stale segments keep the source they were translated from; who saved
    #    each segment; reviewers' verdicts and notes; which version of its source a translation follows
    #    (none yet for existing translations: they catch up with their source when next read).
    """
    ALTER TABLE segments ADD COLUMN stale_source TEXT;
    ALTER TABLE segments ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
    CREATE TABLE segment_comments (
        id INTEGER PRIMARY KEY,
        translation_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        at TEXT NOT NULL,
        verdict TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX segment_comments_translation ON segment_comments(translation_id, id);
    CREATE TABLE translation_sources (
        translation_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        source_version TEXT NOT NULL
    );
    """,
    # 7: translation memory (filled in by the translation-memory work).
    """
    -- One row per unit (a source and a target sentence, inline tags kept), either direction usable.
    -- source_hash/target_hash: 64-bit hash of the match key (tags, punctuation, case and spacing
    -- folded away) for exact lookups. tm_search (rowid = tm_units.id) holds the candidate index:
    -- one column per ordered language pair, "vi_en" holding the Vietnamese side of every unit that
    -- pairs Vietnamese with English (either direction), as folded words, CJK characters and adjacent
    -- pairs of them ("chuyen doi so chuyen_doi doi_so"). Contentless, without positions.
    CREATE TABLE tm_units (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        station_id TEXT NOT NULL,
        source_lang TEXT NOT NULL,
        target_lang TEXT NOT NULL,
        source_text TEXT NOT NULL,
        target_text TEXT NOT NULL,
        source_hash INTEGER NOT NULL,
        target_hash INTEGER NOT NULL,
        origin TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX tm_units_source ON tm_units(source_hash);
    CREATE INDEX tm_units_target ON tm_units(target_hash);
    CREATE INDEX tm_units_pair ON tm_units(source_lang, target_lang);
    CREATE VIRTUAL TABLE tm_search USING fts5(
        vi_en, vi_zh, vi_ja, vi_ko,
        en_vi, en_zh, en_ja, en_ko,
        zh_vi, zh_en, zh_ja, zh_ko,
        ja_vi, ja_en, ja_zh, ja_ko,
        ko_vi, ko_en, ko_zh, ko_ja,
        content = '', detail = column, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
    );
    """,
    # 8: glossary (filled in by the glossary work).
    """
    -- Glossary entries, one per source term and target term of a language pair. The keys are the terms
    -- as matched (translation/glossary.py term_key: NFC, lower case, diacritics kept), so a lookup or a
    -- duplicate check is an index search. An entry also serves the reverse pair, whose lookups search
    -- the target columns (the second index).
    CREATE TABLE glossary_entries (
        id TEXT PRIMARY KEY,
        station_id TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        source_language TEXT NOT NULL,
        source_term TEXT NOT NULL,
        source_key TEXT NOT NULL,
        target_language TEXT NOT NULL,
        target_term TEXT NOT NULL,
        target_key TEXT NOT NULL,
        forbidden TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL DEFAULT 'local',
        CHECK (source_language <> target_language)
    );
    CREATE UNIQUE INDEX glossary_entries_pair
        ON glossary_entries(source_language, target_language, source_key, target_key);
    CREATE INDEX glossary_entries_reverse ON glossary_entries(target_language, source_language, target_key);
    """,
    # 9: QA acknowledgements (filled in by the QA work).
    """
    -- A QA warning acknowledged with a reason, per translation, segment address and check code. The
    -- fingerprint hashes the code with the segment's source and target as they were, so the
    -- acknowledgement lapses (is ignored) once either text changes.
    CREATE TABLE qa_acknowledgements (
        translation_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        code TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        reason TEXT NOT NULL,
        profile_id TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (translation_id, address, code)
    );
    """,
    # 10: packages. Each sealed version keeps a snapshot of what its items held (what the next
    #     version's change summary is measured against) and that summary; `content_sha256` hashes the
    #     snapshot's content so sealing unchanged content again is refused by one comparison.
    """
    CREATE TABLE package_versions (
        package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        sealed_at TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (package_id, version)
    );
    """,
    # 11: station sync: when and how each bundle's verdict arrived, the portal feed applied so far
    # (each entry once, by cursor and by its own id), and the editors' decisions per item and language.
    """
    ALTER TABLE outbox ADD COLUMN delivered_at TEXT;
    ALTER TABLE outbox ADD COLUMN route TEXT;
    CREATE TABLE feed_entries (
        cursor INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        entry_key TEXT NOT NULL,
        applied INTEGER NOT NULL,
        problem TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    CREATE INDEX feed_entries_key ON feed_entries(kind, entry_key);
    CREATE TABLE item_decisions (
        decision_id TEXT PRIMARY KEY,
        item_id TEXT NOT NULL,
        language TEXT NOT NULL,
        package_id TEXT NOT NULL,
        package_version INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        comments TEXT NOT NULL,
        editor TEXT NOT NULL DEFAULT '',
        decided_at TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    CREATE INDEX item_decisions_item ON item_decisions(item_id, decided_at);
    CREATE INDEX item_decisions_bundle ON item_decisions(package_id, package_version);
    """,
]
