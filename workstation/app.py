"""Composition root: opens the store, builds the services, starts the GUI."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir

from workstation.clock import Clock, utc_now
from workstation.editorial.people import PeopleService
from workstation.editorial.service import EditorialService
from workstation.events import ChangeBus
from workstation.station.identity import StationIdentity, load_or_create_identity
from workstation.storage.store import Store, open_store

if TYPE_CHECKING:
    from collections.abc import Callable

    from workstation.editorial.picture_library import PictureLibrary
    from workstation.editorial.search import SearchService
    from workstation.packaging.bulletin import BulletinService
    from workstation.packaging.service import PackagingService
    from workstation.storage.backup import BackupSummary
    from workstation.storage.dictionary import StorePersonalDictionary
    from workstation.sync.client import PortalClient
    from workstation.sync.service import SyncService
    from workstation.translation.glossary import Glossary
    from workstation.translation.memory import TranslationMemory
    from workstation.translation.qa_service import QaService
    from workstation.translation.service import TranslationService

APP_NAME = "EditorialWorkstation"


def portal_client(portal_url: str, token: str | None) -> PortalClient:
    from workstation.sync.client import PortalClient  # httpx loads only when a portal is contacted

    return PortalClient(portal_url, token)


def default_store_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "workspace.db"


class Services:
    """Every service of one open workspace, built on first use so the app starts on what it shows."""

    def __init__(self, store: Store, identity: StationIdentity, clock: Clock) -> None:
        self.store = store
        self.identity = identity
        self.clock = clock
        self.bus = ChangeBus()
        self.people = PeopleService(store, clock)
        self.editorial = EditorialService(
            store, identity.station_id, clock, self.bus, self.people, pictures=lambda: self.pictures
        )

    @cached_property
    def pictures(self) -> PictureLibrary:
        from workstation.editorial.picture_library import PictureLibrary  # Pillow loads with the first photo

        return PictureLibrary(self.store, self.clock, self.bus)

    @cached_property
    def search(self) -> SearchService:
        from workstation.editorial.search import SearchService

        return SearchService(self.store)

    @cached_property
    def translations(self) -> TranslationService:
        from workstation.translation.service import TranslationService

        return TranslationService(
            self.store,
            self.identity.station_id,
            self.clock,
            self.bus,
            self.people,
            pictures=lambda: self.pictures,
            final_blockers=lambda translation_id: self.qa.problems(translation_id),
            memory=lambda: self.memory,
        )

    @cached_property
    def qa(self) -> QaService:
        from workstation.translation.qa_service import QaService

        glossary = self.glossary
        return QaService(
            self.store,
            self.clock,
            self.translations,
            self.people,
            hits_for_pair=lambda source, target: lambda text: glossary.hits(text, source, target),
        )

    @cached_property
    def packaging(self) -> PackagingService:
        from workstation.packaging.service import PackagingService

        return PackagingService(
            self.store,
            self.identity,
            self.clock,
            self.bus,
            editorial=self.editorial,
            people=self.people,
            translations=self.translations,
            pictures=lambda: self.pictures,
            qa_errors=lambda translation_id: self.qa.errors(translation_id),
        )

    @cached_property
    def bulletin(self) -> BulletinService:
        from workstation.packaging.bulletin import BulletinService

        return BulletinService(self.packaging, self.pictures, self.identity.name, self.clock)

    @cached_property
    def sync(self) -> SyncService:
        from workstation.sync.feedback import FeedbackService
        from workstation.sync.service import SyncService

        # The feed merges into the same glossary and memory objects the views use, so they hear of it.
        feedback = FeedbackService(
            self.store,
            self.identity.station_id,
            self.clock,
            self.bus,
            glossary=lambda: self.glossary,
            memory=lambda: self.memory,
        )
        return SyncService(self.store, self.identity, portal_client, self.clock, self.bus, feedback=feedback)

    @cached_property
    def glossary(self) -> Glossary:
        from workstation.translation.glossary import Glossary

        return Glossary(self.store, self.clock, self.identity.station_id)

    @cached_property
    def memory(self) -> TranslationMemory:
        from workstation.translation.memory import TranslationMemory

        return TranslationMemory(self.store, self.identity.station_id, self.clock)

    @cached_property
    def dictionary(self) -> StorePersonalDictionary:
        from workstation.storage.dictionary import StorePersonalDictionary

        return StorePersonalDictionary(self.store, self.clock)

    def backup(
        self,
        out_path: Path,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> BackupSummary:
        """The whole workspace (store, media, outbox) into one file, while the app keeps working."""
        from workstation.storage.backup import backup_workspace

        return backup_workspace(self.store, out_path, progress=progress, cancelled=cancelled)

    def close(self) -> None:
        self.store.close()


def open_services(store_path: Path, clock: Clock = utc_now) -> Services:
    store = open_store(store_path)
    try:
        identity = load_or_create_identity(store)
    except BaseException:
        store.close()
        raise
    return Services(store, identity, clock)


def run_gui(store_path: Path) -> int:
    from workstation.ui.application import run

    return run(store_path)
