from django.conf import settings

from kentsoc.org.scoping import access_for, officer_for
from kentsoc.web.navigation import nav_items


def navigation(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    officer = officer_for(user) if access else None
    return {
        "nav_items": nav_items(access, request.path),
        "current_access": access,
        "current_officer": officer,
        # The officer's own force (one deployment may hold many); the deployment's name before
        # anyone has signed in.
        "force_name": officer.team.force.name if officer else settings.KENTSOC_FORCE_NAME,
    }
