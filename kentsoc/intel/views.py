"""Pages for intelligence records and definition evidence: forms in, services and selectors out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from countylines import search as subject_finder
from countylines.models import CountyLine
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read, audit_view
from kentsoc.gangs.search import gang_search
from kentsoc.intel.filters import IntelligenceRecordFilterSet
from kentsoc.intel.forms import (
    SUBJECT_TYPES,
    EvidenceForm,
    IntelligenceRecordForm,
    ReasonForm,
    claim_field_name,
)
from kentsoc.intel.models import DefinitionEvidence
from kentsoc.intel.sections import (
    add_record_url,
    evidence_checklist_context,
    evidence_checklist_url,
)
from kentsoc.intel.selectors import (
    can_read_conditions,
    conditions_for,
    criteria_for,
    intelligence_for_subject,
    intelligence_get,
    intelligence_record,
    intelligence_records,
    intelligence_row_subjects,
    intelligence_rows,
    record_claims,
    record_subjects_shown,
)
from kentsoc.intel.services import evidence as evidence_services
from kentsoc.intel.services import records as record_services
from kentsoc.intel.tables import (
    describe_claim,
    grading_in_words,
    record_rows,
    record_status,
    subject_url,
    unscorable_reason,
)
from kentsoc.org.scoping import CONTRIBUTE
from kentsoc.web.coerce import as_id
from kentsoc.web.forms import apply_service_errors, check_the_rest, form_post, posted, safe_next
from kentsoc.web.generic import FilteredListView
from ocg.models import OCG
from ocg.search import nominal_search

SEARCH_LIMIT = 10


class IntelligenceListView(FilteredListView):
    selector = staticmethod(intelligence_rows)
    filterset_class = IntelligenceRecordFilterSet
    permission_required = "intel.view_intelligencerecord"
    template_name = "intel/list.html"
    partial_template_name = "intel/partials/record_table.html"
    title = "Intelligence records"
    csv_filename = "intelligence"
    csv_columns = [
        ("Reference", "reference"),
        ("RMS reference", "rms_reference"),
        ("Information date", "information_date"),
        ("Grading", "grading"),
        ("Scorable", lambda r: "yes" if r.is_scorable else "no"),
        ("Deleted", lambda r: "yes" if r.deleted_at else "no"),
        ("OCGs", lambda r: "; ".join(o.reference or str(o.pk) for o in r.ocgs.all())),
        (
            "County lines",
            lambda r: "; ".join(c.reference or str(c.pk) for c in r.county_lines.all()),
        ),
        ("Nominals", lambda r: "; ".join(n.reference or str(n.pk) for n in r.nominals.all())),
        (
            "Factor claims",
            lambda r: "; ".join(f"{c.factor}={c.level}" for c in r.factor_claims.all()),
        ),
        ("Owning team", "owning_team.name"),
    ]

    def get_queryset(self) -> QuerySet:
        # The page reads what its rows name as values (intelligence_row_subjects): the team,
        # author and subjects' prefetches (each with its own scope to build) are the CSV's.
        if self.request.GET.get("format") == "csv":
            return intelligence_rows(user=self.request.user)
        return intelligence_records(user=self.request.user)

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        subjects = intelligence_row_subjects([row.pk for row in rows], user=self.request.user)
        return {"record_rows": record_rows(rows, subjects)}


def _preselected(request: HttpRequest) -> dict[str, list[int]]:
    """`?ocg=<id>` / `?county_line=<id>` from a subject's page (or a share's, when another force
    lends it with the right to add to it); 404 if the user may not name it."""
    models = record_services.SUBJECT_MODELS
    chosen: dict[str, list[int]] = {"ocgs": [], "county_lines": [], "nominals": [], "gangs": []}
    for param, field in (("ocg", "ocgs"), ("county_line", "county_lines"), ("gang", "gangs")):
        if request.GET.get(param):
            pk = as_id(request.GET[param])
            may_name = models[field].objects.visible_to(request.user, lent=CONTRIBUTE)
            if pk is None or not may_name.filter(pk=pk).exists():
                raise Http404(f"No {models[field]._meta.verbose_name} matches the given query.")
            chosen[field].append(pk)
    return chosen


def _selected_subjects(user: Any, ids: dict[str, list[int]]) -> list[dict[str, Any]]:
    """The ticked subjects to show on the form (only those the user may see are named)."""
    out = []
    for field, model in record_services.SUBJECT_MODELS.items():
        wanted = ids.get(field) or []
        if not wanted:
            continue
        for obj in model.objects.visible_to(user, lent=CONTRIBUTE).filter(pk__in=wanted):
            out.append({"field": field, "obj": obj, "kind": model._meta.verbose_name})
    return out


def _search_subjects(user: Any, query: str, exclude: dict[str, list[int]]) -> list[dict[str, Any]]:
    """OCGs, lines and people found the way every other page finds them (countylines.search,
    ocg.search), less those already ticked."""
    query = query.strip()
    if len(query) < 2:
        return []
    found = subject_finder.subject_search(
        user=user, text=query, limit=SEARCH_LIMIT, exclude=exclude
    )
    found["nominals"] = list(
        nominal_search(user, query)
        .exclude(pk__in=exclude.get("nominals") or [])
        .order_by("last_name", "first_name", "id")[:SEARCH_LIMIT]
    )
    found["gangs"] = [
        g
        for g in gang_search(user=user, text=query, limit=SEARCH_LIMIT)
        if g.pk not in exclude.get("gangs", [])
    ]
    return [
        {"field": field, "obj": obj, "kind": model._meta.verbose_name}
        for field, model in record_services.SUBJECT_MODELS.items()
        for obj in found[field]
    ]


def _audit_subject_search(request: HttpRequest, found: list[dict[str, Any]], query: str) -> None:
    """The answer names people (and OCGs and lines): one event naming every id shown."""
    ids: dict[str, list[int]] = {field: [] for field in record_services.SUBJECT_MODELS}
    for row in found:
        ids[row["field"]].append(row["obj"].pk)
    audit_read(
        actor=request.user,
        model="ocg.nominal",
        ids=ids["nominals"],
        query={"subject_q": query},
        action=AuditAction.SEARCH,
        also={
            "ocg.ocg": ids["ocgs"],
            "countylines.countyline": ids["county_lines"],
            "gangs.gang": ids["gangs"],
        },
    )


def _subject_types(ids: dict[str, list[int]]) -> tuple[str, ...]:
    types = []
    if ids.get("county_lines"):
        types.append("county_line")
    if ids.get("ocgs"):
        types.append("ocg")
    return tuple(types) or SUBJECT_TYPES


def _posted_ids(request: HttpRequest) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for field in record_services.SUBJECT_FIELDS:
        ids[field] = sorted(
            {pk for v in request.POST.getlist(field) if (pk := as_id(v)) is not None}
        )
    return ids


def _render_form(
    request: HttpRequest,
    form: IntelligenceRecordForm,
    ids: dict[str, list[int]],
    record: Any = None,
    status: int = 200,
) -> HttpResponse:
    query = form.data.get("subject_q", "") if form.is_bound else ""
    found = _search_subjects(request.user, query, ids) if query else []
    if query:
        _audit_subject_search(request, found, query)
    return render(
        request,
        "intel/record_form.html",
        {
            "form": form,
            "record": record,
            "selected_subjects": _selected_subjects(request.user, ids),
            "search_results": found,
            "next": safe_next(request),
        },
        status=status,
    )


@login_required
@permission_required("intel.view_intelligencerecord", raise_exception=True)
def subject_search(request: HttpRequest) -> HttpResponse:
    """htmx: OCGs, lines and nominals the user may see matching what they typed."""
    exclude = {
        f: [pk for v in request.GET.getlist(f) if (pk := as_id(v)) is not None]
        for f in record_services.SUBJECT_MODELS
    }
    query = request.GET.get("subject_q", "")
    found = _search_subjects(request.user, query, exclude)
    _audit_subject_search(request, found, query)
    return render(
        request,
        "intel/partials/subject_results.html",
        {"search_results": found, "searched": True},
    )


def _check_the_rest(request: HttpRequest, form: IntelligenceRecordForm, record: Any = None) -> None:
    """The form refused some input: the service checks what it could read (a future date, no
    subject, claims that do not fit), so every message shows in this one round."""
    try:
        record_services.intelligence_check(
            actor=request.user, record=record, **form.service_kwargs()
        )
    except ValidationError as error:
        form.add_service_errors(error, only_new=True)


@login_required
@permission_required("intel.add_intelligencerecord", raise_exception=True)
def record_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        ids = _preselected(request)
        form = IntelligenceRecordForm(
            initial={"handling_code": "P", **ids}, subject_types=_subject_types(ids)
        )
        return _render_form(request, form, ids)
    ids = _posted_ids(request)
    form = IntelligenceRecordForm(request.POST, subject_types=_subject_types(ids))
    if "find" in request.POST:
        form.errors.clear()
        return _render_form(request, form, ids)
    if not form.is_valid():
        _check_the_rest(request, form)
        return _render_form(request, form, ids, status=400)
    try:
        record = record_services.intelligence_create(actor=request.user, **form.service_kwargs())
    except ValidationError as error:
        form.add_service_errors(error)
        return _render_form(request, form, ids, status=400)
    messages.success(request, f"Intelligence record {record.reference} saved.")
    return redirect(safe_next(request) or reverse("intel:detail", args=[record.pk]))


@login_required
@permission_required("intel.change_intelligencerecord", raise_exception=True)
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = intelligence_get(user=request.user, pk=pk)
    if record.deleted_at is not None:
        messages.error(request, "This record is deleted; deleted records cannot be changed.")
        return redirect("intel:detail", pk=record.pk)
    readable = can_read_conditions(request.user, record)
    if request.method != "POST":
        # The form shows the whole record: opening it is reading it.
        audit_view(actor=request.user, obj=record)
        ids = {
            "ocgs": [o.pk for o in record.ocgs.all()],
            "county_lines": [c.pk for c in record.county_lines.all()],
            "nominals": [n.pk for n in record.nominals.all()],
            "gangs": [g.pk for g in record.gangs.all()],
        }
        initial = {
            "version": record.version,
            "reference": record.reference,
            "rms_reference": record.rms_reference,
            "information_date": record.information_date,
            "summary": record.summary,
            "source_evaluation": record.source_evaluation,
            "intelligence_assessment": record.intelligence_assessment,
            "handling_code": record.handling_code,
            **ids,
            **{claim_field_name(c.factor): c.level for c in record.factor_claims.all()},
        }
        if readable:
            initial["handling_conditions"] = record.handling_conditions
        form = IntelligenceRecordForm(
            initial=initial, subject_types=_subject_types(ids), conditions_readable=readable
        )
        return _render_form(request, form, ids, record=record)
    ids = _posted_ids(request)
    form = IntelligenceRecordForm(
        request.POST,
        initial={"handling_code": record.handling_code},
        subject_types=_subject_types(ids),
        conditions_readable=readable,
    )
    # An edit says which version it changes (the form carries it), so it cannot silently
    # overwrite a colleague's save; only a new record has none.
    form.fields["version"].required = True
    if "find" in request.POST:
        form.errors.clear()
        return _render_form(request, form, ids, record=record)
    if not form.is_valid():
        _check_the_rest(request, form, record)
        return _render_form(request, form, ids, record=record, status=400)
    try:
        record_services.intelligence_update(
            actor=request.user,
            record=record,
            version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )
    except ValidationError as error:
        # A stale edit keeps the user's input on the page, with the refusal at the top.
        form.add_service_errors(error)
        return _render_form(request, form, ids, record=record, status=400)
    messages.success(request, f"Intelligence record {record.reference} saved.")
    return redirect(safe_next(request) or reverse("intel:detail", args=[record.pk]))


@login_required
@permission_required("intel.view_intelligencerecord", raise_exception=True)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = intelligence_record(user=user, pk=pk)
    audit_view(actor=user, obj=record)
    named = record_subjects_shown(user=user, record=record)
    subjects = [
        {"kind": kind, "obj": obj, "url": subject_url(obj)}
        for kind, name in (
            ("OCG", "ocgs"),
            ("County line", "county_lines"),
            ("Nominal", "nominals"),
            ("Gang", "gangs"),
        )
        for obj in named.shown[name]
    ]
    return render(
        request,
        "intel/record_detail.html",
        {
            "record": record,
            "status": record_status(record),
            "unscorable_reason": unscorable_reason(record),
            "grading_rows": grading_in_words(record),
            "conditions": conditions_for(user, record),
            "conditions_readable": can_read_conditions(user, record),
            "claims": [
                describe_claim(factor, level, named.types)
                for factor, level in record_claims(record)
            ],
            "subjects": subjects,
            "hidden_subjects": named.hidden,
            # The definition evidence this record supports, on the OCGs and lines the user may see.
            "evidence": [
                {"item": item, "subject": subject, "url": subject_url(subject)}
                for item, subject in named.evidence
            ],
            "can_edit": record.deleted_at is None
            and user.has_perm("intel.change_intelligencerecord"),
            "can_delete": record.deleted_at is None
            and user.has_perm("intel.delete_intelligencerecord"),
        },
    )


@login_required
@permission_required("intel.delete_intelligencerecord", raise_exception=True)
def record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = intelligence_get(user=request.user, pk=pk)
    form = ReasonForm(posted(request))

    def delete(data: dict[str, Any]) -> str:
        record_services.intelligence_delete(
            actor=request.user, record=record, reason=data["reason"]
        )
        return (
            f"Intelligence record {record.reference} deleted. It stays on file, marked deleted, "
            "and no longer counts in any score."
        )

    if request.method == "POST":
        done = form_post(request, form, delete, then=reverse("intel:detail", args=[record.pk]))
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    return render(
        request, "intel/record_delete.html", {"record": record, "form": form}, status=status
    )


def _evidence_subject(request: HttpRequest) -> tuple[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    if source.get("ocg") or request.GET.get("ocg"):
        return "ocg", OCG.objects.get_visible_or_404(
            request.user, pk=source.get("ocg") or request.GET.get("ocg")
        )
    if source.get("county_line") or request.GET.get("county_line"):
        return "county_line", CountyLine.objects.get_visible_or_404(
            request.user, pk=source.get("county_line") or request.GET.get("county_line")
        )
    raise Http404("Say which OCG or county line the evidence is for.")


def _require_evidence_role(request: HttpRequest, kind: str | None = None) -> None:
    """The early door (a role that records no evidence at all is refused before any lookup);
    the evidence services enforce the per-subject rule themselves."""
    kinds = [kind] if kind else list(evidence_services.EVIDENCE_PERMS)
    if not any(evidence_services.may_add_evidence(request.user, k) for k in kinds):
        raise PermissionDenied


def _evidence_rows(
    request: HttpRequest, kind: str, subject: Any, forms: dict[str, EvidenceForm]
) -> dict[str, Any]:
    """The checklist as the subject's page shows it, each row with its own form."""
    section = evidence_checklist_context(
        user=request.user, subject=subject, next_url=evidence_checklist_url(subject)
    )
    for entry in section["rows"]:
        entry["form"] = forms[entry["row"].code]
    return section


