"""GDPR through the lead admin: a person's quiz data is in their export, and erasing them
removes where they came from but keeps their answers and scores for the statistics."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from assessment.links import download_path
from assessment.models import Answer, Download, Submission
from leads.models import Lead
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db

CAMPAIGN = "?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=ana-smith"


@pytest.fixture
def taken():
    """Ana arrived from a campaign link, took the quiz and downloaded the whitepaper."""
    quiz = make_quiz(questions=4, title="Career or job?", whitepaper=make_whitepaper())
    visitor = Client()
    visitor.get(f"/assessment/{quiz.slug}/{CAMPAIGN}")
    visitor.post(
        f"/assessment/{quiz.slug}/",
        {
            "referrer": "https://mail.example.net/inbox/ana.smith",
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": "spring",
            "utm_term": "ana-smith",
        },
    )
    answer_all(visitor, quiz)
    visitor.post(details_url(quiz), DETAILS | {"email": "ana@example.com", "first_name": "Ana"})
    submission = Submission.objects.get()
    Client().get(download_path(slug=quiz.slug, submission_id=submission.pk))
    return submission


def _act(client, action: str, lead: Lead, **extra):
    return client.post(
        "/admin/leads/lead/", {"action": action, "_selected_action": [lead.pk], **extra}
    )


def test_the_export_has_every_submission_with_answers_scores_source_and_downloads(
    admin_client, taken
):
    response = _act(admin_client, "export_personal_data", taken.lead)
    data = json.loads(response.content)

    assert data["lead"]["email"] == "ana@example.com"
    [submission] = data["assessment_submissions"]
    assert submission["assessment"] == "Career or job?"
    assert submission["band_title"] == taken.band_title != ""
    assert submission["total_score"] == taken.total_score
    assert submission["trait_scores"] == taken.trait_scores
    assert submission["started_at"] and submission["finished_at"]
    assert submission["referrer"] == "https://mail.example.net/inbox/ana.smith"
    assert (submission["utm_source"], submission["utm_term"]) == ("newsletter", "ana-smith")
    assert [a["question_text"] for a in submission["answers"]] == list(
        taken.answers.values_list("question_text", flat=True)
    )
    assert submission["answers"][0]["choice_label"] == "Agree"
    assert len(submission["whitepaper_downloads"]) == 1


def test_erasing_removes_the_source_and_keeps_answers_scores_and_band(admin_client, taken):
    response = _act(admin_client, "erase_personal_data", taken.lead, confirm="yes")
    assert response.status_code == 302

    submission = Submission.objects.get()
    source = [
        submission.landing_path,
        submission.landing_title,
        submission.referrer,
        submission.utm_source,
        submission.utm_medium,
        submission.utm_campaign,
        submission.utm_term,
        submission.utm_content,
    ]
    assert source == [""] * 8
    assert (submission.band_title, submission.total_score) == (
        taken.band_title,
        taken.total_score,
    )
    assert Answer.objects.filter(submission=submission).count() == 4
    assert Download.objects.filter(submission=submission).count() == 1
    assert Submission.objects.filter(band_title=taken.band_title).count() == 1  # still counted
    exported = json.loads(_act(admin_client, "export_personal_data", taken.lead).content)
    assert "ana" not in json.dumps(exported).lower()


def test_staff_who_are_not_superusers_can_neither_export_nor_erase(client, taken):
    recruiter = Lead._meta.apps.get_model("auth", "User").objects.create_user(
        username="rita", password="x", is_staff=True
    )
    recruiter.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["leads", "assessment"])
    )
    client.force_login(recruiter)
    for action in ("export_personal_data", "erase_personal_data"):
        response = _act(client, action, taken.lead, confirm="yes")
        assert response.get("Content-Disposition") is None
        assert "assessment_submissions" not in response.content.decode()
    submission = Submission.objects.get()
    assert submission.referrer == "https://mail.example.net/inbox/ana.smith"
    assert Lead.objects.get().erased_at is None
