"""The one versioned-update helper: lock, check the version loaded, apply, bump, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import lock_versioned, versioned_save
from ocg.models import Nominal
from tests.factories import ForceFactory


@pytest.fixture
def nominal(db):
    return Nominal.objects.create(force=ForceFactory(), first_name="Fictional", last_name="Person")


def test_the_current_version_locks_and_returns_the_row(nominal):
    assert lock_versioned(Nominal, nominal.pk, version=1) == nominal
    assert lock_versioned(Nominal.objects.filter(last_name="Person"), nominal.pk, version=None)


def test_a_stale_version_is_one_message_on_version(nominal):
    Nominal.objects.filter(pk=nominal.pk).update(version=3)
    with pytest.raises(ValidationError) as caught:
        lock_versioned(Nominal, nominal.pk, version=2)
    assert caught.value.message_dict == {
        "version": [
            "Someone else changed this record while you were editing it (it is now at version 3). "
            "Your changes were not saved: reload it to see theirs, then make your changes again."
        ]
    }


def test_a_required_version_must_be_sent_and_be_a_number(nominal):
    with pytest.raises(ValidationError) as caught:
        lock_versioned(Nominal, nominal.pk, version=None, required=True)
    assert list(caught.value.message_dict) == ["version"]
    # The edge reads the number; a service handed text is a programming error, not a stale save.
    with pytest.raises(TypeError):
        lock_versioned(Nominal, nominal.pk, version="1")
    with pytest.raises(TypeError):
        lock_versioned(Nominal, nominal.pk, version=True)


def test_save_applies_bumps_and_audits_only_what_changed(nominal, coordinator):
    diff = versioned_save(
        actor=coordinator,
        obj=nominal,
        values={"first_name": "Fictional", "aliases": "Fizz"},
        context={"ocg": 7},
        reason="Fictional reason",
    )
    assert diff == {"aliases": ["", "Fizz"]}
    nominal.refresh_from_db()
    assert (nominal.aliases, nominal.version) == ("Fizz", 2)
    event = AuditEvent.objects.get(object_id=str(nominal.pk), action="update")
    assert event.changes == {"ocg": 7, "aliases": ["", "Fizz"]}
    assert event.reason == "Fictional reason"


def test_nothing_changed_writes_nothing(nominal, coordinator):
    assert versioned_save(actor=coordinator, obj=nominal, values={"last_name": "Person"}) == {}
    nominal.refresh_from_db()
    assert nominal.version == 1
    assert not AuditEvent.objects.filter(action="update").exists()


def test_changes_the_values_cannot_show_count_as_a_change(nominal, coordinator):
    diff = versioned_save(
        actor=coordinator, obj=nominal, values={}, changes={"criminality": [["a"], ["b"]]}
    )
    assert diff == {"criminality": [["a"], ["b"]]}
    nominal.refresh_from_db()
    assert nominal.version == 2
