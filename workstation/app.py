"""Composition root: opens the store, builds the services, starts the GUI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_dir

from workstation.clock import Clock, utc_now
from workstation.editorial.service import EditorialService
from workstation.events import ChangeBus
from workstation.packaging.service import PackagingService
from workstation.station.identity import StationIdentity, load_or_create_identity
from workstation.storage.dictionary import StorePersonalDictionary
from workstation.storage.store import Store, open_store
from workstation.sync.service import SyncService
from workstation.translation.service import TranslationService

if TYPE_CHECKING:
    from workstation.sync.client import PortalClient

APP_NAME = "EditorialWorkstation"


def portal_client(portal_url: str, token: str | None) -> PortalClient:
    from workstation.sync.client import PortalClient  # httpx loads only when a portal is contacted

    return PortalClient(portal_url, token)


def default_store_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "workspace.db"


@dataclass
class Services:
    store: Store
    identity: StationIdentity
    bus: ChangeBus
    clock: Clock
    editorial: EditorialService
    translations: TranslationService
    packaging: PackagingService
    sync: SyncService
    dictionary: StorePersonalDictionary

    def close(self) -> None:
        self.store.close()


def open_services(store_path: Path, clock: Clock = utc_now) -> Services:
    store = open_store(store_path)
    try:
        identity = load_or_create_identity(store)
    except BaseException:
        store.close()
        raise
    bus = ChangeBus()
    station_id = identity.station_id
    return Services(
        store=store,
        identity=identity,
        bus=bus,
        clock=clock,
        editorial=EditorialService(store, station_id, clock, bus),
        translations=TranslationService(store, station_id, clock, bus),
        packaging=PackagingService(store, identity, clock, bus),
        sync=SyncService(store, identity, portal_client, clock, bus),
        dictionary=StorePersonalDictionary(store, clock),
    )


def run_gui(store_path: Path) -> int:
    from workstation.ui.application import run

    return run(store_path)
