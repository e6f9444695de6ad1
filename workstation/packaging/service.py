"""Assembling packages and sealing them into the outbox."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workstation.clock import Clock, timestamp
from workstation.errors import BadInput, EnvironmentFailure, NotFound, Refused
from workstation.events import ChangeBus
from workstation.ids import new_id
from workstation.language.normalise import normalise_text
from workstation.model import Article, Changes, DeliveryState, OutboxEntry, Package
from workstation.packaging.bundle import (
    BundleIdentity,
    BundleItem,
    BundleReport,
    SealCancelled,
    seal_bundle,
    verify_bundle,
)
from workstation.packaging.ninjs import ninjs_problems, to_ninjs
from workstation.signing import load_public_key
from workstation.station.identity import StationIdentity
from workstation.storage.articles import ArticleRepository
from workstation.storage.packages import OutboxRepository, PackageRepository, StationKeyRepository
from workstation.storage.store import Store

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SealResult:
    entry: OutboxEntry
    path: Path


class PackagingService:
    def __init__(self, store: Store, identity: StationIdentity, clock: Clock, bus: ChangeBus) -> None:
        self._store = store
        self._identity = identity
        self._clock = clock
        self._bus = bus
        self._articles = ArticleRepository(store)
        self._packages = PackageRepository(store)
        self._outbox = OutboxRepository(store)
        self._keys = StationKeyRepository(store)

    def create(self, name: str, article_ids: list[str], note: str = "") -> Package:
        name = normalise_text(name).strip()
        if not name:
            raise BadInput("a package needs a name")
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
        now = timestamp(self._clock())
        package = Package(
            id=new_id(),
            name=name,
            article_ids=list(dict.fromkeys(article_ids)),
            station_id=self._identity.station_id,
            note=normalise_text(note).strip(),
            version=0,
            created_at=now,
            updated_at=now,
        )
        self._packages.insert(package)
        self._bus.publish(Changes(packages=True))
        return package

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
            source = self._articles.get(article_id)
            if source is None:
                raise NotFound(f"package {package.id} names a missing article {article_id}")
            articles.append(source)
            articles += [
                translation
                for tid in self._articles.translation_ids_of(article_id)
                if (translation := self._articles.get(tid)) is not None
            ]
        return articles

    def seal(
        self,
        package_id: str,
        copy_to: Path | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> SealResult:
        """Seal the next version of the package into the outbox (and copy it to `copy_to`)."""
        package = self.get(package_id)
        articles = self.contents(package)
        items = [
            BundleItem(article.id, article.language, to_ninjs(article, self._identity.station_id, self._identity.name))
            for article in articles
        ]
        problems = [
            f"{item.item_id} ({item.language}): {problem}" for item in items for problem in ninjs_problems(item.ninjs)
        ]
        if problems:
            raise Refused("the package cannot be sealed:\n" + "\n".join(problems))
        latest = self._outbox.latest_for(package_id)
        identity = BundleIdentity(package_id, (latest.package_version if latest else 0) + 1)
        manifest = {
            "id": package.id,
            "version": identity.version,
            "name": package.name,
            "destination": package.destination,
            "note": package.note,
            "station_id": self._identity.station_id,
            "items": [{"id": item.item_id, "language": item.language} for item in items],
        }
        file_name = f"{identity.folder}.zip"
        total = len(items)
        if progress:
            progress(0, total)
        try:
            sealed = seal_bundle(
                self._store.outbox_folder / file_name,
                identity,
                manifest,
                items,
                media=[],
                station_id=self._identity.station_id,
                organisation=self._identity.name,
                private_key=self._identity.private_key(),
                now=self._clock(),
                cancelled=cancelled,
            )
        except SealCancelled:
            raise
        except OSError as error:
            raise EnvironmentFailure(f"cannot write the bundle: {error.strerror or error}") from error
        if progress:
            progress(total, total)
        now = timestamp(self._clock())
        entry = OutboxEntry(
            package_id=package_id,
            package_version=identity.version,
            file_name=file_name,
            sha256=sealed.sha256,
            size=sealed.size,
            sealed_at=now,
        )
        with self._store.transaction():
            self._outbox.add(entry, now)
            self._packages.bump_version(package_id, identity.version, now)
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
        self._bus.publish(Changes(packages=True, outbox=True))
        return SealResult(entry=entry, path=path)

    def verify(self, path: Path) -> BundleReport:
        known = self._keys.all()
        known[self._identity.station_id] = self._identity.public_key
        return verify_bundle(path, known.get)

    def import_station_key(self, station_id: str, public_key: str, label: str = "") -> None:
        try:
            load_public_key(public_key)
        except ValueError as error:
            raise BadInput(f"the key for station {station_id} is not a base64 Ed25519 public key") from error
        self._keys.put(station_id, public_key, label, timestamp(self._clock()))
