"""What disruptions add to the apps below them, registered from DisruptionsConfig.ready(): the
home page's panels and the subject pages' sections."""

from __future__ import annotations

from disruptions import gangs, panels, sections
from kentsoc.web.home import register_panel


def register() -> None:
    register_panel(panels.approval_panel)
    register_panel(panels.drafts_panel)
    sections.register_sections()
    gangs.provide()
