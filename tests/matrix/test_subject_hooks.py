"""How the subjects below the matrix reach it without importing it: hooks the matrix provides, and
the rescore task sent by name."""

from __future__ import annotations

import pytest
from celery import current_app
from django.core.exceptions import ImproperlyConfigured

from countylines import scores as line_scores
from kentsoc import broker
from kentsoc.web.hooks import Hook
from ocg import scores as ocg_scores


@pytest.mark.parametrize("module", [ocg_scores, line_scores], ids=["ocg", "countylines"])
def test_the_matrix_provides_every_score_hook_the_subjects_declare(module):
    hooks = [value for value in vars(module).values() if isinstance(value, Hook)]
    assert hooks
    for hook in hooks:
        assert hook.provided, f"{hook.name} has no provider"


def test_a_hook_nothing_provides_says_so():
    with pytest.raises(ImproperlyConfigured, match="kentsoc.test.nothing"):
        Hook("kentsoc.test.nothing")()


def test_the_rescore_task_is_registered_under_the_name_subjects_send():
    assert broker.RESCORE_TASK in current_app.tasks


def test_a_task_this_process_has_not_loaded_goes_to_the_broker_by_name(monkeypatch):
    sent = []
    monkeypatch.setattr(
        current_app, "send_task", lambda name, kwargs: sent.append((name, kwargs)), raising=False
    )
    assert broker.send("kentsoc.elsewhere.tasks.not_here", subject_id=3) is True
    assert sent == [("kentsoc.elsewhere.tasks.not_here", {"subject_id": 3})]
