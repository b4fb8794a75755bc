import datetime
import re

import pytest
from django.test import Client
from django.utils import dateformat, timezone

from countylines.choices import LineStatus
from countylines.models import CountyLine
from countylines.selectors import AUDIT_EVENTS_PER_PAGE as PER_PAGE
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from kentsoc.matrix.models import Ranking
from tests import clients
from tests.countylines.test_api import _score
from tests.factories import evidence_all, make_line, make_nominal


@pytest.fixture
def urls(line):
    pk = line.pk
    return {
        "list": "/county-lines/",
        "detail": f"/county-lines/{pk}/",
        "score": f"/county-lines/{pk}/score/",
        "history": f"/county-lines/{pk}/history/",
        "edit": f"/county-lines/{pk}/edit/",
        "nominate": "/county-lines/nominate/",
    }


class TestAccess:
    @pytest.mark.parametrize("name", ["list", "detail", "score", "history"])
    def test_readers_see_pages(self, urls, name, analyst, clgt_officer, clio, supervisor):
        for user in (analyst, clgt_officer, clio, supervisor):
            assert clients.web(user).get(urls[name]).status_code == 200, (user, name)

    @pytest.mark.parametrize("name", ["detail", "score", "history"])
    def test_no_scope_is_404_or_403(self, urls, name, auditor, outsider):
        for user in (auditor, outsider):
            assert clients.web(user).get(urls[name]).status_code in (403, 404)

    def test_anonymous_is_sent_to_login(self, urls):
        response = Client().get(urls["detail"])
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_nominate_and_edit_need_the_permission(self, urls, clio, analyst, clgt_officer):
        for user in (clio, analyst):
            assert clients.web(user).get(urls["nominate"]).status_code == 403
            assert clients.web(user).get(urls["edit"]).status_code == 403
        assert clients.web(clgt_officer).get(urls["nominate"]).status_code == 200
        assert clients.web(clgt_officer).get(urls["edit"]).status_code == 200

    def test_unknown_line_is_404(self, clgt_officer):
        assert clients.web(clgt_officer).get("/county-lines/999999/").status_code == 404

    def test_transitions_forbidden_without_permission(self, line, clgt_officer, analyst):
        evidence_all(line)
        response = clients.web(clgt_officer).post(f"/county-lines/{line.pk}/activate/")
        assert response.status_code == 403
        response = clients.web(analyst).post(
            f"/county-lines/{line.pk}/dismantle/", {"dismantle-date": "", "dismantle-reason": "x"}
        )
        assert response.status_code == 403
        line.refresh_from_db()
        assert line.status == LineStatus.NOMINATED


