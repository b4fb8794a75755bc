"""The shared edge helpers: ids and dates read at the edge, today's date, month arithmetic, and a
service's refusal shown on a page's form."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import RequestFactory

from kentsoc.dates import add_months, today
from kentsoc.web.coerce import as_date, as_id
from kentsoc.web.forms import apply_service_errors, form_post, posted


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), (5, 5), (True, None), ("²", None), ("٣", None), ("1a", None),
     ("", None), (None, None), (1.5, None), ("-3", None), (-3, None)],
)  # fmt: skip
def test_as_id_reads_ascii_digits_only(value, expected):
    assert as_id(value) == expected


def test_as_id_of_a_record_is_its_pk():
    class Row:
        pk = 42

    assert as_id(Row()) == 42


def test_as_date():
    day = datetime.date(2026, 3, 1)
    assert as_date("2026-03-01", "on") == day
    assert as_date(datetime.datetime(2026, 3, 1, 23, 0), "on") == day
    assert as_date(day, "on") == day
    assert as_date("", "on") is None
    with pytest.raises(ValidationError) as caught:
        as_date("1 March", "on")
    assert list(caught.value.message_dict) == ["on"]


def test_add_months_clamps_and_goes_back():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 3, 31), -13) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 12, 15), 1) == datetime.date(2027, 1, 15)


def test_today_is_the_local_date(settings):
    settings.TIME_ZONE = "Europe/London"
    late = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert today() == datetime.date(2026, 7, 2)


class _Form(forms.Form):
    name = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _form(data=None):
    form = _Form({"name": "Fictional"} if data is None else data)
    form.is_valid()
    return form


def test_errors_go_at_the_form_fields_and_the_rest_on_top():
    form = _form()
    apply_service_errors(
        form,
        ValidationError(
            {
                "name": "Too long.",
                "division": "Choose one.",
                "version": "Someone else changed this record.",
                NON_FIELD_ERRORS: "Closed.",
                "areas": "Pick one.",
            }
        ),
        {"areas": "name"},
    )
    assert form.errors["name"] == ["Too long.", "Pick one."]
    assert form.non_field_errors() == [
        "Division: Choose one.",
        "Someone else changed this record.",
        "Closed.",
    ]


def test_a_plain_message_or_a_refusal_goes_on_top():
    form = _form()
    apply_service_errors(form, ValidationError("Not now."))
    apply_service_errors(form, PermissionDenied("Not you."))
    assert form.non_field_errors() == ["Not now.", "Not you."]


def test_replace_drops_the_forms_own_messages():
    form = _form({})
    assert "name" in form.errors
    apply_service_errors(form, ValidationError({"name": "Enter a name."}), replace=True)
    assert form.errors == {"name": ["Enter a name."]}


def _request(data):
    request = RequestFactory().post("/x/", data)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_form_post_runs_the_service_and_redirects_with_its_message():
    request = _request({"name": "Fictional"})
    form = _Form(posted(request))
    response = form_post(request, form, lambda data: f"Saved {data['name']}.", then=lambda: "/y/")
    assert (response.status_code, response.url) == (302, "/y/")
    assert [str(m) for m in request._messages] == ["Saved Fictional."]


def test_form_post_keeps_a_refusal_on_the_form():
    request = _request({"name": "Fictional"})
    form = _Form(posted(request))

    def refuse(data):
        raise ValidationError({"name": "Taken."})

    assert form_post(request, form, refuse, then="/y/") is None
    assert form.errors == {"name": ["Taken."]}


def test_form_post_does_not_run_on_bad_input_unless_the_service_decides():
    request = _request({})
    ran = []
    assert form_post(request, _Form(posted(request)), ran.append, then="/y/") is None
    assert ran == []
    form = _Form(posted(request))

    def refuse(data):
        ran.append(data)
        raise ValidationError({"name": "Enter the name the group is known by."})

    assert form_post(request, form, refuse, then="/y/", service_decides=True) is None
    assert ran and form.errors == {"name": ["Enter the name the group is known by."]}


def test_form_post_lets_permission_denied_through():
    request = _request({"name": "Fictional"})

    def deny(data):
        raise PermissionDenied("No.")

    with pytest.raises(PermissionDenied):
        form_post(request, _Form(posted(request)), deny, then="/y/")


def test_posted_is_none_for_a_get():
    assert posted(RequestFactory().get("/x/")) is None
