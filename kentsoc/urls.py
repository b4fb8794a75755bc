from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from disruptions import urls as disruption_urls
from kentsoc.dashboard import clio_urls, report_urls
from kentsoc.web import views as web_views
from kentsoc.web.api import HasRole
from kentsoc.web.schema_view import SchemaView

api_patterns = [
    path("", include("kentsoc.accounts.api.urls")),
    path("", include("kentsoc.org.api.urls")),
    path("", include("kentsoc.intel.api.urls")),
    path("", include("kentsoc.matrix.api.urls")),
    path("", include("kentsoc.trail.api.urls")),
    path("", include("ocg.api.urls")),
    path("", include("kentsoc.lifetime.api.urls")),
    path("", include("countylines.api.urls")),
    path("", include("kentsoc.prevention.api.urls")),
    path("", include("kentsoc.gangs.api.urls")),
    path("", include("disruptions.api.urls")),
    path("", include("kentsoc.sharing.api.urls")),
    path("", include("kentsoc.people.api.urls")),
    path("", include("kentsoc.search.api.urls")),
    path("", include(report_urls.api_urlpatterns)),
    path("", include(clio_urls.api_urlpatterns)),
    path("schema/", SchemaView.as_view(permission_classes=[HasRole]), name="schema"),
    path(
        "docs/",
        # The split view serves its start-up script as a file, so the strict CSP holds here too.
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[HasRole]),
        name="docs",
    ),
]

urlpatterns = [
    path("", include("kentsoc.web.urls")),
    path("", include("kentsoc.accounts.urls")),
    path("", include("ocg.urls")),
    path("lifetime/", include("kentsoc.lifetime.urls")),
    path("county-lines/", include("countylines.urls")),
    path("gangs/", include("kentsoc.gangs.urls")),
    path("intelligence/", include("kentsoc.intel.urls")),
    path("prevention/", include("kentsoc.prevention.urls")),
    path("search/", include("kentsoc.search.urls")),
    path("people/", include("kentsoc.people.urls")),
    path("shares/", include("kentsoc.sharing.urls")),
    path("matrix/", include("kentsoc.dashboard.urls")),
    path("audit/", include("kentsoc.trail.urls")),
    path("", include("kentsoc.dashboard.clio_urls")),
    # The activity summary moved up to the dashboard app but keeps its name, disruptions:reports.
    path("", include(([*disruption_urls.urlpatterns, *report_urls.urlpatterns], "disruptions"))),
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
]

handler400 = web_views.error_400
handler403 = web_views.error_403
handler404 = web_views.error_404
handler500 = web_views.error_500
