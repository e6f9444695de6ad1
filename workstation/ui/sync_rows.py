"""What the Sync view and the editors' banners read of deliveries and the portal editors' decisions."""

from __future__ import annotations

from workstation.app import Services
from workstation.model import Delivery, DeliveryState, ItemDecision

RETURNED = "returned"
PUBLISHED = "published"


def shown_state(delivery: Delivery) -> str:
    """The state a row shows: an accepted bundle is "returned" while the editors' latest word on one of
    its items is "returned", and "published" once it is "published" for every item decided."""
    state = str(delivery.state)
    latest = latest_decisions(delivery.decisions)
    if state == DeliveryState.ACCEPTED and latest:
        if any(decision.outcome == RETURNED for decision in latest):
            return RETURNED
        if all(decision.outcome == PUBLISHED for decision in latest):
            return PUBLISHED
    return state


def latest_decisions(decisions: tuple[ItemDecision, ...] | list[ItemDecision]) -> list[ItemDecision]:
    """The last decision on each item and language, in the order the items were first decided."""
    latest: dict[tuple[str, str], ItemDecision] = {}
    for decision in decisions:
        latest[(decision.item_id, decision.language)] = decision
    return list(latest.values())


def portal_key_fingerprint(services: Services) -> str | None:
    """The fingerprint of the portal key this station trusts (set at enrolment), or None."""
    return services.sync.portal_key_fingerprint()


def deliveries(services: Services) -> list[Delivery]:
    """Every sealed bundle: those in flight first, then the history, newest first."""
    found = services.sync.deliveries()
    return sorted(found, key=lambda delivery: (delivery.in_flight, delivery.sealed_at), reverse=True)


def headline_of(services: Services, item_id: str) -> str:
    try:
        return services.editorial.get(item_id).headline
    except Exception:  # an item deleted since, or of another workspace: its id says enough
        return item_id
