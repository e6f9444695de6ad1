"""The editorial workflow: which state may follow which, and whose role allows the step.

draft → in_review → approved (cleared by the head of mission) → packaged → sent → accepted | returned.
A returned article goes back to draft for corrections; a cleared article can be reopened for changes,
which then need clearing again.
"""

from __future__ import annotations

from workstation.model import ArticleState, Profile, Role

S = ArticleState

# (from, to) → the role that may take the step.
TRANSITIONS: dict[tuple[str, str], Role] = {
    (S.DRAFT, S.IN_REVIEW): Role.DRAFTER,
    (S.IN_REVIEW, S.DRAFT): Role.DRAFTER,
    (S.IN_REVIEW, S.APPROVED): Role.HEAD_OF_MISSION,
    (S.APPROVED, S.DRAFT): Role.DRAFTER,
    (S.APPROVED, S.PACKAGED): Role.COORDINATOR,
    (S.PACKAGED, S.APPROVED): Role.COORDINATOR,
    (S.PACKAGED, S.SENT): Role.COORDINATOR,
    (S.SENT, S.ACCEPTED): Role.COORDINATOR,
    (S.SENT, S.RETURNED): Role.COORDINATOR,
    (S.RETURNED, S.DRAFT): Role.DRAFTER,
    (S.ACCEPTED, S.DRAFT): Role.DRAFTER,
}

# Translators take their own translations through review; the other steps are the same.
_TRANSLATION_ROLE = {Role.DRAFTER: Role.TRANSLATOR}

EDITABLE_STATES = frozenset({S.DRAFT, S.IN_REVIEW, S.RETURNED})

ROLE_NAMES = {
    Role.DRAFTER: "drafter",
    Role.TRANSLATOR: "translator",
    Role.COORDINATOR: "coordinator",
    Role.HEAD_OF_MISSION: "head of mission",
}


def required_role(from_state: str, to_state: str, is_translation: bool = False) -> Role | None:
    role = TRANSITIONS.get((from_state, to_state))
    if role is not None and is_translation:
        return _TRANSLATION_ROLE.get(role, role)
    return role


def next_states(from_state: str) -> list[str]:
    return [to for (start, to) in TRANSITIONS if start == from_state]


def refusal(profile: Profile, from_state: str, to_state: str, is_translation: bool = False) -> str | None:
    """Why `profile` may not move an item from one state to another, or None when it may."""
    if to_state not in set(ArticleState):
        return f"{to_state!r} is not a state; use one of {', '.join(ArticleState)}"
    if from_state == to_state:
        return f"it is already {to_state}"
    role = required_role(from_state, to_state, is_translation)
    if role is None:
        allowed = ", ".join(next_states(from_state)) or "none"
        return f"an item in state {from_state} cannot go to {to_state} (next states: {allowed})"
    if not profile.can(role):
        return f"{profile.name} is not a {ROLE_NAMES[role]}; only a {ROLE_NAMES[role]} can move it to {to_state}"
    return None
