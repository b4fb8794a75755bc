import pytest
from django.urls import reverse

from disruptions.services.approvals import disruption_approve
from disruptions.services.disruptions import disruption_submit
from kentsoc.audit.models import AuditEvent
from kentsoc.lifetime.choices import CustodyEventKind
from kentsoc.lifetime.models import Condition, CustodyPeriod, Scpo
from kentsoc.lifetime.services.attention import attention_items_refresh
from kentsoc.lifetime.services.conditions import condition_add
from kentsoc.lifetime.services.custody import custody_dates_update, custody_event_record
from kentsoc.lifetime.services.scpos import scpo_apply, scpo_breach_record, scpo_make
from kentsoc.lifetime.services.training import training_create
from tests.factories import MembershipFactory
from tests.lifetime.conftest import adult_member, days

pytestmark = pytest.mark.django_db


def _in_prison(actor, nominal, today, release_in=None):
    custody_event_record(
        actor=actor, nominal=nominal, kind=CustodyEventKind.SENTENCED, on_date=today - days(300)
    )
    period = CustodyPeriod.objects.get(nominal=nominal, ended_on__isnull=True)
    if release_in is not None:
        period = custody_dates_update(
            actor=actor,
            period=period,
            version=period.version,
            sentence_date=period.sentence_date,
            expected_release_date=today + days(release_in),
            licence_end_date=None,
            establishment="HMP Invented",
        )
    return period


