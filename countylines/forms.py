"""HTML input shapes. The rules (formats, gates, who may do what) are the services'; the views put
a service's ValidationError back onto these forms (kentsoc.web.forms) so each message shows at its
field."""

from __future__ import annotations

from django import forms

from countylines.choices import (
    AgeBand,
    EngagementStatus,
    LineRole,
    MetThrough,
    PersonKind,
    ReferralAgency,
)
from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT
from kentsoc.org.models import District, Division

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def districts_of_force():
    return District.objects.select_related("division").filter(division__is_central=False)


class _DistrictsMixin(forms.Form):
    primary_district = forms.ModelChoiceField(
        queryset=District.objects.none(),
        label="Primary importing district",
        help_text="The line's division is this district's division.",
        error_messages={
            "required": "Choose the primary importing district.",
            "invalid_choice": "That is not a district of this force: choose one from the list.",
        },
    )
    other_districts = forms.ModelMultipleChoiceField(
        queryset=District.objects.none(),
        required=False,
        label="Other importing districts",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "District %(value)s is not a district of this force.",
            "invalid_pk_value": "“%(pk)s” is not a district.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        districts = districts_of_force()
        self.fields["primary_district"].queryset = districts
        self.fields["other_districts"].queryset = districts

    def district_ids(self) -> list[int]:
        primary = self.cleaned_data["primary_district"]
        others = [d.pk for d in self.cleaned_data.get("other_districts") or [] if d != primary]
        return [primary.pk, *others]


class NominateForm(_DistrictsMixin):
    name = forms.CharField(max_length=80, label="Name (brand)", help_text='e.g. "BLAZE"')
    exporting_area = forms.CharField(
        max_length=120, label="Exporting area", help_text="e.g. a London borough"
    )
    deal_lines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1_000,
        label="Deal-line numbers",
        help_text="One per line, UK mobile format, e.g. 07700 900123 or +44 7700 900123.",
    )
    ocg = forms.ModelChoiceField(queryset=None, required=False, label="Linked OCG")

    field_order = ["name", "exporting_area", "primary_district", "other_districts", "deal_lines"]

    def __init__(self, *args, ocgs=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ocg"].queryset = ocgs

    def numbers(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["deal_lines"].splitlines() if n.strip()]


class LineEditForm(_DistrictsMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=80, label="Name (brand)")
    exporting_area = forms.CharField(max_length=120)
    handsets_seized = forms.IntegerField(min_value=0)
    ocg = forms.ModelChoiceField(queryset=None, required=False, label="Linked OCG")

    field_order = ["version", "name", "exporting_area", "primary_district", "other_districts"]

    def __init__(self, *args, ocgs=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ocg"].queryset = ocgs


class DealLineForm(forms.Form):
    number = forms.CharField(max_length=30, label="Deal-line number")


class AddNominalForm(forms.Form):
    nominal = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=LineRole.choices, label="Line role")


class FlexForm(forms.Form):
    # The detail page holds the flex, dismantle and reject forms at once: prefixes keep their
    # "reason" fields (ids, labels and error links) apart.
    prefix = "flex"

    division = forms.ModelChoiceField(
        queryset=Division.objects.none(),
        required=False,
        label="Flex to",
        empty_label="— end the flex —",
        help_text="Another division's CLGT, or the Central CLGT.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=REASON_TEXT,
        help_text="Required to flex the line; not needed to end a flex.",
    )

    def __init__(self, *args, line=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.exclude(pk=line.division_id)
        if line.flexed_division_id is None:
            # Nothing to end: the only choice is where to flex it, and that needs a reason
            # (line_flex's rule), so both are required and nothing else is offered.
            division = self.fields["division"]
            division.required = True
            division.empty_label = "Choose a division"
            division.error_messages["required"] = "Choose the division to flex the line to."
            reason = self.fields["reason"]
            reason.required = True
            reason.help_text = ""
            reason.error_messages["required"] = "Give the reason for the flex."
        else:
            # Required for one of the two choices: the label says so instead of "(optional)".
            self.fields["reason"].conditionally_required = True


class DismantleForm(forms.Form):
    prefix = "dismantle"

    # Both are required by line_dismantle: the form says so (no "(optional)") in its words.
    date = forms.DateField(
        widget=_DATE,
        label="Date dismantled",
        validators=[HAPPENED],
        error_messages={"required": "Enter the date the line was dismantled."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_TEXT,
        error_messages={"required": "Give the reason the line was dismantled."},
    )


class RejectForm(forms.Form):
    prefix = "reject"

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_TEXT,
        error_messages={"required": "Give the reason the nomination is rejected."},
    )


class PersonAtRiskForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="Name or agreed pseudonym")
    kind = forms.ChoiceField(choices=PersonKind.choices, label="Child or vulnerable adult")
    age_band = forms.ChoiceField(choices=AgeBand.choices)
    # Not required: a form posted without it (an older page) records someone on the line.
    met_through = forms.ChoiceField(
        choices=MetThrough.choices, initial=MetThrough.LINE, required=False, label="Met through"
    )
    setting = forms.CharField(
        max_length=160,
        required=False,
        label="School or setting",
        help_text="Needed when they were met at a school or setting.",
    )
    street_group = forms.CharField(
        max_length=120,
        required=False,
        label="Street group or gang",
        help_text="Needed when they were met through a street group or gang.",
    )
    engagement_status = forms.ChoiceField(choices=EngagementStatus.choices)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=LONG_TEXT
    )
    review_date = forms.DateField(
        widget=_DATE, required=False, label="Review date", validators=[PLANNED]
    )


class PersonWithoutLineForm(PersonAtRiskForm):
    """Someone met through prevention work before any line is known: a school or a group."""

    met_through = forms.ChoiceField(
        choices=[c for c in MetThrough.choices if c[0] != MetThrough.LINE],
        label="Met through",
        widget=forms.RadioSelect,
        required=True,
        error_messages={"required": "Say whether they were met at a school or through a group."},
    )

    field_order = ["met_through", "setting", "street_group", "name", "kind", "age_band"]


class PersonAtRiskEditForm(PersonAtRiskForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(choices=ReferralAgency.choices)
    partner_name = forms.CharField(max_length=120, required=False, label="Partner agency name")
    referred_on = forms.DateField(
        widget=_DATE, required=False, label="Referred on", validators=[HAPPENED]
    )
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=REASON_TEXT
    )
    outcome_on = forms.DateField(
        widget=_DATE, required=False, label="Outcome date", validators=[HAPPENED]
    )


class ReferralOutcomeForm(forms.Form):
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=REASON_TEXT
    )
    outcome_on = forms.DateField(
        widget=_DATE, required=False, label="Outcome date", validators=[HAPPENED]
    )
