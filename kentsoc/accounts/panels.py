"""The administrator's home panel: where to manage users, officers and teams, and who has not yet
chosen their own password. Organisation data only; the administrator sees no police data."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kentsoc.org.choices import Role
from kentsoc.org.models import Officer
from kentsoc.org.scoping import access_for
from kentsoc.web.home import Panel


def administration_panel(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role != Role.ADMINISTRATOR:
        return None
    links = [
        ("Users", "admin:auth_user_changelist", "Accounts, names, passwords, active or not"),
        ("Officers", "admin:org_officer_changelist", "Collar number, rank, role, team, division"),
        ("Teams", "admin:org_team_changelist", "Teams and the division each belongs to"),
        ("Roles", "admin:auth_group_changelist", "What each role may do (read only)"),
    ]
    return Panel(
        title="Administration",
        template="accounts/partials/admin_panel.html",
        context={
            "links": [(label, reverse(name), hint) for label, name, hint in links],
            "awaiting_password": Officer.objects.filter(must_change_password=True).count(),
            "awaiting_url": reverse("admin:org_officer_changelist")
            + "?must_change_password__exact=1",
            # Usernames django-axes is refusing now; each unlocks itself when the cool-off ends.
            "locked": AccessAttempt.objects.filter(
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
            )
            .values("username")
            .distinct()
            .count(),
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        order=10,
    )
