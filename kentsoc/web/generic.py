"""The one list view every model's HTML list uses: selector -> FilterSet -> page -> full page or
htmx partial, plus CSV export of the filtered list (audited).

A model's list view is a few declarative lines:

    class OcgListView(FilteredListView):
        selector = staticmethod(ocg_list)          # (user=...) -> QuerySet, already scoped
        filterset_class = OcgFilterSet
        template_name = "ocg/ocg_list.html"
        partial_template_name = "ocg/partials/ocg_table.html"
        csv_filename = "ocgs"
        csv_columns = [("Reference", "reference"), ("Division", "division.name")]
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views import View

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_export, audit_read
from kentsoc.dates import today


class _Echo:
    def write(self, value: str) -> str:
        return value


def resolve(obj: Any, path: str | Callable[[Any], Any]) -> Any:
    """Follow a dotted path ("division.name") or call a function on a row, for CSV columns."""
    if callable(path):
        return path(obj)
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return ""
        if callable(value) and not hasattr(value, "all"):
            value = value()
    return value


def related_ids(rows: Iterable[Any], path: str) -> list[Any]:
    """The ids a lookup path ("nominal", "scpo__nominal") reaches from each row, from the rows
    already read (the last step's `_id`), so naming the people on a page costs no query."""
    *steps, last = path.split("__")
    ids = []
    for row in rows:
        for step in steps:
            row = getattr(row, step)
        ids.append(getattr(row, f"{last}_id"))
    return ids


def csv_response(
    *, filename: str, columns: list[tuple[str, Any]], rows: Iterable[Any]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow([header for header, _ in columns])
        for row in rows:
            yield writer.writerow([_csv_safe(resolve(row, path)) for _, path in columns])

    stamp = today().isoformat()
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def _csv_safe(value: Any) -> Any:
    # Spreadsheet formula injection: a cell starting with = + - @ would run as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class FilteredListView(LoginRequiredMixin, PermissionRequiredMixin, View):
    selector: ClassVar[Callable[..., QuerySet]]
    filterset_class: ClassVar[type]
    template_name: ClassVar[str]
    partial_template_name: ClassVar[str]
    permission_required: ClassVar[str | tuple[str, ...]] = ()
    paginate_by: ClassVar[int] = 50
    csv_filename: ClassVar[str | None] = None
    csv_columns: ClassVar[list[tuple[str, Any]]] = []
    title: ClassVar[str] = ""
    # Police data: every page and export names the ids it showed on the audit trail (one event
    # per request). Off only for lists that hold none (training, officers) and for the audit
    # trail, which records its own reading.
    audit_reads: ClassVar[bool] = True
    # Rows that name a person by a foreign key (an SCPO, a custody period): the lookup path to
    # the Nominal, so the audit event names the people as well as the rows.
    audit_people: ClassVar[str] = ""

    def has_permission(self) -> bool:
        perms = self.get_permission_required() if self.permission_required else ()
        return self.request.user.has_perms(perms)

    def get_queryset(self) -> QuerySet:
        return type(self).selector(user=self.request.user)

    def get_extra_context(self) -> dict[str, Any]:
        return {}

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        """Context worked out from the page's rows (names for the ids they hold, say)."""
        return {}

    def page_queryset(self, queryset: QuerySet) -> QuerySet:
        """The filtered query a page's rows are read from; the CSV reads `queryset` itself. A
        list whose page reads what its rows name as values (in `get_page_context`) drops here
        the joins and prefetches only its CSV needs."""
        return queryset

    def audit(
        self,
        queryset: QuerySet,
        *,
        rows: list[Any] | None,
        action: str = AuditAction.LIST,
        total: int | None = None,
    ) -> None:
        """One audit event naming the rows shown (a page) or, for an export (`rows` None), every
        row the query selects: their ids read in one query, not the rows themselves."""
        people = None
        if rows is None:
            fields = ("pk", self.audit_people) if self.audit_people else ("pk",)
            found = list(queryset.values_list(*fields))
            ids = [row[0] for row in found]
            if self.audit_people:
                people = [row[1] for row in found]
        else:
            ids = [row.pk for row in rows]
            if self.audit_people:
                people = related_ids(rows, self.audit_people)
        audit_read(
            actor=self.request.user,
            model=queryset.model,
            ids=ids,
            query=self.request.GET.lists(),
            action=action,
            total=total,
            also={"ocg.nominal": people} if people is not None else None,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), request=request
        )
        # An invalid filter shows its message and no rows rather than silently ignoring it; no
        # filter at all (unbound: django-filter's is_valid() is then False) lists everything.
        valid = not filterset.is_bound or filterset.is_valid()
        queryset = filterset.qs if valid else filterset.queryset.none()
        if request.GET.get("format") == "csv" and self.csv_filename:
            if self.audit_reads:
                self.audit(queryset, rows=None, action=AuditAction.EXPORT)
            else:
                audit_export(
                    actor=request.user,
                    object_type=queryset.model._meta.label_lower,
                    count=queryset.count(),
                    filters=request.GET.items(),
                )
            return csv_response(
                filename=self.csv_filename, columns=self.csv_columns, rows=queryset.iterator(2000)
            )
        paginator = Paginator(self.page_queryset(queryset), self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        # The page's rows are read once here; the template iterates the same list.
        page.object_list = list(page.object_list)
        if self.audit_reads:
            self.audit(queryset, rows=page.object_list, total=paginator.count)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filterset": filterset,
            "page_obj": page,
            "rows": page.object_list,
            "querystring": query.urlencode(),
            "csv_url": f"?{query.urlencode()}&format=csv" if query else "?format=csv",
            "title": self.title,
            **self.get_extra_context(),
            **self.get_page_context(page.object_list),
        }
        htmx = getattr(request, "htmx", None)
        if htmx and not htmx.boosted:
            return render(request, self.partial_template_name, context)
        return render(request, self.template_name, context)
