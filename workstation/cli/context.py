"""What a command handler gets: the store path and, opened on first use, the services."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.clock import utc_now
from workstation.storage.store import Store

if TYPE_CHECKING:
    from workstation.app import Services


class CommandContext:
    def __init__(self, store_path: str | None, profile: str | None = None) -> None:
        self._store_path = store_path
        self._profile = profile
        self._services: Services | None = None

    def resolved_store_path(self) -> Path:
        from workstation.app import default_store_path

        return Path(self._store_path).expanduser() if self._store_path else default_store_path()

    def services(self) -> Services:
        if self._services is None:
            from workstation.app import open_services

            self._services = open_services(self.resolved_store_path())
            if self._profile:
                self._services.people.act_as(self._profile)
        return self._services

    def store(self) -> Store:
        return self.services().store

    def clock(self) -> datetime:
        return utc_now()

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


def print_json(value: Any) -> None:
    """`--json` output of every command: UTF-8 text as it is (Vietnamese and CJK unescaped), indented."""
    print(json.dumps(value, ensure_ascii=False, indent=2))
