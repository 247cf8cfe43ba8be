"""The hooks other apps plug into leads are checked when the site starts, not at erasure."""

from leads.checks import hooks_import


def test_the_shipped_hooks_all_import():
    assert hooks_import() == []


def test_a_mistyped_hook_is_an_error_at_startup(settings):
    settings.LEADS_PERSONAL_DATA_ERASERS = ["assessment.services.submission_erase"]
    settings.LEADS_SEGMENT_CHOICES = "assessment.nowhere.segment_choices"
    errors = hooks_import()
    assert [error.id for error in errors] == ["leads.E001", "leads.E001"]
    assert "LEADS_SEGMENT_CHOICES" in errors[0].msg
    assert "'assessment.services.submission_erase'" in errors[1].msg
