"""The starter follow-up sequence: loaded once, never duplicated, never over staff edits."""

import pytest
from django.core.management import call_command

from assessment.segments import segment_choices
from leads.models import FollowUpStep

pytestmark = pytest.mark.django_db


def test_initial_content_loads_three_steps_once_and_keeps_staff_edits():
    call_command("load_initial_content", verbosity=0)
    steps = list(FollowUpStep.objects.order_by("order"))
    assert [step.delay_days for step in steps] == [2, 7, 14]
    assert "leadership" in steps[0].subject.lower()
    assert "confidential" in steps[2].subject.lower()
    assert all(step.is_active and len(step.body) > 300 for step in steps)

    FollowUpStep.objects.filter(pk=steps[0].pk).update(subject="Edited by staff")
    steps[1].delete()
    call_command("load_initial_content", verbosity=0)
    assert FollowUpStep.objects.count() == 2
    assert FollowUpStep.objects.get(pk=steps[0].pk).subject == "Edited by staff"


def test_step_audiences_are_real_results_of_the_initial_quiz():
    call_command("load_initial_content", verbosity=0)
    results = {value for value, _ in segment_choices()}
    assert results == {"Job focused", "Between the two", "Career focused"}
    for step in FollowUpStep.objects.all():
        assert set(step.segments) <= results
