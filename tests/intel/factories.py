"""Subjects and records for the intelligence tests (fictional data only)."""

import datetime

import factory
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from ocg.models import OCG, Membership, Nominal
from tests.factories import DivisionFactory


class OcgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OCG

    reference = factory.Sequence(lambda n: f"OCG-{9000 + n}")
    name = factory.Sequence(lambda n: f"Harbour Crew {n}")
    division = factory.SubFactory(DivisionFactory, code="NORTH", name="North")
    nominated_on = datetime.date(2026, 1, 5)


class CountyLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountyLine

    reference = factory.Sequence(lambda n: f"CL-{9000 + n}")
    name = factory.Sequence(lambda n: f"BLAZE{n}")
    exporting_area = "Lambeth"
    division = factory.SubFactory(DivisionFactory, code="NORTH", name="North")
    nominated_on = datetime.date(2026, 1, 5)


class NominalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nominal

    reference = factory.Sequence(lambda n: f"N-{90000 + n}")
    first_name = "Jordan"
    last_name = factory.Sequence(lambda n: f"Fictional{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    ocg = factory.SubFactory(OcgFactory)
    nominal = factory.SubFactory(NominalFactory)
    role = "member"


class RecordFactory(factory.django.DjangoModelFactory):
    """A bare record written straight to the table (services are tested on their own)."""

    class Meta:
        model = IntelligenceRecord
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"INT-T{n:05d}")
    information_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(3))
    summary = "Fictional: the group stores cash at a lock-up."
    source_evaluation = "1"
    intelligence_assessment = "A"
    handling_code = "P"

    @factory.post_generation
    def ocgs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.ocgs.set(extracted)

    @factory.post_generation
    def county_lines(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.county_lines.set(extracted)

    @factory.post_generation
    def nominals(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.nominals.set(extracted)

    @factory.post_generation
    def claims(obj, create, extracted, **kwargs):
        if create and extracted:
            FactorClaim.objects.bulk_create(
                FactorClaim(record=obj, factor=f, level=lv) for f, lv in extracted.items()
            )
