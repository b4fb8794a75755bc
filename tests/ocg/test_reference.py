"""Reference data survives a flush: post_migrate puts the criminality types back."""

from django.core.management.sql import emit_post_migrate_signal

from ocg.choices import Criminality
from ocg.models import CriminalityType


def test_post_migrate_restores_criminality_types(db):
    CriminalityType.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert dict(CriminalityType.objects.values_list("code", "label")) == dict(Criminality.choices)
