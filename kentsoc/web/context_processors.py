import functools

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

from kentsoc.org.scoping import access_for, officer_for
from kentsoc.web.navigation import nav_html, nav_items


def navigation(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    officer = officer_for(user) if access else None
    items = nav_items(access, request.path)
    return {
        "nav_items": items,
        "nav_html": nav_html(items),
        "current_access": access,
        "current_officer": officer,
        # The officer's own force (one deployment may hold many); the deployment's name before
        # anyone has signed in.
        "force_name": officer.team.force.name if officer else settings.KENTSOC_FORCE_NAME,
        "site_links": _site_links(
            get_script_prefix(), get_urlconf(settings.ROOT_URLCONF), settings.STATIC_URL
        ),
    }


@functools.cache
def _site_links(prefix: str, urlconf: str, static_url: str) -> dict[str, str]:
    """The addresses every page's header links to and the files it loads (templates/base.html):
    the same on every page, so reversed and looked up once per process instead of by a dozen
    {% url %} and {% static %} tags per page. Keyed by what reverse() and static() read (a
    collected file's hashed name is fixed for the life of the process)."""
    urls = {
        name.replace("-", "_").replace(":", "_"): reverse(name, urlconf=urlconf)
        for name in (
            "home",
            "account-password",
            "account-tokens",
            "logout",
            "search:results",
            "search:suggest",
        )
    }
    files = {
        "favicon": "favicon.svg",
        "css": "css/kentsoc.css",
        "search_css": "css/search.css",
        "htmx": "vendor/htmx/htmx.min.js",
        "js": "js/kentsoc.js",
        "picker_js": "js/picker.js",
        "search_js": "js/search.js",
    }
    return urls | {key: static(path) for key, path in files.items()}
