"""Factories for the organisation: shared by every app's tests. Apps keep their own factories in
tests/<app>/factories.py and build on these."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kentsoc.org.choices import Rank, Role, TeamKind
from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.roles import group_name

TEST_PASSWORD = "correct-horse-battery-9"


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ["code"]

    code = "KS"
    name = "Kent-shire Constabulary (fictional)"


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ["code"]

    force = factory.SubFactory(ForceFactory)
    code = factory.Sequence(lambda n: f"DIV{n}")
    is_central = False
    name = factory.LazyAttribute(lambda o: o.code.title())


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    division = factory.SubFactory(DivisionFactory)
    code = factory.Sequence(lambda n: f"DST{n}")
    name = factory.LazyAttribute(lambda o: f"District {o.code}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"TEAM{n}")
    name = factory.LazyAttribute(lambda o: f"Team {o.code}")
    kind = TeamKind.SOC
    division = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Testperson{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OfficerFactory(factory.django.DjangoModelFactory):
    """An officer with a user, a team and a role; the user joins the role's group."""

    class Meta:
        model = Officer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    collar_number = factory.Sequence(lambda n: f"{10000 + n}")
    rank = Rank.DC
    role = Role.ANALYST
    team = factory.SubFactory(TeamFactory)
    division = None

    @factory.post_generation
    def _group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=group_name(obj.role))
            obj.user.groups.add(group)
