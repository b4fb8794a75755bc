"""Reference data the OCG pages and services read: kept in step with ocg.choices."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from ocg.choices import Criminality


def sync_criminality_types(sender: Any, **kwargs: Any) -> None:
    """post_migrate: one CriminalityType per Criminality choice.

    The data migration loads them once, but a database flush (tests that use a live server, a
    `manage.py flush`) empties the table and only post_migrate runs again; without the rows no
    OCG could be nominated.
    """
    # `migrate` passes the migration state's apps; `flush` passes none (the tables are current).
    apps = kwargs.get("apps") or global_apps
    try:
        model = apps.get_model("ocg", "CriminalityType")
    except LookupError:
        # The migration that creates the table has not run yet.
        return
    using = kwargs.get("using", DEFAULT_DB_ALIAS)
    for code, label in Criminality.choices:
        model.objects.using(using).update_or_create(code=code, defaults={"label": label})
