"""The gated whitepaper: a signed link that expires, friendly pages when it doesn't work,
and a fresh link by email that never tells who took the quiz."""

import pytest
from django.core import signing
from django.test import Client

from assessment.links import DOWNLOAD_SALT, download_path
from assessment.models import Download, Submission
from leads.models import OutboundEmail
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.factories import SignedDaysAgo, make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz(questions=2, whitepaper=make_whitepaper(slug="dont-blow-it"))


@pytest.fixture
def submission(client, quiz) -> Submission:
    answer_all(client, quiz)
    client.post(details_url(quiz), DETAILS)
    return Submission.objects.get()


def _link(quiz, submission_id: int) -> str:
    return download_path(slug=quiz.slug, submission_id=submission_id)


def test_a_valid_link_streams_the_pdf_privately_and_is_recorded(quiz, submission):
    response = Client().get(_link(quiz, submission.pk))  # any browser: the link is the key
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert response["Content-Length"] == str(len(body))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dont-blow-it.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    download = Download.objects.get()
    assert download.submission == submission


def test_head_does_not_count_as_a_download(quiz, submission):
    response = Client().head(_link(quiz, submission.pk))
    assert response.status_code == 200
    assert response["Content-Length"] == str(quiz.whitepaper.file.size)
    assert not Download.objects.exists()


def test_the_result_page_link_works(client, quiz, submission):
    html = client.get(f"/assessment/{quiz.slug}/result/").content.decode()
    link = html.split(f'href="/assessment/{quiz.slug}/download/')[1].split('"')[0]
    response = client.get(f"/assessment/{quiz.slug}/download/{link}")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"


def test_a_tampered_link_gets_a_friendly_403_with_a_fresh_link_form(quiz, submission):
    token = _link(quiz, submission.pk).split("/")[-2]
    forged = signing.dumps(submission.pk + 1, salt=DOWNLOAD_SALT).split(":")[0]
    for bad in (
        token[:-2] + "xx",
        forged + ":" + token.split(":", 1)[1],
        token.split(":")[0] + ":",
    ):
        response = Client().get(f"/assessment/{quiz.slug}/download/{bad}/")
        html = response.content.decode()
        assert response.status_code == 403, bad
        assert "This download link doesn" in html
        assert f'action="/assessment/{quiz.slug}/new-link/"' in html
        assert "csrfmiddlewaretoken" in html and 'name="email"' in html
        assert response["Cache-Control"] == "private, no-store"
    assert not Download.objects.exists()


def test_a_link_signed_for_something_else_is_refused(quiz, submission):
    unsubscribe_token = signing.dumps(submission.pk, salt="leads.unsubscribe")
    response = Client().get(f"/assessment/{quiz.slug}/download/{unsubscribe_token}/")
    assert response.status_code == 403


def test_an_expired_link_gets_a_friendly_410_with_a_fresh_link_form(quiz, submission, settings):
    settings.WHITEPAPER_LINK_MAX_AGE_DAYS = 7
    old = SignedDaysAgo(salt=DOWNLOAD_SALT, days=8).sign_object(submission.pk)
    response = Client().get(f"/assessment/{quiz.slug}/download/{old}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "This download link has expired" in html and 'name="email"' in html
    recent = SignedDaysAgo(salt=DOWNLOAD_SALT, days=6).sign_object(submission.pk)
    assert Client().get(f"/assessment/{quiz.slug}/download/{recent}/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/assessment/{slug}/download/{pk}/",
        "/assessment/{slug}/download/dont-blow-it.pdf/",
        "/private/whitepapers/dont-blow-it.pdf",
        "/media/whitepapers/dont-blow-it.pdf",
        "/assessment/{slug}/whitepapers/dont-blow-it.pdf",
        "/assessment/no-such-quiz/download/{token}/",
    ],
)
def test_guessing_a_path_or_an_id_is_not_found(quiz, submission, path):
    token = _link(quiz, submission.pk).split("/")[-2]
    url = path.format(slug=quiz.slug, pk=submission.pk, token=token)
    assert Client().get(url).status_code == 404
    assert not Download.objects.exists()


def test_a_genuine_link_to_a_submission_that_is_gone_is_not_found(quiz, submission):
    link = _link(quiz, submission.pk)
    submission.delete()
    assert Client().get(link).status_code == 404


def test_a_link_for_another_quiz_is_not_found(quiz, submission):
    other = make_quiz(questions=1, whitepaper=make_whitepaper())
    token = _link(quiz, submission.pk).split("/")[-2]
    assert Client().get(f"/assessment/{other.slug}/download/{token}/").status_code == 404


def test_a_missing_file_is_not_found_not_a_500(quiz, submission):
    whitepaper = quiz.whitepaper
    whitepaper.file.storage.delete(whitepaper.file.name)
    assert Client().get(_link(quiz, submission.pk)).status_code == 404


def _fresh_links():
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.FRESH_LINK)


def test_a_fresh_link_goes_to_someone_who_took_the_quiz(quiz, submission):
    response = Client().post(f"/assessment/{quiz.slug}/new-link/", {"email": "SAM@example.com"})
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    email = _fresh_links().get()
    assert email.to_email == "sam@example.com"
    link = email.text_body.split("https://careers.example.com")[1].split()[0]
    assert link.startswith(f"/assessment/{quiz.slug}/download/")
    assert Client().get(link).status_code == 200


def test_the_fresh_link_answer_is_the_same_for_a_stranger(quiz, submission):
    known = Client().post(f"/assessment/{quiz.slug}/new-link/", {"email": "sam@example.com"})
    unknown = Client().post(f"/assessment/{quiz.slug}/new-link/", {"email": "kim@example.com"})
    assert known.status_code == unknown.status_code == 200

    def words(response, address):
        return response.content.decode().replace(address, "ADDRESS").split("csrfmiddleware")[0]

    assert words(known, "sam@example.com") == words(unknown, "kim@example.com")
    assert _fresh_links().count() == 1


def test_asking_again_within_the_hour_sends_no_second_email(quiz, submission):
    for _ in range(3):
        Client().post(f"/assessment/{quiz.slug}/new-link/", {"email": "sam@example.com"})
    assert _fresh_links().count() == 1


def test_the_fresh_link_form_checks_the_address_and_needs_csrf(quiz, submission):
    response = Client().post(f"/assessment/{quiz.slug}/new-link/", {"email": "nope"})
    assert response.status_code == 200 and 'href="#id_email"' in response.content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(f"/assessment/{quiz.slug}/new-link/", {"email": "sam@example.com"}).status_code
        == 403
    )
    assert not _fresh_links().exists()
    assert Client().get(f"/assessment/{quiz.slug}/new-link/").status_code == 200
