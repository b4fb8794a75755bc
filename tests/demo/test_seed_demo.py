import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from kentsoc.demo import matrix as matrix_demo
from kentsoc.demo import ocg as ocg_demo
from kentsoc.demo.management.commands import seed_demo
from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.roles import group_name
from tests.demo import demo_probe

pytestmark = pytest.mark.django_db

ROLE_PREFIXES = {
    "coordinator": Role.COORDINATOR,
    "researcher": Role.RESEARCHER,
    "lro": Role.LRO,
    "clgt": Role.CLGT_OFFICER,
    "clio": Role.CLIO,
    "supervisor": Role.SUPERVISOR,
    "analyst": Role.ANALYST,
    "auditor": Role.AUDITOR,
}


@pytest.fixture
def only_probe(monkeypatch):
    """Run the command with one stand-in app module instead of every app's (slow) demo data."""
    demo_probe.calls.clear()
    monkeypatch.setattr(seed_demo, "DEMO_MODULES", [demo_probe])
    return demo_probe.calls


def _seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Force, Division, District, Team, Officer, get_user_model())
    }


def test_seed_builds_the_fictional_force(only_probe, settings):
    settings.DEBUG = True
    _seed()
    force = Force.objects.get()
    assert force.name == "Kent-shire Constabulary (fictional)"
    by_division = {
        d.code: sorted(d.districts.values_list("name", flat=True)) for d in Division.objects.all()
    }
    assert by_division == {
        "NORTH": ["Dartford", "Gravesham", "Medway", "Swale"],
        "EAST": ["Ashford", "Canterbury", "Dover", "Folkestone & Hythe", "Thanet"],
        "WEST": ["Maidstone", "Sevenoaks", "Tonbridge & Malling", "Tunbridge Wells"],
        "CENTRAL": [],
    }
    assert Division.objects.get(code="CENTRAL").is_central
    kinds = set(Team.objects.values_list("kind", flat=True))
    assert kinds == set(TeamKind.values)
    for division in ("NORTH", "EAST", "WEST"):
        assert Team.objects.filter(kind=TeamKind.CLGT, division__code=division).count() == 1
        assert (
            Team.objects.filter(kind=TeamKind.DIVISION_LOCAL, division__code=division).count() == 1
        )


def test_one_user_per_role_per_division_in_the_role_group(only_probe, settings):
    settings.DEBUG = True
    _seed()
    for division in ("north", "east", "west"):
        for prefix, role in ROLE_PREFIXES.items():
            officer = Officer.objects.select_related("user", "division").get(
                user__username=f"{prefix}.{division}"
            )
            assert officer.role == role
            assert officer.division.code == division.upper()
            assert list(officer.user.groups.values_list("name", flat=True)) == [group_name(role)]
            assert officer.user.check_password("demo-password-123")
    # The demo administrator: an officer with the Administrator role, staff for /admin/ by that
    # role, never a superuser (superuser status would grant nothing anyway).
    admin = Officer.objects.select_related("user", "team").get(user__username="admin")
    assert admin.role == Role.ADMINISTRATOR and admin.team.kind == TeamKind.ADMINISTRATION
    assert admin.user.is_staff and not admin.user.is_superuser
    assert not admin.must_change_password
    assert list(admin.user.groups.values_list("name", flat=True)) == [
        group_name(Role.ADMINISTRATOR)
    ]
    assert Officer.objects.get(user__username="clgt.central").team.kind == TeamKind.CENTRAL_CLGT


def test_second_run_changes_nothing_and_duplicates_nothing(only_probe, settings):
    settings.DEBUG = True
    _seed()
    first = _counts()
    groups = {g.name: g.user_set.count() for g in Group.objects.all()}
    _seed()
    assert _counts() == first
    assert {g.name: g.user_set.count() for g in Group.objects.all()} == groups
    assert first["Officer"] == 30  # 29 case officers and the administrator


def test_staffing_is_the_seeds(only_probe, settings):
    """The OCGMU: its coordinators (two, and the third appointed after the interview the seed
    mentions, one per division), four Research & Development constables and a Detective
    Sergeant supervising the unit; the divisional CLGTs: five CLIOs and a CLIO coordinator."""
    settings.DEBUG = True
    _seed()
    ocgmu = Officer.objects.filter(team__kind=TeamKind.OCGMU)
    assert ocgmu.filter(role=Role.COORDINATOR).count() == 3
    assert ocgmu.filter(role=Role.RESEARCHER, rank=Rank.PC).count() == 4
    assert list(ocgmu.filter(role=Role.SUPERVISOR).values_list("rank", flat=True)) == [Rank.DS]
    clios = Officer.objects.filter(role=Role.CLIO)
    coordinator = clios.get(user__username="clio.coordinator")
    assert coordinator.division is None and coordinator.rank == Rank.PS
    divisional = clios.exclude(pk=coordinator.pk)
    assert divisional.count() == 5
    assert all(o.team.kind == TeamKind.CLGT for o in divisional.select_related("team"))


def test_demo_passwords_unusable_when_debug_is_off(only_probe, settings):
    settings.DEBUG = True
    _seed()
    settings.DEBUG = False
    output = _seed()
    users = get_user_model().objects.filter(username__in=["coordinator.north", "admin"])
    assert len(users) == 2
    for user in users:
        assert not user.has_usable_password()
        assert not user.check_password("demo-password-123")
    assert "unusable passwords" in output
    assert "demo-password-123" not in output


def test_runs_each_app_demo_in_order_with_the_story_end(only_probe, settings):
    settings.DEBUG = True
    output = _seed("--story-end", "2022-10-31")
    assert only_probe == [("probe", datetime.date(2022, 10, 31))]
    assert "probe seeded" in output
    # The logins table comes last, with the password while DEBUG is on.
    assert output.index("probe seeded") < output.index("Demo logins")
    assert "coordinator.north" in output and "demo-password-123" in output


def test_story_end_must_be_a_date(only_probe):
    with pytest.raises(CommandError, match="--story-end must be a date"):
        _seed("--story-end", "31/10/2022")
    assert Force.objects.count() == 0


def test_default_modules_are_the_apps_demo_modules():
    assert seed_demo.DEMO_MODULES[0] is ocg_demo
    assert seed_demo.DEMO_MODULES[-1] is matrix_demo