def test_nominal_page_is_audited_and_scoped(
    client, coordinator, lro, clgt_officer, member, stranger
):
    client.force_login(coordinator)
    url = reverse("lifetime:nominal", args=[member.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Record a custody change" in response.content
    assert AuditEvent.objects.filter(
        action="view", object_type="ocg.nominal", object_id=str(member.pk)
    ).exists()
    client.force_login(lro)
    assert client.get(url).status_code == 200
    assert client.get(reverse("lifetime:nominal", args=[stranger.pk])).status_code == 404
    client.force_login(clgt_officer)
    assert client.get(url).status_code == 403


def test_release_before_sentence_shows_message_at_field(client, coordinator, member, today):
    period = _in_prison(coordinator, member, today)
    client.force_login(coordinator)
    response = client.post(
        reverse("lifetime:custody-dates", args=[period.pk]),
        {
            "dates-version": period.version,
            "dates-sentence_date": (today - days(300)).isoformat(),
            "dates-expected_release_date": (today - days(301)).isoformat(),
        },
    )
    assert response.status_code == 400
    form = response.context["dates_form"]
    assert "before the sentence date" in form.errors["expected_release_date"][0]
    period.refresh_from_db()
    assert period.expected_release_date is None


def test_stale_dates_form_says_so_at_the_top(client, coordinator, member, today):
    """A colleague saved the period's dates after this page was loaded: the save is refused
    with the one stale-version message, at the top of the form, not at its hidden field."""
    period = _in_prison(coordinator, member, today)
    loaded = period.version
    saved = custody_dates_update(
        actor=coordinator,
        period=period,
        version=loaded,
        sentence_date=period.sentence_date,
        expected_release_date=today + days(30),
        licence_end_date=None,
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("lifetime:custody-dates", args=[period.pk]),
        {
            "dates-version": loaded,
            "dates-sentence_date": period.sentence_date.isoformat(),
            "dates-expected_release_date": (today + days(60)).isoformat(),
        },
    )
    assert response.status_code == 400
    form = response.context["dates_form"]
    assert "Someone else changed this record" in form.non_field_errors()[0]
    assert "version" not in form.errors
    period.refresh_from_db()
    assert period.expected_release_date == saved.expected_release_date


def test_conditions_with_no_text_show_message(client, coordinator, member, today):
    client.force_login(coordinator)
    response = client.post(
        reverse("lifetime:condition-add", args=[member.pk]),
        {
            "condition-kind": "licence",
            "condition-text": "",
            "condition-imposed_on": today.isoformat(),
            "condition-partner": "prison_probation",
        },
    )
    assert response.status_code == 400
    assert "cannot be blank" in response.context["condition_form"].errors["text"][0]
    assert not Condition.objects.exists()


def test_scpo_for_17_year_old_refused_on_page(client, coordinator, member, today):
    member.date_of_birth = today.replace(year=today.year - 17)
    member.save()
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(5))
    client.force_login(coordinator)
    prefix = f"scpo{scpo.pk}-make"
    response = client.post(
        reverse("lifetime:scpo-action", args=[scpo.pk, "make"]),
        {
            f"{prefix}-version": scpo.version,
            f"{prefix}-court": "Invented Crown Court",
            f"{prefix}-made_on": today.isoformat(),
            f"{prefix}-duration_months": "24",
            f"{prefix}-conditions": "No phones.",
            f"{prefix}-impact_grade": "major",
            f"{prefix}-impact_rationale": "Restricts the group.",
        },
    )
    assert response.status_code == 400
    assert "18 or over" in response.content.decode()
    assert Scpo.objects.get().status == "applied"


def test_custody_change_redirects_back(client, coordinator, member, today):
    client.force_login(coordinator)
    response = client.post(
        reverse("lifetime:custody-event", args=[member.pk]),
        {"custody-kind": "remanded", "custody-on_date": today.isoformat()},
    )
    assert response.status_code == 302
    assert CustodyPeriod.objects.filter(nominal=member).exists()


def test_releases_window_is_inclusive(client, coordinator, lro_ocg, today):
    names = {}
    for offset in (-1, 0, 90, 91):
        nominal = adult_member(lro_ocg)
        names[offset] = nominal.full_name
        _in_prison(coordinator, nominal, today, release_in=max(offset, 0))
        if offset < 0:
            CustodyPeriod.objects.filter(nominal=nominal).update(
                expected_release_date=today + days(offset)
            )
    client.force_login(coordinator)
    body = client.get(reverse("lifetime:releases")).content.decode()
    assert names[0] in body and names[90] in body
    assert names[-1] not in body and names[91] not in body
    body = client.get(reverse("lifetime:releases"), {"within": 91}).content.decode()
    assert names[91] in body
    response = client.get(reverse("lifetime:releases"), {"format": "csv"})
    csv_text = b"".join(response.streaming_content).decode()
    assert names[0] in csv_text and "HMP Invented" in csv_text


def test_bad_window_is_a_message_not_a_500(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("lifetime:releases"), {"within": "soon"})
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()


def test_lro_lists_show_own_members_only(client, coordinator, lro, member, stranger, today):
    _in_prison(coordinator, member, today, release_in=10)
    _in_prison(coordinator, stranger, today, release_in=10)
    client.force_login(lro)
    for name in ("lifetime:releases", "lifetime:in-prison"):
        body = client.get(reverse(name)).content.decode()
        assert member.full_name in body
        assert stranger.full_name not in body


@pytest.mark.parametrize(
    "name",
    [
        "lifetime:releases",
        "lifetime:scpos-expiring",
        "lifetime:scpo-breaches",
        "lifetime:in-prison",
        "lifetime:untrained-lros",
        "lifetime:training",
    ],
)
def test_list_query_count_is_constant(
    client, coordinator, lro_ocg, today, name, django_assert_max_num_queries
):
    client.force_login(coordinator)

    def add_people(count):
        for _ in range(count):
            nominal = adult_member(lro_ocg)
            _in_prison(coordinator, nominal, today, release_in=20)
            scpo = scpo_apply(actor=coordinator, nominal=nominal, applied_on=today)
            scpo = scpo_make(
                actor=coordinator,
                scpo=scpo,
                version=scpo.version,
                court="Invented Crown Court",
                made_on=today,
                duration_months=1,
                conditions="No phones.",
                impact_grade="major",
                impact_rationale="Restricts.",
            )
            scpo_breach_record(
                actor=coordinator, scpo=scpo, breached_on=today, action_taken="Warned."
            )
            training_create(
                actor=coordinator, held_on=today, location="HQ", trainer="DS X", audience="lros"
            )

    add_people(1)
    client.get(reverse(name))  # warm caches (permissions, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(name)).status_code == 200
    add_people(4)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_home_panel_lists_and_dismisses(client, coordinator, member, today):
    _in_prison(coordinator, member, today, release_in=7)
    attention_items_refresh(today=today)
    client.force_login(coordinator)
    body = client.get(reverse("home")).content.decode()
    assert "Needs attention: releases and SCPOs" in body
    assert member.full_name in body
    from kentsoc.lifetime.models import AttentionItem

    item = AttentionItem.objects.get(user=coordinator)
    response = client.post(reverse("lifetime:attention-dismiss", args=[item.pk]))
    assert response.status_code == 302
    assert member.full_name not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("lifetime:releases", "within"),
        ("lifetime:scpos-expiring", "within"),
        ("lifetime:scpo-breaches", "division"),
        ("lifetime:in-prison", "division"),
        ("lifetime:untrained-lros", "division"),
        ("lifetime:training", "audience"),
    ],
)
def test_htmx_partial_carries_the_filtered_csv_link(client, coordinator, name, param):
    client.force_login(coordinator)
    partial = client.get(reverse(name), {param: "1"}, HTTP_HX_REQUEST="true")
    content = partial.content.decode()
    assert "<html" not in content
    assert f'href="?{param}=1&amp;format=csv" data-testid="csv"' in content


