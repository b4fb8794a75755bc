"""HTML input shapes. Fields are optional here so the services give the domain's own messages
(e.g. "Enter the conditions: they cannot be blank."); forms only parse dates and numbers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from disruptions.choices import ImpactGrade
from kentsoc.lifetime.choices import Audience, ConditionKind, CustodyEventKind, Partner
from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT, DateRange
from kentsoc.org.scoping import in_serving_force
from kentsoc.web.cells import escaped


def _date(label: str, *, bounds: DateRange, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        validators=[bounds],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _choice(label: str, choices: list, blank: str = "Choose…") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", blank), *choices])


def _text(
    label: str, *, max_length: int, area: bool = False, help_text: str = ""
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3}) if area else forms.TextInput()
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=widget, max_length=max_length
    )


def _version() -> forms.IntegerField:
    return forms.IntegerField(required=False, widget=forms.HiddenInput)


def _as_text(value: Any) -> str:
    # `{{ value|stringformat:"s" }}`: the value as plain text, escaped even if it was marked safe.
    return escaped(f"{value}")


def _attributes(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name alone.
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{_as_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class OfficerSelect(forms.Select):
    """The officers' select written here, as the form renderer's select template writes it
    (kentsoc/web/form_templates/django/forms/widgets/select.html): each of a force's officers
    drawn by the template engine, tag, value, attributes and label, was about 300 Python calls
    an option, most of a person's lifetime page."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escaped(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escaped(group_name)}">')
            parts.extend(
                f'\n  <option value="{_as_text(option["value"])}"{_attributes(option["attrs"])}>'
                f"{escaped(localize(option['label']))}</option>"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)


class _FetchedChoices(forms.models.ModelChoiceIterator):
    """The choices' rows read in one fetch: ModelChoiceIterator reads them through
    `QuerySet.iterator()`, a server-side cursor on PostgreSQL (declared, fetched from and
    closed), hundreds of Python calls for a few dozen officers."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset:
            yield self.choice(row)


class _OwnForceOfficerField(forms.ModelChoiceField):
    """Officers to choose from: each form made during a request offers the officer's own force's
    (the class-level list is made once, at import, for every force)."""

    iterator = _FetchedChoices

    def __deepcopy__(self, memo: dict) -> forms.ModelChoiceField:
        field = super().__deepcopy__(memo)
        field.queryset = field.queryset.filter(in_serving_force("officer__team__force"))
        return field


def _officers() -> forms.ModelChoiceField:
    return _OwnForceOfficerField(
        label="Officer",
        required=False,
        widget=OfficerSelect,
        queryset=get_user_model()
        .objects.filter(officer__isnull=False, is_active=True)
        .order_by("last_name", "first_name"),
    )


class CustodyEventForm(forms.Form):
    kind = _choice("What happened", CustodyEventKind.choices)
    on_date = _date("Date", bounds=HAPPENED)
    establishment = _text(
        "Prison establishment", max_length=120, help_text="For a remand or sentence"
    )
    note = _text("Note", area=True, max_length=LONG_TEXT)


class CustodyDatesForm(forms.Form):
    version = _version()
    sentence_date = _date("Sentence date", bounds=HAPPENED)
    expected_release_date = _date("Expected release date", bounds=PLANNED)
    licence_end_date = _date("Licence end date", bounds=PLANNED)
    establishment = _text("Prison establishment", max_length=120)


class _DisruptionFields(forms.Form):
    impact_grade = _choice("Impact grade of the disruption", ImpactGrade.choices)
    impact_rationale = _text("Why this impact grade", area=True, max_length=REASON_TEXT)


class ConditionForm(_DisruptionFields):
    kind = _choice("Conditions", ConditionKind.choices)
    text = _text("Conditions imposed", area=True, max_length=LONG_TEXT)
    imposed_on = _date("Date imposed", bounds=HAPPENED)
    partner = _choice("Partner", Partner.choices)
    requested_by = _officers()
    record_disruption = forms.BooleanField(
        label="Also record as a disruption (prison or licence conditions)", required=False
    )

    field_order = ["kind", "text", "imposed_on", "partner", "requested_by", "record_disruption"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_by"].label = "Requested by"
        self.fields["requested_by"].help_text = "Leave empty if it was you"
        self.fields["impact_grade"].help_text = "Needed only to record a disruption"


class ScpoApplyForm(forms.Form):
    applied_on = _date("Date applied for", bounds=HAPPENED)


class ScpoMakeForm(_DisruptionFields):
    version = _version()
    court = _text("Court", max_length=120)
    made_on = _date("Date made", bounds=HAPPENED)
    duration_months = forms.IntegerField(
        label="Duration (months)", required=False, help_text="At most 60 months (5 years)"
    )
    conditions = _text("Conditions of the order", area=True, max_length=LONG_TEXT)

    field_order = ["version", "court", "made_on", "duration_months", "conditions"]


class ScpoVaryForm(forms.Form):
    version = _version()
    varied_on = _date("Date varied", bounds=HAPPENED)
    conditions = _text("Conditions as varied", area=True, max_length=LONG_TEXT)
    duration_months = forms.IntegerField(
        label="Duration from the date made (months)", required=False, help_text="At most 60"
    )
    reason = _text("Reason", area=True, max_length=REASON_TEXT)


class ScpoExpireForm(forms.Form):
    version = _version()
    expired_on = _date("Date the order ended", bounds=HAPPENED)


class BreachForm(forms.Form):
    breached_on = _date("Date of breach", bounds=HAPPENED)
    details = _text("What happened", area=True, max_length=LONG_TEXT)
    action_taken = _text("Action taken", area=True, max_length=LONG_TEXT)


class TrainingForm(forms.Form):
    # A training input can be booked ahead.
    held_on = _date("Date", bounds=PLANNED)
    location = _text("Location", max_length=160)
    trainer = _text("Trainer", max_length=160)
    audience = _choice("Audience", Audience.choices)
    notes = _text("Notes", area=True, max_length=LONG_TEXT)


class AttendanceForm(forms.Form):
    officer = _officers()


class PartnerAttendanceForm(forms.Form):
    organisation = _text("Partner organisation", max_length=160)
    headcount = forms.IntegerField(label="Headcount", required=False)
