from kentsoc.org.models import Division
from ocg.models import OCG


def test_reference_data_needs_a_role(force, outsider, analyst):
    assert Division.objects.visible_to(outsider).count() == 0
    assert Division.objects.visible_to(analyst).count() == 4


def test_case_records_deny_without_role(force, outsider, auditor):
    assert OCG.objects.visible_to(outsider).query.is_empty()
    assert OCG.objects.visible_to(auditor).query.is_empty()
