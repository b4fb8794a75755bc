"""Factories for lifetime-management tests: people, OCGs and memberships (fictional)."""

import datetime

import factory

from ocg.choices import MembershipRole, OcgStatus
from ocg.models import OCG, Membership, Nominal


class NominalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nominal

    reference = factory.Sequence(lambda n: f"NOM-L{n:04d}")
    first_name = "Jordan"
    last_name = factory.Sequence(lambda n: f"Fictional{n}")
    date_of_birth = datetime.date(1990, 5, 17)


class OcgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OCG

    reference = factory.Sequence(lambda n: f"OCG-L{n:04d}")
    name = factory.Sequence(lambda n: f"Invented Crew {n}")
    status = OcgStatus.MAPPED
    nominated_on = datetime.date(2024, 1, 10)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    ocg = factory.SubFactory(OcgFactory)
    nominal = factory.SubFactory(NominalFactory)
    role = MembershipRole.MEMBER
