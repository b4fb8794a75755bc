"""Pages post forms to services: one way to bind a form, run the service and show its refusal.

Services are the authority (they re-check everything a form checks, and more); a page's form only
parses the input. A service refuses with Django's ValidationError naming fields, or
PermissionDenied. On a page the messages go at the fields the form has, the rest at the top.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

# A stale version is about the whole form, not the hidden field that carried the number.
_TOP_ONLY = frozenset({NON_FIELD_ERRORS, "version"})


def safe_next(request: HttpRequest) -> str:
    """The `next` a form carried (posted, else in the query), only if it is a page of this site:
    a page that sends the officer back never becomes an open redirect. "" otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one: `request.POST or None` would leave a form
    posted with no fields unbound, so it would show no messages (or fail adding the services')."""
    return request.POST if request.method == "POST" else None


def apply_service_errors(
    form: forms.Form,
    exc: ValidationError | PermissionDenied,
    field_map: Mapping[str, str] | None = None,
    *,
    replace: bool = False,
    only_new: bool = False,
) -> None:
    """Show a service's refusal on the form: each message at the field it names when the form
    has that field (`field_map` renames a service's field to the form's), else at the top,
    prefixed with the field's name so it still says what it is about. `replace` drops the form's
    own messages first, so that what both checked shows once, in the service's words;
    `only_new` keeps them and adds the service's only where the form said nothing yet."""
    if replace:
        form._errors = forms.utils.ErrorDict()
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or "You may not do this.")
        return
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    field_map = field_map or {}
    for field, errors in exc.error_dict.items():
        target = field_map.get(field, field)
        for error in errors:
            for message in error.messages:
                if only_new and target in form.errors:
                    continue
                if target in form.fields and target not in _TOP_ONLY:
                    form.add_error(target, message)
                elif field in _TOP_ONLY:
                    form.add_error(None, message)
                else:
                    label = field.replace("_", " ").capitalize()
                    form.add_error(None, f"{label}: {message}")


def check_the_rest(
    form: forms.Form,
    check: Callable[[], object],
    field_map: Mapping[str, str] | None = None,
    *,
    unless: Mapping[str, Collection[str]] | None = None,
) -> None:
    """For a form that refused some input: run the service's own no-write check on what the
    form could read and add its messages where the form said nothing yet, so that every error
    shows in one round (fixing the first ones never reveals more). `unless` drops a service
    field's messages when the form refused any of the fields it depends on (no "choose a
    subject" when the chosen one was refused)."""
    try:
        check()
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and unless:
            kept = {
                field: errors
                for field, errors in exc.error_dict.items()
                if not set(unless.get(field, ())) & set(form.errors)
            }
            if not kept:
                return
            exc = ValidationError(kept)
        apply_service_errors(form, exc, field_map, only_new=True)


def form_post(
    request: HttpRequest,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], str],
    *,
    then: Any,
    field_map: Mapping[str, str] | None = None,
    service_decides: bool = False,
) -> HttpResponse | None:
    """Validate a bound form and run the service with its cleaned data. `perform` returns the
    message to show (empty: none); on success the answer is a redirect to `then` (anything
    `redirect()` takes, or a callable returning it, called after `perform`). On invalid input or a
    refusal (ValidationError) the errors are on the form and the answer is None: the caller shows
    the form again, with status 400. PermissionDenied is not caught: it stays a 403.

    `service_decides`: the service checks all of the input itself, so it runs even when the form
    refused some, and on a refusal its messages replace the form's (none shows twice)."""
    if not form.is_valid() and not service_decides:
        return None
    try:
        message = perform(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc, field_map, replace=service_decides)
        return None
    if message:
        messages.success(request, message)
    return redirect(then() if callable(then) else then)
