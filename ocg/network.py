"""What apps above ocg add to an OCG's network (`ocg.selectors.ocg_network`), without ocg
importing them: county lines its members work, lines linked to the OCG itself.

An app registers a function from its AppConfig.ready(); the network asks each for the links it
knows, starting from the OCG and its current members, and draws them after its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ocg.models import OCG


def ocg_node(pk: int) -> str:
    return f"ocg-{pk}"


def nominal_node(pk: int) -> str:
    return f"nominal-{pk}"


@dataclass(frozen=True)
class NetworkLink:
    """A node (`key`, `label`, `kind`, `url`) joined to a node already drawn (`source`: the OCG's
    or a member's key) by an edge labelled `relation`."""

    key: str
    label: str
    kind: str
    url: str
    source: str
    relation: str


# (user, the OCG, its current members' nominal ids) -> the links the user may see.
LinkSource = Callable[[Any, OCG, list[int]], Iterable[NetworkLink]]

_sources: dict[str, LinkSource] = {}


def register_network_links(key: str, source: LinkSource) -> None:
    """Add (or replace, by key: ready() may run twice in tests) a source of network links."""
    _sources[key] = source


def network_links(*, user: Any, ocg: OCG, nominal_ids: list[int]) -> list[NetworkLink]:
    return [link for key in sorted(_sources) for link in _sources[key](user, ocg, nominal_ids)]
