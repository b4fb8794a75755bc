"""The daily lifetime-management task: releases and SCPO expiries crossing the 90/30/7-day
marks go on the responsible coordinators' and LROs' "needs attention" lists."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError

from kentsoc.lifetime.services.attention import attention_items_refresh


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def flag_due_releases_and_expiries(*, today: str | None = None) -> int:
    """Safe to run twice the same day: items are unique per person, subject, date and mark.
    `today` (ISO date) lets a missed day be replayed."""
    day = datetime.date.fromisoformat(today) if today else None
    return attention_items_refresh(today=day)
