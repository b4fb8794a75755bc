from django.conf import settings

from kentsoc.org.scoping import access_for
from kentsoc.web.navigation import nav_items


def navigation(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    officer = getattr(user, "officer", None) if access else None
    return {
        "nav_items": nav_items(access, request.path),
        "current_access": access,
        "current_officer": officer,
        "force_name": settings.KENTSOC_FORCE_NAME,
    }
