"""OCG test data built straight through the ORM (fast); behaviour goes through services."""

from __future__ import annotations

import datetime
import itertools

from kentsoc.intel.choices import OcgCriterion
from kentsoc.intel.models import DefinitionEvidence, FactorClaim, IntelligenceRecord
from ocg.choices import MembershipRole, OcgStatus
from ocg.models import OCG, CriminalityType, Membership, Nominal

_names = itertools.count(1)


def make_nominal(
    first_name: str | None = None, last_name: str = "Testcase", date_of_birth=None
) -> Nominal:
    first_name = first_name or f"Person{next(_names)}"
    nominal = Nominal.objects.create(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth
    )
    nominal.reference = f"NOM-{nominal.pk:06d}"
    nominal.save(update_fields=["reference"])
    return nominal


def make_ocg(
    *,
    division,
    name: str = "The Harbour Crew",
    status: str = OcgStatus.NOMINATED,
    members: int = 2,
    criminality: tuple[str, ...] = ("drug_supply",),
    nominated_on: datetime.date | None = None,
    **extra,
) -> OCG:
    nominated_on = nominated_on or datetime.date.today() - datetime.timedelta(days=90)
    ocg = OCG.objects.create(
        name=name, division=division, status=status, nominated_on=nominated_on, **extra
    )
    ocg.reference = f"OCG-{ocg.pk:04d}"
    ocg.save(update_fields=["reference"])
    ocg.criminality.set(CriminalityType.objects.filter(code__in=criminality))
    for i in range(members):
        Membership.objects.create(
            ocg=ocg,
            nominal=make_nominal(),
            role=MembershipRole.PRINCIPAL if i == 0 else MembershipRole.MEMBER,
            from_date=nominated_on,
        )
    return ocg


def evidence_all(ocg: OCG, *, except_: tuple[str, ...] = (), by=None) -> None:
    for code in OcgCriterion.values:
        if code not in except_:
            DefinitionEvidence.objects.create(
                ocg=ocg, criterion=code, text=f"Evidence for {code}", created_by=by
            )


def make_record(*, ocgs=(), claims=(), grading: str = "1AP", days_ago: int = 5):
    record = IntelligenceRecord.objects.create(
        information_date=datetime.date.today() - datetime.timedelta(days=days_ago),
        summary="Fictional intelligence for tests",
        source_evaluation=grading[0],
        intelligence_assessment=grading[1],
        handling_code=grading[2],
        handling_conditions="Owner only" if grading[2] == "C" else "",
    )
    record.reference = f"INT-{record.pk:06d}"
    record.save(update_fields=["reference"])
    record.ocgs.set(ocgs)
    for factor, level in claims:
        FactorClaim.objects.create(record=record, factor=factor, level=level)
    return record
