"""Packages: assembling and editing them, checking them against the completeness rules, sealing their
versions into the outbox, and the station keys bundles are verified with.

The package builder (GUI) and the `workstation package …` commands call only this service:

- `create`, `update`, `get`, `list`, `overview`: the package and what it holds, article by article.
- `check(package_id)`: every completeness-rule failure (rules in resources/packaging/rules.toml),
  each naming the article, item, language and field to fix, with a `JumpTarget` for the GUI.
- `seal(package_id, …)`: refuses while an error-severity rule fails (listing every failure), then writes
  version n+1 (pictures included) into the outbox, moves approved items to `packaged` and records the
  version's snapshot and change summary, all or nothing. Unchanged content is not sealed twice.
- `versions(package_id)`: every sealed version with what changed since the one before.
- `verify(path)`, `station_keys`, `export_station_key`, `import_station_key_file`: bundles are
  trusted when signed by this station or by a station whose key was imported.

Every change publishes `Changes(packages=True)` (and `outbox=True` when a bundle is sealed).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.clock import Clock, timestamp
from workstation.editorial import workflow
from workstation.editorial.pictures import EXTENSIONS
from workstation.errors import BadInput, EnvironmentFailure, NotFound, Refused
from workstation.events import ChangeBus
from workstation.ids import new_id
from workstation.language.normalise import normalise_text
from workstation.model import (
    Article,
    ArticleOverview,
    ArticleState,
    Changes,
    DeliveryState,
    ItemOverview,
    OutboxEntry,
    Package,
    PackageOverview,
    PackageVersion,
    Picture,
    RuleFailure,
    SegmentState,
    StationKey,
)
from workstation.packaging.bundle import (
    BundleIdentity,
    BundleItem,
    BundleMedia,
    BundleReport,
    json_bytes,
    seal_bundle,
    verify_bundle,
)
from workstation.packaging.ninjs import MediaFacts, ninjs_problems, to_ninjs
from workstation.packaging.rules import (
    CLEARED_STATES,
    ArticleFacts,
    PackageFacts,
    Rule,
    TranslationFacts,
    check_package,
    default_rules,
)
from workstation.packaging.versions import change_summary, content_digest, snapshot
from workstation.signing import fingerprint, load_public_key
from workstation.station.identity import StationIdentity
from workstation.storage.articles import ArticleRepository
from workstation.storage.packages import (
    OutboxRepository,
    PackageRepository,
    PackageVersionRepository,
    StationKeyRepository,
    StoredVersion,
)
from workstation.storage.store import Store
from workstation.user_files import read_user_file, write_atomically

if TYPE_CHECKING:
    from workstation.editorial.people import PeopleService
    from workstation.editorial.picture_library import PictureLibrary
    from workstation.editorial.service import EditorialService
    from workstation.translation.qa import QaIssue
    from workstation.translation.service import TranslationService

__all__ = [
    "ArticleOverview",
    "ItemOverview",
    "PackageIncomplete",
    "PackageOverview",
    "PackageVersion",
    "PackagingService",
    "RuleFailure",
    "SealResult",
    "StationKey",
]

Progress = Callable[[int, int], None]

MAX_NAME_CHARS = 200
MAX_DESTINATION_CHARS = 100
MAX_NOTE_CHARS = 4000
MAX_KEY_FILE_BYTES = 64 * 1024


class PackageIncomplete(Refused):
    """Sealing refused because rules fail; `failures` are the error-severity ones, each a line of the message."""

    def __init__(self, failures: Sequence[RuleFailure]) -> None:
        super().__init__(refusal_text(failures))
        self.failures = tuple(failures)


@dataclass(frozen=True)
class SealResult:
    entry: OutboxEntry
    path: Path
    changes: tuple[str, ...] = ()
    """What changed since the previous version (empty for the first)."""


class PackagingService:
    def __init__(
        self,
        store: Store,
        identity: StationIdentity,
        clock: Clock,
        bus: ChangeBus,
        *,
        editorial: EditorialService,
        people: PeopleService,
        translations: TranslationService,
        pictures: Callable[[], PictureLibrary],
        qa_errors: Callable[[str], Sequence[QaIssue]],
        rules: Sequence[Rule] | None = None,
    ) -> None:
        """`qa_errors(translation_id)` gives a translation's open QA errors (QaService.errors);
        `rules` default to resources/packaging/rules.toml."""
        self._store = store
        self._identity = identity
        self._clock = clock
        self._bus = bus
        self._editorial = editorial
        self._people = people
        self._translations = translations
        self._pictures = pictures
        self._qa_errors = qa_errors
        self._rules = tuple(rules) if rules is not None else default_rules()
        self._articles = ArticleRepository(store)
        self._packages = PackageRepository(store)
        self._versions = PackageVersionRepository(store)
        self._outbox = OutboxRepository(store)
        self._keys = StationKeyRepository(store)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    # --- editing ------------------------------------------------------------------------------------

    def create(self, name: str, article_ids: list[str], note: str = "", destination: str = "portal") -> Package:
        """A package of these source articles in this order (each brings all its translations).

        BadInput for an empty name or list; NotFound for an unknown article; Refused for a translation.
        """
        now = timestamp(self._clock())
        package = Package(
            id=new_id(),
            name=_checked_name(name),
            article_ids=self._checked_articles(article_ids),
            station_id=self._identity.station_id,
            destination=_checked_destination(destination),
            note=_checked_note(note),
            version=0,
            created_at=now,
            updated_at=now,
        )
        self._packages.insert(package)
        self._bus.publish(Changes(packages=True))
        return package

    def update(
        self,
        package_id: str,
        *,
        name: str | None = None,
        note: str | None = None,
        destination: str | None = None,
        article_ids: list[str] | None = None,
    ) -> Package:
        """Change what is given; `article_ids` is the new ordered list (reorder, add, remove in one call).

        Sealed versions stay as they were: the change goes into the next version.
        """
        package = self.get(package_id)
        changed = replace(
            package,
            name=package.name if name is None else _checked_name(name),
            article_ids=package.article_ids if article_ids is None else self._checked_articles(article_ids),
            destination=package.destination if destination is None else _checked_destination(destination),
            note=package.note if note is None else _checked_note(note),
        )
        if changed == package:
            return package
        changed = replace(changed, updated_at=timestamp(self._clock()))
        self._packages.update(changed)
        self._bus.publish(Changes(packages=True))
        return changed

    def _checked_articles(self, article_ids: list[str]) -> list[str]:
        article_ids = list(dict.fromkeys(article_id.strip() for article_id in article_ids))
        if not article_ids:
            raise BadInput("a package needs at least one article")
        for article_id in article_ids:
            article = self._articles.get(article_id)
            if article is None:
                raise NotFound(f"no article with id {article_id}")
            if article.is_translation:
                raise Refused(
                    f"{article_id} is a translation; add its source {article.translated_from} "
                    "and every translation comes with it"
                )
        return article_ids

    # --- reading ------------------------------------------------------------------------------------

    def get(self, package_id: str) -> Package:
        package = self._packages.get(package_id)
        if package is None:
            raise NotFound(f"no package with id {package_id}")
        return package

    def list(self) -> list[Package]:
        return self._packages.list()

    def status(self, package_id: str) -> DeliveryState:
        self.get(package_id)
        entry = self._outbox.latest_for(package_id)
        return DeliveryState(entry.state) if entry else DeliveryState.OPEN

    def outbox(self) -> list[OutboxEntry]:
        return self._outbox.all()

    def contents(self, package: Package) -> list[Article]:
        """The package's articles, each followed by all its translations."""
        articles: list[Article] = []
        for article_id in package.article_ids:
            source = self._source(package, article_id)
            articles.append(source)
            articles += [
                translation
                for tid in self._articles.translation_ids_of(article_id)
                if (translation := self._articles.get(tid)) is not None
            ]
        return articles

    def overview(self, package_id: str) -> PackageOverview:
        """Per source article, in order: its languages with state and readiness, pictures, estimated size.

        A source is ready (`final`) once cleared (approved or beyond), a translation once every sentence
        is final. Sizes are the items' ninjs JSON plus the pictures' web renditions, as the bundle holds
        them (before zip compression).
        """
        package = self.get(package_id)
        facts = self._facts(package, with_qa=False)
        media = self._media_of(facts)
        articles = []
        counted: set[str] = set()
        total = 0
        for article in facts.articles:
            documents = sum(len(json_bytes(item.ninjs)) for item in self._bundle_items(article, media))
            pictures = {media[picture.id].sha256: media[picture.id].size for picture in article.pictures}
            total += documents + sum(size for sha256, size in pictures.items() if sha256 not in counted)
            counted |= pictures.keys()
            source = article.source
            articles.append(
                ArticleOverview(
                    article_id=source.id,
                    headline=source.headline,
                    language=source.language,
                    state=source.state,
                    picture_count=len(article.pictures),
                    languages=(
                        ItemOverview(source.language, source.id, source.state, source.state in CLEARED_STATES),
                        *(
                            ItemOverview(t.article.language, t.article.id, t.article.state, t.unfinished == 0)
                            for t in article.translations
                        ),
                    ),
                    size=documents + sum(pictures.values()),
                )
            )
        return PackageOverview(package=package, articles=tuple(articles), total_size=total)

    # --- rules --------------------------------------------------------------------------------------

    def check(self, package_id: str) -> list[RuleFailure]:
        """Every failure of every enabled rule (errors and warnings), article by article in package order."""
        return check_package(self._facts(self.get(package_id), with_qa=True), self._rules)

    # --- sealing ------------------------------------------------------------------------------------

    def seal(
        self,
        package_id: str,
        copy_to: Path | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> SealResult:
        """Seal the package's next version into the outbox (and copy it to `copy_to`).

        Refused, listing every failure (`RuleFailure.line()`), while an error-severity rule fails; Refused
        when the acting profile may not move the approved items to packaged, or when the latest version
        already holds exactly this content. `progress(done, total)` counts bytes; `cancelled()` is asked
        between chunks (SealCancelled). Writing the bundle, moving approved items to `packaged`, the
        outbox entry and the version's snapshot are one operation: a failure leaves none of them.
        """
        package = self.get(package_id)
        facts = self._facts(package, with_qa=True)
        errors = [failure for failure in check_package(facts, self._rules) if failure.is_error]
        if errors:
            raise PackageIncomplete(errors)
        to_package = [
            item for article in facts.articles for item in article.items if item.state == ArticleState.APPROVED
        ]
        self._check_may_package(to_package)

        held = snapshot(package, facts.articles, facts.languages)
        digest = content_digest(held)
        latest = self._versions.latest(package_id)
        if latest is not None and latest.content_sha256 == digest:
            raise Refused(f"v{latest.version} already holds exactly this content; change something to seal again")
        latest_entry = self._outbox.latest_for(package_id)
        version = max(latest.version if latest else 0, latest_entry.package_version if latest_entry else 0) + 1
        changes = change_summary(latest.snapshot if latest else None, held)

        media = self._media_of(facts)
        items = [item for article in facts.articles for item in self._bundle_items(article, media)]
        problems = [f"{i.item_id} ({i.language}): {problem}" for i in items for problem in ninjs_problems(i.ninjs)]
        if problems:
            raise Refused("the package cannot be sealed:\n" + "\n".join(problems))
        identity = BundleIdentity(package_id, version)
        manifest = {
            "id": package.id,
            "version": version,
            "name": package.name,
            "destination": package.destination,
            "note": package.note,
            "station_id": self._identity.station_id,
            "items": [{"id": item.item_id, "language": item.language} for item in items],
            "changes": changes,
        }
        file_name = f"{identity.folder}.zip"
        sealed = seal_bundle(
            self._store.outbox_folder / file_name,
            identity,
            manifest,
            items,
            media=self._bundle_media(facts, media),
            station_id=self._identity.station_id,
            organisation=self._identity.name,
            private_key=self._identity.private_key(),
            now=self._clock(),
            progress=progress,
            cancelled=cancelled,
        )
        now = timestamp(self._clock())
        entry = OutboxEntry(package_id, version, file_name, sealed.sha256, sealed.size, sealed_at=now)
        try:
            with self._store.transaction():
                for item in to_package:
                    self._editorial.set_state(item.id, ArticleState.PACKAGED, f"sealed in {package.name} v{version}")
                self._outbox.add(entry, now)
                self._versions.add(StoredVersion(package_id, version, now, digest, held, changes))
                self._packages.bump_version(package_id, version, now)
        except BaseException:
            sealed.path.unlink(missing_ok=True)  # the outbox holds no bundle its records do not know
            raise
        self._bus.publish(Changes(packages=True, outbox=True, articles=bool(to_package)))
        path = sealed.path
        if copy_to is not None:
            try:
                copy_to.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(sealed.path, copy_to)
            except OSError as error:
                raise EnvironmentFailure(
                    f"the bundle is sealed and queued, but could not be copied to {copy_to}: {error.strerror}"
                ) from error
            path = copy_to
        return SealResult(entry=entry, path=path, changes=tuple(changes))

    def _check_may_package(self, items: list[Article]) -> None:
        """Refused, before anything is written, when the acting profile may not move an item to packaged."""
        profile = self._people.current()
        for item in items:
            reason = workflow.refusal(profile, item.state, ArticleState.PACKAGED, item.is_translation)
            if reason is not None:
                raise Refused(
                    f"cannot seal: “{item.headline or item.id}” ({item.language}) cannot be packaged: {reason}"
                )

    def versions(self, package_id: str) -> list[PackageVersion]:
        """Every sealed version, oldest first, with its change summary and where its bundle stands."""
        self.get(package_id)
        found = []
        for stored in self._versions.of_package(package_id):
            entry = self._outbox.get(package_id, stored.version)
            found.append(
                PackageVersion(
                    package_id=package_id,
                    version=stored.version,
                    sealed_at=stored.sealed_at,
                    changes=tuple(stored.changes),
                    state=entry.state if entry else "",
                    file_name=entry.file_name if entry else "",
                    size=entry.size if entry else 0,
                )
            )
        return found

    # --- verifying and station keys -----------------------------------------------------------------

    def verify(self, path: Path) -> BundleReport:
        known = self._keys.all()
        known[self._identity.station_id] = self._identity.public_key
        return verify_bundle(path, known.get)

    def station_keys(self) -> list[StationKey]:
        """This station's key first, then every imported one, oldest first."""
        own = self._own_key()
        imported = [
            StationKey(row["station_id"], row["label"], row["public_key"], fingerprint(row["public_key"]),
                       added_at=row["added_at"])
            for row in self._keys.entries()
            if row["station_id"] != own.station_id
        ]  # fmt: skip
        return [own, *imported]

    def export_station_key(self, out: Path) -> StationKey:
        """Write this station's id, name, public key and fingerprint as JSON, for another side to import."""
        own = self._own_key()
        document = {key: value for key, value in own.as_json().items() if key not in ("own", "added_at")}
        write_atomically(out, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
        return own

    def import_station_key_file(self, path: Path) -> StationKey:
        """Trust the station key in a file written by `export_station_key`; BadInput names what is wrong."""
        data = read_user_file(path, MAX_KEY_FILE_BYTES, "a station key file (.json)")
        key = parse_station_key(data, path.name)
        if key.station_id == self._identity.station_id:
            if key.public_key == self._identity.public_key:
                raise Refused(f"{path.name} holds this station's own key, which is trusted already")
            raise Refused(f"{path.name} claims this station's id {key.station_id} with another key; not imported")
        now = timestamp(self._clock())
        self._keys.put(key.station_id, key.public_key, key.name, now)
        self._bus.publish(Changes(packages=True))
        return StationKey(key.station_id, key.name, key.public_key, key.fingerprint, added_at=now)

    def _own_key(self) -> StationKey:
        identity = self._identity
        return StationKey(identity.station_id, identity.name, identity.public_key, identity.fingerprint, own=True)

    # --- internals ----------------------------------------------------------------------------------

    def _source(self, package: Package, article_id: str) -> Article:
        source = self._articles.get(article_id)
        if source is None:
            raise NotFound(f"package {package.id} names a missing article {article_id}")
        return source

    def _facts(self, package: Package, with_qa: bool) -> PackageFacts:
        """What the rules, the overview and sealing look at, read once."""
        library = self._pictures()
        articles = []
        for article_id in package.article_ids:
            source = self._source(package, article_id)
            translations = []
            for translation in self._translations.translations_of(article_id):
                segments = self._translations.segments(translation.id)  # brought in line with the source
                translation = self._articles.get(translation.id) or translation  # as following may have rebuilt it
                unfinished = sum(1 for s in segments if s.state != SegmentState.FINAL or s.is_stale)
                errors = tuple(self._qa_errors(translation.id)) if with_qa else ()
                translations.append(TranslationFacts(translation, len(segments), unfinished, errors))
            pictures = tuple(library.pictures_of(article_id))
            articles.append(ArticleFacts(source, tuple(translations), pictures))
        return PackageFacts(tuple(articles), now=self._clock())

    def _media_of(self, facts: PackageFacts) -> dict[str, MediaFacts]:
        """Each picture's web rendition (EXIF and GPS stripped when it was made), by picture id, from the
        media records: sealing hashes each file as it writes it and refuses one that no longer matches."""
        library = self._pictures()
        media = {}
        for article in facts.articles:
            for picture in article.pictures:
                stored = library.media_file(picture.rendition_sha256)
                media[picture.id] = MediaFacts(
                    sha256=stored.sha256,
                    extension=EXTENSIONS[stored.content_type],
                    content_type=stored.content_type,
                    width=stored.width,
                    height=stored.height,
                    size=stored.size,
                )
        return media

    def _bundle_items(self, article: ArticleFacts, media: dict[str, MediaFacts]) -> list[BundleItem]:
        pictures: list[tuple[Picture, MediaFacts]] = [(picture, media[picture.id]) for picture in article.pictures]
        return [
            BundleItem(item.id, item.language, to_ninjs(item, self._identity.station_id, self._identity.name, pictures))
            for item in article.items
        ]

    def _bundle_media(self, facts: PackageFacts, media: dict[str, MediaFacts]) -> list[BundleMedia]:
        library = self._pictures()
        return [
            BundleMedia.of(media[picture.id], library.rendition_path(picture))
            for article in facts.articles
            for picture in article.pictures
        ]


def refusal_text(failures: Sequence[RuleFailure]) -> str:
    """How a refused seal lists the failures: a first line, then one `RuleFailure.line()` each."""
    count = len(failures)
    heading = f"the package is not complete ({count} problem{'s' if count != 1 else ''}):"
    return "\n".join([heading, *(failure.line() for failure in failures)])


@dataclass(frozen=True)
class ImportedKey:
    station_id: str
    name: str
    public_key: str
    fingerprint: str


def parse_station_key(data: bytes, file_name: str) -> ImportedKey:
    """A station key file's contents, checked: BadInput names the file and the field at fault."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadInput(f"{file_name} is not a station key file: it is not UTF-8 JSON") from error
    if not isinstance(document, dict):
        raise BadInput(f"{file_name} is not a station key file: expected a JSON object")
    station_id = document.get("station_id")
    public_key = document.get("public_key")
    name = document.get("name", "")
    claimed = document.get("fingerprint")
    if not isinstance(station_id, str) or not _is_uuid(station_id):
        raise BadInput(f"{file_name}: station_id is missing or not a station id (a UUID)")
    if not isinstance(public_key, str):
        raise BadInput(f"{file_name}: public_key is missing")
    try:
        load_public_key(public_key)
    except ValueError as error:
        raise BadInput(f"{file_name}: public_key is not a base64 Ed25519 public key") from error
    if not isinstance(name, str) or len(name) > MAX_NAME_CHARS:
        raise BadInput(f"{file_name}: name must be a text of at most {MAX_NAME_CHARS} characters")
    actual = fingerprint(public_key)
    if claimed is not None and claimed != actual:
        raise BadInput(
            f"{file_name}: the fingerprint {claimed!r} does not match its key ({actual}); "
            "the file was altered or mixed up"
        )
    return ImportedKey(station_id.lower(), normalise_text(name).strip(), public_key, actual)


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def _checked_name(name: str) -> str:
    return _one_line(name, MAX_NAME_CHARS, "a package needs a name", "the package name")


def _checked_destination(destination: str) -> str:
    missing = "a package needs a destination, e.g. portal"
    return _one_line(destination, MAX_DESTINATION_CHARS, missing, "the destination")


def _one_line(text: str, limit: int, missing: str, what: str) -> str:
    """`text` normalised, its runs of white space made one space; BadInput when empty or over `limit`."""
    text = " ".join(normalise_text(text).split())
    if not text:
        raise BadInput(missing)
    if len(text) > limit:
        raise BadInput(f"{what} is too long ({len(text)} characters; at most {limit})")
    return text


def _checked_note(note: str) -> str:
    note = normalise_text(note).strip()
    if len(note) > MAX_NOTE_CHARS:
        raise BadInput(f"the note is too long ({len(note)} characters; at most {MAX_NOTE_CHARS})")
    return note