def _evidence_form(criteria: type, records: Any, code: str, data: Any = None) -> EvidenceForm:
    # One form per row on one page: the same field names, ids of their own.
    return EvidenceForm(
        data, initial={"criterion": code}, criteria=criteria, records=records, auto_id=f"{code}-%s"
    )


def _record_evidence(
    request: HttpRequest, form: EvidenceForm, kind: str, subject: Any, code: str
) -> bool:
    """Run the service on one row's form; its refusal (and, when the form refused some input
    itself, the service's word on the rest) goes on the form."""

    def values(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "actor": request.user,
            kind: subject,
            "criterion": code,
            "text": data.get("text", ""),
            "records": [r.pk for r in data.get("records") or []],
        }

    if not form.is_valid():
        check_the_rest(form, lambda: evidence_services.evidence_check(**values(form.cleaned_data)))
        return False
    try:
        evidence_services.evidence_add(**values(form.cleaned_data))
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True


@login_required
def evidence_checklist(request: HttpRequest) -> HttpResponse:
    """One page per OCG or county line: every criterion of its definition, each filled in where
    it is listed. An htmx post answers with that criterion's row (and the summary line); without
    JavaScript the same post redirects back here, or shows the page again with the row's errors."""
    _require_evidence_role(request)
    kind, subject = _evidence_subject(request)
    _require_evidence_role(request, kind)
    criteria = criteria_for(**{kind: subject})
    records = intelligence_for_subject(user=request.user, **{kind: subject}).filter(
        deleted_at__isnull=True
    )
    forms = {code: _evidence_form(criteria, records, code) for code in criteria.values}
    status, saved_code, page_error = 200, "", ""
    if request.method == "POST":
        code = request.POST.get("criterion", "")
        if code not in criteria.values:
            status = 400
            page_error = (
                f"Choose a criterion of the {subject._meta.verbose_name} definition to record "
                "evidence for."
            )
        else:
            forms[code] = _evidence_form(criteria, records, code, request.POST)
            if _record_evidence(request, forms[code], kind, subject, code):
                forms[code] = _evidence_form(criteria, records, code)
                saved_code = code
                if not request.htmx:
                    messages.success(request, f"Evidence recorded for “{criteria(code).label}”.")
                    return redirect(f"{evidence_checklist_url(subject)}#criterion-{code}")
            else:
                status = 400
    section = _evidence_rows(request, kind, subject, forms)
    context = {
        "section": section,
        "subject": subject,
        "subject_label": subject._meta.verbose_name,
        "subject_url": subject_url(subject) + ("?tab=evidence" if kind == "ocg" else ""),
        "members_url": subject_url(subject) + "?tab=members" if kind == "ocg" else "",
        "post_url": evidence_checklist_url(subject),
        "has_records": records.exists(),
        "add_record_url": add_record_url(
            user=request.user, subject=subject, next_url=evidence_checklist_url(subject)
        ),
        "page_error": page_error,
    }
    if request.htmx and request.method == "POST" and not page_error:
        # htmx swaps only a 2xx answer: a refused row comes back with its errors, as 200.
        entry = next(e for e in section["rows"] if e["row"].code == code)
        saved = f"Evidence recorded for “{criteria(code).label}”." if saved_code else ""
        return render(
            request,
            "intel/partials/evidence_row_answer.html",
            {**context, "entry": entry, "form": entry["form"], "saved": saved},
        )
    return render(request, "intel/evidence_checklist.html", context, status=status)


@login_required
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_evidence_role(request)
    evidence = DefinitionEvidence.objects.select_related("ocg", "county_line", "created_by").filter(
        Q(ocg__in=OCG.objects.visible_to(request.user).values("pk"))
        | Q(county_line__in=CountyLine.objects.visible_to(request.user).values("pk"))
    )
    item = get_object_or_404(evidence, pk=pk)
    subject = item.ocg or item.county_line
    _require_evidence_role(request, "ocg" if item.ocg_id else "county_line")
    form = ReasonForm(posted(request))

    def withdraw(data: dict[str, Any]) -> str:
        evidence_services.evidence_remove(actor=request.user, evidence=item, reason=data["reason"])
        return "Evidence withdrawn. The audit trail keeps what it said."

    if request.method == "POST":
        done = form_post(
            request,
            form,
            withdraw,
            then=safe_next(request) or subject_url(subject) or "intel:list",
        )
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "intel/evidence_remove.html",
        {"form": form, "item": item, "subject": subject, "next": safe_next(request)},
        status=status,
    )
