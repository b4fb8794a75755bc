"""What shares do when the apps below announce something (they may not import kentsoc.sharing)."""

from __future__ import annotations

from typing import Any

from ocg.models import OCG
from ocg.signals import adopted_by_regional_unit


def _adopted(sender: Any, *, actor: Any, ocg: OCG, regional_force: Any, **kwargs: Any) -> None:
    from kentsoc.sharing.services import share_for_adoption

    share_for_adoption(actor=actor, ocg=ocg, regional_force=regional_force)


def connect() -> None:
    adopted_by_regional_unit.connect(_adopted, sender=OCG, dispatch_uid="sharing-regional-adoption")