def test_empty_training_post_shows_field_messages(client, coordinator):
    # An empty body once left the form unbound: a 400 with no message at any field.
    client.force_login(coordinator)
    response = client.post(reverse("lifetime:training-create"))
    assert response.status_code == 400
    assert "Enter the date of the training." in response.content.decode()


def test_lro_sees_only_their_own_ocgs_of_a_member(
    client, coordinator, lro, lro_ocg, other_ocg, member, today
):
    """Need to know: an LRO opens the lifetime record of a member of their OCG who is also in
    an OCG they may not see. The page (and the person's page that carries it as a section), the
    lists and their CSV and API name the LRO's OCG only, as the person's OCG section does."""
    other_ocg.name = "Hidden Eastern Cartel"
    other_ocg.save(update_fields=["name"])
    MembershipFactory(ocg=other_ocg, nominal=member)
    _in_prison(coordinator, member, today, release_in=10)
    client.force_login(lro)
    pages = [
        reverse("lifetime:nominal", args=[member.pk]),
        reverse("ocg:nominal-detail", args=[member.pk]),
        reverse("lifetime:releases"),
        reverse("lifetime:releases") + "?format=csv",
        reverse("api:lifetime-release-list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response).decode()
        assert lro_ocg.reference in body, url
        for hidden in (other_ocg.name, other_ocg.reference, f"/ocgs/{other_ocg.pk}/"):
            assert hidden not in body, (url, hidden)
    # Whoever may see both OCGs sees both.
    client.force_login(coordinator)
    body = client.get(reverse("lifetime:nominal", args=[member.pk])).content.decode()
    assert lro_ocg.reference in body and other_ocg.reference in body


def test_a_linked_disruption_is_named_only_to_those_who_may_open_it(
    client, coordinator, lro, supervisor, member, today
):
    """Need to know: conditions and an SCPO recorded with a disruption link to a draft only its
    author (and, once submitted, the supervisors) may open. The member's LRO reads the member's
    lifetime page (and the person page's lifetime section) but not another officer's draft: the
    page says a disruption is linked without its reference or link, until it is approved."""
    _in_prison(coordinator, member, today)
    condition = condition_add(
        actor=coordinator,
        nominal=member,
        kind="prison",
        text="No visits from named associates.",
        imposed_on=today,
        partner="prison_probation",
        record_disruption=True,
        impact_grade="moderate",
        impact_rationale="Cuts the group's contact inside.",
    )
    scpo = scpo_apply(actor=coordinator, nominal=member, applied_on=today - days(40))
    scpo = scpo_make(
        actor=coordinator,
        scpo=scpo,
        version=scpo.version,
        court="Invented Crown Court",
        made_on=today - days(30),
        duration_months=24,
        conditions="No more than one phone.",
        impact_grade="major",
        impact_rationale="Restricts the group.",
    )
    drafts = [condition.disruption, Scpo.objects.get(pk=scpo.pk).disruption]
    pages = [
        reverse("lifetime:nominal", args=[member.pk]),
        reverse("ocg:nominal-detail", args=[member.pk]),
    ]

    def bodies(user):
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            yield url, response.content.decode()

    for url, body in bodies(lro):
        for draft in drafts:
            assert draft.reference not in body, url
            assert reverse("disruptions:detail", args=[draft.pk]) not in body, url
        assert body.count("A disruption you cannot open") == 2, url
    for url, body in bodies(coordinator):
        for draft in drafts:
            assert reverse("disruptions:detail", args=[draft.pk]) in body, url
            assert draft.reference in body, url
        assert "A disruption you cannot open" not in body, url
    # Approved, it is the LRO's to read (on their OCG and member): named and linked.
    for draft in drafts:
        draft = disruption_submit(actor=coordinator, disruption=draft)
        disruption_approve(actor=supervisor, disruption=draft)
    for url, body in bodies(lro):
        for draft in drafts:
            assert reverse("disruptions:detail", args=[draft.pk]) in body, url
        assert "A disruption you cannot open" not in body, url