class TestNominatePage:
    def test_nominate_with_nominals(self, force, clgt_officer):
        nominal = make_nominal("Riley", "Fictional")
        d = force["districts"]
        response = clients.web(clgt_officer).post(
            "/county-lines/nominate/",
            {
                "name": "ACE",
                "exporting_area": "Southwark",
                "primary_district": d["thanet"].pk,
                "other_districts": [d["canterbury"].pk],
                "deal_lines": "07700 900401\n+44 7700 900402",
                "nominal": [nominal.pk],
                "nominal_role": ["runner"],
            },
        )
        line = CountyLine.objects.get(name="ACE")
        assert response.status_code == 302 and response["Location"] == f"/county-lines/{line.pk}/"
        assert line.division.code == "EAST"
        assert line.line_nominals.get().role == "runner"

    def test_bad_numbers_redisplay_with_field_errors(self, force, clgt_officer):
        nominal = make_nominal("Riley", "Fictional")
        response = clients.web(clgt_officer).post(
            "/county-lines/nominate/",
            {
                "name": "ACE",
                "exporting_area": "Southwark",
                "primary_district": force["districts"]["thanet"].pk,
                "deal_lines": "07700 9004\n07700900402\n07700 900402",
                "nominal": [nominal.pk],
                "nominal_role": ["controller"],
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "is not a UK mobile number" in body and "is entered more than once" in body
        assert "Riley Fictional" in body  # the picked nominal is kept
        assert not CountyLine.objects.exists()

    def test_deal_line_check_flags_numbers_on_other_lines(self, line, clgt_officer):
        response = clients.web(clgt_officer).get(
            "/county-lines/deal-line-check/", {"deal_lines": "07700 900123\n0770\n07700900999"}
        )
        body = response.content.decode()
        assert f"/county-lines/{line.pk}/" in body and line.reference in body
        assert "is not a UK mobile number" in body
        assert "07700 900999" in body

    def test_nominal_search(self, clgt_officer, line):
        make_nominal("Casey", "Inventedname")
        body = clients.web(clgt_officer).get("/county-lines/nominal-search/", {"q": "invented"})
        assert "Casey Inventedname" in body.content.decode()
        body = clients.web(clgt_officer).get(
            "/county-lines/nominal-search/", {"q": "invented", "line": line.pk}
        )
        assert f"/county-lines/{line.pk}/nominals/" in body.content.decode()


class TestDetailPage:
    def test_detail_is_audited_and_shows_missing_evidence(self, line, clgt_officer):
        response = clients.web(clgt_officer).get(f"/county-lines/{line.pk}/")
        body = response.content.decode()
        assert "Definition evidence missing for" in body
        assert AuditEvent.objects.filter(
            action="view", object_type="countylines.countyline", object_id=str(line.pk)
        ).exists()
        assert 'data-testid="activate"' not in body  # only supervisors see the button

    def test_activate_refused_names_missing(self, line, supervisor):
        evidence_all(line, except_=("drug_supply",))
        response = clients.web(supervisor).post(f"/county-lines/{line.pk}/activate/")
        assert response.status_code == 400
        assert "definition evidence is missing for Drug supply" in response.content.decode()

    def test_activate_then_score_panel(self, line, supervisor):
        evidence_all(line)
        response = clients.web(supervisor).post(f"/county-lines/{line.pk}/activate/")
        assert response.status_code == 302
        line.refresh_from_db()
        assert line.status == LineStatus.ACTIVE
        body = clients.web(supervisor).get(f"/county-lines/{line.pk}/score/").content.decode()
        assert 'hx-trigger="every 2s"' in body  # stale: the panel polls until the worker is done
        CountyLine.objects.filter(pk=line.pk).update(score_stale_since=None)
        score = _score(line, total=9, rank=2)
        score.breakdown = [
            {
                "factor": "violence",
                "label": "Violence",
                "part": "threat",
                "level": 2,
                "level_label": "assault",
                "points": 3,
                "from_data": False,
                "records": [],
                "unscorable_records": [],
            }
        ]
        score.save()
        body = clients.web(supervisor).get(f"/county-lines/{line.pk}/score/").content.decode()
        assert "every 2s" not in body
        assert 'data-testid="score-rank">2' in body and "Violence" in body

    def test_flex_without_reason_shows_error(self, force, line, supervisor):
        response = clients.web(supervisor).post(
            f"/county-lines/{line.pk}/flex/",
            {"flex-division": force["divisions"]["east"].pk, "flex-reason": ""},
        )
        assert response.status_code == 400
        assert "Give the reason for the flex." in response.content.decode()
        response = clients.web(supervisor).post(
            f"/county-lines/{line.pk}/flex/",
            {"flex-division": force["divisions"]["central"].pk, "flex-reason": "Cross-force"},
        )
        assert response.status_code == 302
        body = clients.web(supervisor).get(f"/county-lines/{line.pk}/").content.decode()
        assert "flexed to Central" in body

    def test_dismantle_shows_days(self, line, clgt_officer):
        client = clients.web(clgt_officer)
        early = line.nominated_on - datetime.timedelta(days=3)
        response = client.post(
            f"/county-lines/{line.pk}/dismantle/",
            {"dismantle-date": early.isoformat(), "dismantle-reason": "x"},
        )
        assert response.status_code == 400
        assert "cannot be before the nomination" in response.content.decode()
        on = line.nominated_on + datetime.timedelta(days=12)
        client.post(
            f"/county-lines/{line.pk}/dismantle/",
            {"dismantle-date": on.isoformat(), "dismantle-reason": "Charged"},
        )
        body = client.get(f"/county-lines/{line.pk}/").content.decode()
        assert "dismantled 12 days after nomination" in body

    def test_deal_line_and_nominal_forms(self, line, clgt_officer):
        client = clients.web(clgt_officer)
        bad = client.post(f"/county-lines/{line.pk}/deal-lines/", {"number": "12"})
        assert bad.status_code == 400 and "not a UK mobile number" in bad.content.decode()
        assert (
            client.post(
                f"/county-lines/{line.pk}/deal-lines/", {"number": "07700 900888"}
            ).status_code
            == 302
        )
        nominal = make_nominal()
        assert (
            client.post(
                f"/county-lines/{line.pk}/nominals/", {"nominal": nominal.pk, "role": "runner"}
            ).status_code
            == 302
        )
        link = line.line_nominals.get()
        assert client.post(f"/county-lines/{line.pk}/nominals/{link.pk}/remove/").status_code == 302
        assert not line.line_nominals.exists()

    def test_edit_with_stale_version(self, force, line, clgt_officer):
        client = clients.web(clgt_officer)
        data = {
            "version": 1,
            "name": "BLAZE",
            "exporting_area": "Lewisham",
            "primary_district": force["districts"]["medway"].pk,
            "handsets_seized": 1,
        }
        assert client.post(f"/county-lines/{line.pk}/edit/", data).status_code == 302
        response = client.post(f"/county-lines/{line.pk}/edit/", data | {"exporting_area": "Brent"})
        assert (
            response.status_code == 400
            and "Someone else changed this record" in response.content.decode()
        )

    def test_history_shows_audit_only_to_auditing_roles(self, line, supervisor, clgt_officer):
        assert (
            'data-testid="audit-events"'
            in clients.web(supervisor).get(f"/county-lines/{line.pk}/history/").content.decode()
        )
        assert (
            'data-testid="audit-events"'
            not in clients.web(clgt_officer)
            .get(f"/county-lines/{line.pk}/history/")
            .content.decode()
        )

    def test_history_pages_audit_events_newest_first(self, line, supervisor):
        """A line's every view is audited: the history shows a page of its audit events at a
        time, newest first, and links to older and newer pages."""
        for n in range(PER_PAGE + 5):
            audit_record(
                actor=supervisor, action=AuditAction.VIEW, obj=line, reason=f"look {n:03d}"
            )
        client = clients.web(supervisor)

        def reasons(body: str) -> list[str]:
            return re.findall(r"look \d{3}", body)

        first = client.get(f"/county-lines/{line.pk}/history/").content.decode()
        newest = [f"look {n:03d}" for n in range(PER_PAGE + 4, 4, -1)]
        assert reasons(first) == newest
        assert 'href="?events=2" rel="next">Older events' in first and "Newer events" not in first

        second = client.get(f"/county-lines/{line.pk}/history/", {"events": "2"}).content.decode()
        assert reasons(second) == ["look 004", "look 003", "look 002", "look 001", "look 000"]
        assert 'href="?events=1" rel="prev">‹ Newer events' in second
        assert "Older events" not in second
        # Nonsense page numbers show the newest page.
        for bad in ("0", "-1", "x", "²", "99999999", "1" * 5000):
            body = client.get(f"/county-lines/{line.pk}/history/", {"events": bad}).content
            assert reasons(body.decode()) == newest

    def test_history_rows_escape_every_cell(self, line, supervisor):
        """The audit trail's rows are written in Python (countylines.tables): who, the details
        and the reason are escaped as the template escaped them, the time is local."""
        event = audit_record(
            actor=None,
            action=AuditAction.VIEW,
            obj=line,
            reason="<b>why</b> & how",
            actor_username="<i>x</i>",
        )
        when = dateformat.format(timezone.localtime(event.at), "j M Y, H:i")
        body = clients.web(supervisor).get(f"/county-lines/{line.pk}/history/").content.decode()
        assert (
            f"<tr><td>{when}</td><td>&lt;i&gt;x&lt;/i&gt;</td><td>Viewed</td><td></td>"
            "<td>&lt;b&gt;why&lt;/b&gt; &amp; how</td></tr>"
        ) in body


class TestListPage:
    def test_filters_csv_and_partial(self, force, line, supervisor):
        active = make_line(
            districts=[force["districts"]["thanet"]], name="VIPER", status=LineStatus.ACTIVE
        )
        _score(active)
        client = clients.web(supervisor)
        body = client.get("/county-lines/", {"division": "EAST"}).content.decode()
        assert "VIPER" in body and "BLAZE" not in body
        partial = client.get("/county-lines/", {"q": "blaze"}, headers={"HX-Request": "true"})
        assert "<html" not in partial.content.decode() and "BLAZE" in partial.content.decode()
        csv = client.get("/county-lines/", {"format": "csv", "status": "active"})
        content = b"".join(csv.streaming_content).decode()
        assert "VIPER" in content and "BLAZE" not in content
        assert AuditEvent.objects.filter(
            action="export", object_type="countylines.countyline"
        ).exists()


def test_home_panel_lists_nominations(line, supervisor, clgt_officer):
    evidence_all(line)
    body = clients.web(supervisor).get("/").content.decode()
    assert "County lines awaiting approval" in body and "ready for approval" in body
    assert line.reference in clients.web(clgt_officer).get("/").content.decode()


def test_htmx_partial_carries_the_filtered_csv_link(coordinator, line):
    partial = clients.web(coordinator).get("/county-lines/", {"q": "Line"}, HTTP_HX_REQUEST="true")
    content = partial.content.decode()
    assert "<html" not in content
    assert 'href="?q=Line&amp;format=csv" data-testid="csv-export"' in content


def test_list_rank_is_the_one_in_the_division_the_line_is_worked_in(force, coordinator):
    # A flexed line keeps its home division's ranking row; the list shows the flex division's.
    d = force["districts"]
    flexed = make_line(
        districts=[d["medway"]],
        name="FLEXY",
        status=LineStatus.ACTIVE,
        numbers=["07700900555"],
        flexed_division=force["divisions"]["west"],
    )
    score = _score(flexed, total=20, rank=2)
    Ranking.objects.create(
        subject_type="county_line",
        county_line=flexed,
        partition="NORTH",
        division=force["divisions"]["north"],
        force=force["divisions"]["north"].force,
        score=score,
        rank=31,
        top30=False,
        total=20,
    )
    body = clients.web(coordinator).get("/county-lines/").content.decode()
    start = body.index('data-label="Rank"')
    cell = body[start : body.index("</td>", start)]
    assert ">2 " in cell and "top 30" in cell and "31" not in cell
