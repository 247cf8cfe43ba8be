"""The hooks other apps plug into leads are checked when the site starts, not at erasure."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from assessment.admin import LeadSubmissionInline
from assessment.services import submissions_erase
from leads import hooks
from leads.checks import hooks_registered


def test_the_shipped_site_registers_every_hook_with_the_right_shape():
    assert hooks_registered() == []
    assert submissions_erase in hooks.PERSONAL_DATA_ERASERS.registered()
    assert LeadSubmissionInline in hooks.LEAD_ADMIN_INLINES.registered()
    for point in hooks.HOOK_POINTS:
        # Optional points (the calls app's call status) may wait for the app that fills them.
        assert point.registered() or not point.required, point.name


@pytest.mark.django_db
def test_a_missing_hook_stops_the_site_at_startup():
    with hooks.PERSONAL_DATA_ERASERS.replaced([]), pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "nothing is registered for personal_data_erasers" in str(raised.value)
    assert "leads.E001" in str(raised.value)


def erase_without_the_lead():
    """Mistaken shape: leads calls erasers with lead=."""


def preview_samples(lead, extra):
    """Mistaken shape: a second argument leads never passes."""


class NotAnInline(admin.ModelAdmin):
    pass


def test_a_hook_with_the_wrong_shape_is_an_error_that_names_it():
    with (
        hooks.PERSONAL_DATA_ERASERS.replaced([erase_without_the_lead]),
        hooks.EMAIL_PREVIEW_SAMPLES.replaced([preview_samples]),
        hooks.LEAD_ADMIN_INLINES.replaced([NotAnInline]),
        hooks.SEGMENT_CHOICES.replaced([list, dict]),
    ):
        errors = hooks_registered()
    messages = "\n".join(error.msg for error in errors)
    assert {error.id for error in errors} == {"leads.E001"}
    assert "erase_without_the_lead is registered for personal_data_erasers" in messages
    assert "can't be called with lead=" in messages
    assert "preview_samples is registered for email_preview_samples" in messages
    assert "NotAnInline is registered for lead_admin_inlines but is not a" in messages
    assert "segment_choices takes one registration, found 2" in messages


def test_registering_twice_is_harmless():
    before = hooks.PERSONAL_DATA_ERASERS.registered()
    hooks.PERSONAL_DATA_ERASERS.register(submissions_erase)
    assert hooks.PERSONAL_DATA_ERASERS.registered() == before
