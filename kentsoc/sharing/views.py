"""Share pages: the supervisors' list (requests to decide, shares given and received, asking
another force), offering one of the force's own lines or OCGs, and a share's page, which shows
what it lends marked as another force's, and the decisions a supervisor may take on it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from countylines.models import CountyLine
from kentsoc.intel.choices import HandlingCode
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.org.models import Force
from kentsoc.org.scoping import access_for
from kentsoc.sharing import forms as f
from kentsoc.sharing import selectors
from kentsoc.sharing.audit import audit_share_view
from kentsoc.sharing.choices import ShareState
from kentsoc.sharing.models import Share
from kentsoc.sharing.services import (
    PERM_ADD,
    PERM_APPROVE,
    PERM_VIEW,
    share_approve,
    share_ask,
    share_offer,
    share_refuse,
    share_revoke,
)
from kentsoc.web.coerce import as_id
from kentsoc.web.forms import form_post, posted
from ocg.models import OCG

SUBJECT_KINDS = {"county-line": CountyLine, "ocg": OCG}


def detail_url(share: Share) -> str:
    return reverse("sharing:detail", args=[share.pk])


@login_required
@require_GET
def share_list(request: HttpRequest) -> HttpResponse:
    """Supervisors: every share of their force; other roles: what is lent to them now."""
    user = request.user
    access = access_for(user)
    manages = user.has_perm(PERM_VIEW)
    # Deny by default: only those who decide shares or read the lines and OCGs they lend.
    reads = user.has_perm("countylines.view_countyline") or user.has_perm("ocg.view_ocg")
    if access is None or not (manages or reads):
        raise PermissionDenied("Shares are for supervisors and readers of lines and OCGs.")
    context: dict[str, Any] = {
        "manages": manages,
        "lent": list(selectors.lent_to(user=user)),
        "ask_form": f.AskForm() if user.has_perm(PERM_ADD) else None,
    }
    if manages:
        context["waiting"] = list(selectors.awaiting_decision(user=user))
        for share in context["waiting"]:
            share.asked_by = selectors.who(share, share.requested_by, access.force_id)
        context["shares"] = list(selectors.share_list(user=user))
        context["force_id"] = access.force_id
    return render(request, "sharing/share_list.html", context)


@login_required
@permission_required(PERM_ADD, raise_exception=True)
@require_POST
def ask(request: HttpRequest) -> HttpResponse:
    form = f.AskForm(posted(request))
    done = form_post(
        request,
        form,
        lambda d: _asked(request, d),
        then=lambda: reverse("sharing:list"),
    )
    if done is not None:
        return done
    context = {"manages": True, "lent": [], "ask_form": form, "waiting": [], "shares": []}
    return render(request, "sharing/share_list.html", context, status=400)


def _asked(request: HttpRequest, data: dict[str, Any]) -> str:
    share = share_ask(
        actor=request.user,
        reference=data["reference"],
        access=data["access"],
        reason=data["reason"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )
    return f"Asked {share.owner_force} for {share.subject.reference}: their supervisors decide."


@login_required
@permission_required(PERM_ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = SUBJECT_KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of record.")
    subject = model.objects.visible_to(request.user).select_related("division").filter(pk=pk)
    subject = subject.first()
    if subject is None:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    records = _shareable(request, subject)
    # Every other force may receive a share: a force's name is not its records.
    forces = Force._base_manager.exclude(pk=subject.division.force_id).order_by("name")
    form = f.OfferForm(posted(request), forces=forces, records=records)
    if request.method == "POST":
        done = form_post(
            request,
            form,
            lambda d: _offered(request, subject, d),
            then=request.path,
        )
        if done is not None:
            return done
    return render(
        request,
        "sharing/offer_form.html",
        {"form": form, "subject": subject, "kind": kind},
        status=400 if form.is_bound else 200,
    )


def _shareable(request: HttpRequest, subject: Any) -> Any:
    """The owner's records on the subject that may be shared: code P, not deleted."""
    link = {"ocgs": subject} if isinstance(subject, OCG) else {"county_lines": subject}
    return (
        IntelligenceRecord.objects.visible_to(request.user)
        .filter(
            handling_code=HandlingCode.PERMITTED,
            deleted_at__isnull=True,
            force_id=subject.division.force_id,
            **link,
        )
        .order_by("-information_date", "-id")
    )


def _offered(request: HttpRequest, subject: Any, data: dict[str, Any]) -> str:
    receiving = Force._base_manager.filter(pk=as_id(data["receiving_force"])).first()
    if receiving is None:
        raise ValidationError({"receiving_force": "Choose a force."})
    share = share_offer(
        actor=request.user,
        subject=subject,
        receiving_force=receiving,
        access=data["access"],
        records=[int(pk) for pk in data["records"]],
        reason=data["reason"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )
    return (
        f"Offered {subject.reference} to {receiving.name}: another supervisor of your force "
        f"approves it (share {share.pk})."
    )


def _decide_form(request: HttpRequest, page: selectors.SharePage, data: Any = None) -> f.DecideForm:
    """The reason, and (to approve a request) the intelligence the owner lends with it."""
    share = page.share
    records = _shareable(request, page.subject) if page.owns and page.subject else ()
    initial = {"records": [r.pk for r in share.records.all()]}
    return f.DecideForm(data, records=records, initial=initial)


def _detail_context(request: HttpRequest, page: selectors.SharePage) -> dict[str, Any]:
    share = page.share
    user = request.user
    owns = page.owns
    may_decide = (
        page.manages
        and owns
        and share.state == ShareState.REQUESTED
        and share.requested_by_id != user.pk
        and user.has_perm(PERM_APPROVE)
    )
    return {
        "page": page,
        "share": share,
        "may_decide": may_decide,
        "may_revoke": page.manages and share.is_live and user.has_perm(PERM_APPROVE),
        "decide_form": _decide_form(request, page) if page.manages else None,
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.share_page(user=request.user, pk=pk)
    audit_share_view(actor=request.user, page=page)
    return render(request, "sharing/share_detail.html", _detail_context(request, page))


DECISIONS = {
    "approve": lambda actor, share, d: share_approve(
        actor=actor, share=share, records=[int(pk) for pk in d["records"]], reason=d["reason"]
    ),
    "refuse": lambda actor, share, d: share_refuse(actor=actor, share=share, reason=d["reason"]),
    "revoke": lambda actor, share, d: share_revoke(actor=actor, share=share, reason=d["reason"]),
}


@login_required
@permission_required(PERM_APPROVE, raise_exception=True)
@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    act = DECISIONS.get(decision)
    share = selectors.share_list(user=request.user).filter(pk=pk).first()
    if act is None or share is None:
        raise Http404("No share matches the given query.")
    page = selectors.share_page(user=request.user, pk=pk)
    form = _decide_form(request, page, posted(request))
    done = form_post(
        request,
        form,
        lambda d: _decided(request, share, decision, act, d),
        then=detail_url(share),
    )
    if done is not None:
        return done
    context = _detail_context(request, page)
    context["decide_form"] = form
    return render(request, "sharing/share_detail.html", context, status=400)


def _decided(
    request: HttpRequest, share: Share, decision: str, act: Any, data: dict[str, Any]
) -> str:
    act(request.user, share, data)
    return {
        "approve": "Share approved: the other force sees it until it ends.",
        "refuse": "Share refused.",
        "revoke": "Share revoked: the other force no longer sees it.",
    }[decision]
