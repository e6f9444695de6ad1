"""Local user profiles: who is at the keyboard, and which roles they hold.

A fresh workspace has one profile holding every role, so a one-person station works without set-up.
"""

from __future__ import annotations

import getpass

from workstation.clock import Clock, timestamp
from workstation.errors import BadInput, NotFound
from workstation.ids import new_id
from workstation.model import Profile, Role
from workstation.storage.people import ProfileRepository
from workstation.storage.store import Store

CURRENT_PROFILE_SETTING = "current_profile"
ALL_ROLES = frozenset(Role)


def parse_roles(names: list[str]) -> frozenset[str]:
    roles = frozenset(name.strip().replace("-", "_").replace(" ", "_") for name in names if name.strip())
    unknown = roles - ALL_ROLES
    if unknown:
        raise BadInput(f"unknown role {', '.join(sorted(unknown))}; roles are {', '.join(Role)}")
    return roles


class PeopleService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._profiles = ProfileRepository(store)
        self._clock = clock
        self._acting: Profile | None = None

    def current(self) -> Profile:
        """The acting profile: the one chosen for this session, else the workspace's current one."""
        if self._acting is not None:
            return self._acting
        chosen = self._store.get_setting(CURRENT_PROFILE_SETTING)
        profile = self._profiles.get(chosen) if chosen else None
        if profile is None:
            profile = self._first_profile()
            self._store.set_setting(CURRENT_PROFILE_SETTING, profile.id)
        return profile

    def act_as(self, name: str) -> Profile:
        """Act as `name` for this session only (the CLI's --as), leaving the workspace's choice alone."""
        self._acting = self.find(name)
        return self._acting

    def switch_to(self, name: str) -> Profile:
        """Make `name` the workspace's current profile (the GUI's profile menu)."""
        profile = self.find(name)
        self._store.set_setting(CURRENT_PROFILE_SETTING, profile.id)
        self._acting = None
        return profile

    def find(self, name: str) -> Profile:
        self.current()  # a fresh workspace gets its first profile before anyone is looked up
        profile = self._profiles.by_name(name.strip()) or self._profiles.get(name.strip())
        if profile is None:
            known = ", ".join(p.name for p in self._profiles.all())
            raise NotFound(f"no profile named {name!r}; profiles: {known}")
        return profile

    def get(self, profile_id: str) -> Profile | None:
        return self._profiles.get(profile_id)

    def all(self) -> list[Profile]:
        self.current()
        return self._profiles.all()

    def create(self, name: str, roles: frozenset[str]) -> Profile:
        name = " ".join(name.split())
        if not name:
            raise BadInput("a profile needs a name")
        if not roles:
            raise BadInput("a profile needs at least one role")
        self.current()
        if self._profiles.by_name(name) is not None:
            raise BadInput(f"there is already a profile named {name!r}")
        profile = Profile(id=new_id(), name=name, roles=roles)
        self._profiles.insert(profile, timestamp(self._clock()))
        return profile

    def set_roles(self, name: str, roles: frozenset[str]) -> Profile:
        if not roles:
            raise BadInput("a profile needs at least one role")
        profile = self.find(name)
        self._profiles.set_roles(profile.id, roles)
        updated = Profile(id=profile.id, name=profile.name, roles=roles)
        if self._acting is not None and self._acting.id == profile.id:
            self._acting = updated
        return updated

    def _first_profile(self) -> Profile:
        existing = self._profiles.all()
        if existing:
            return existing[0]
        profile = Profile(id=new_id(), name=_login_name(), roles=ALL_ROLES)
        self._profiles.insert(profile, timestamp(self._clock()))
        return profile


def _login_name() -> str:
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        name = ""
    return name.strip() or "Station"
