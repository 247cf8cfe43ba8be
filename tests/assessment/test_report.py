"""The personal report: a PDF made for one submission, behind the same signed, expiring
link rules as the whitepaper, made once and kept privately, read back here with pypdf."""

import io
import re

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from assessment import services
from assessment.advice import SIGN_NAMES, weak_traits
from assessment.exports import submissions_personal_data
from assessment.initial_content import ASSESSMENT_SLUG
from assessment.links import DOWNLOAD_SALT, REPORT_SALT, report_path
from assessment.models import Assessment, Download, Submission
from leads.models import OutboundEmail
from leads.services import lead_erase
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import SignedDaysAgo, make_quiz

pytestmark = pytest.mark.django_db

NAME = "Zoë Ørsted-Nuñez"
SEED_ARTICLE = "/articles/are-you-career-or-job-focused/"


@pytest.fixture
def quiz(settings) -> Assessment:
    settings.FIRM_PHONE = "+1 303 555 0142"
    settings.FIRM_CONTACT_EMAIL = "talk@careers.example.com"
    call_command("load_initial_content", stdout=io.StringIO())
    return Assessment.objects.get(slug=ASSESSMENT_SLUG)


@pytest.fixture
def submission(client, quiz) -> Submission:
    answer_all(client, quiz, value=4)  # agrees with everything: the job-focused signs lag
    client.post(details_url(quiz), DETAILS | {"first_name": NAME})
    return Submission.objects.get()


def report_link_on_result_page(client, quiz) -> str:
    html = client.get(result_url(quiz)).content.decode()
    match = re.search(rf'href="(/assessment/{quiz.slug}/report/[^"]+)"', html)
    assert match, "the result page links to the report"
    return match.group(1)


def fetch(path: str, client: Client | None = None):
    return (client or Client()).get(path)


def pdf_of(response) -> bytes:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    return body


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def links_of(reader: PdfReader) -> list[str]:
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]


def test_the_report_holds_the_name_date_band_signs_plan_and_the_firm(client, quiz, submission):
    response = fetch(report_link_on_result_page(client, quiz))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="career-focus-report.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    reader = PdfReader(io.BytesIO(pdf_of(response)))
    text = text_of(reader)

    assert len(reader.pages) == 2
    assert "Your career-focus report" in text
    assert f"Prepared for {NAME}" in text  # the accents, as typed
    taken = date_format(timezone.localtime(submission.finished_at), "F j, Y")
    assert f"Taken on {taken}" in text
    assert f"Your result: {submission.band_title}" in text
    assert submission.band.summary[:40] in text
    assert f"You scored {submission.total_score} out of {submission.highest_score}" in text
    for name in SIGN_NAMES.values():
        assert name in text
    weak = weak_traits(submission.trait_scores, submission.weakest_trait)
    assert len(weak) == 4
    for number, trait in enumerate(weak, start=1):
        assert f"{number}. {trait.name}" in text
        assert " ".join(trait.next_step.split()[:6]) in " ".join(text.split())
    assert "talk@careers.example.com" in text and "+1 303 555 0142" in text
    assert "Solar Talent Partners" in text

    links = links_of(reader)
    assert links.count("https://careers.example.com" + SEED_ARTICLE) == 4  # one per weak sign
    assert "mailto:talk@careers.example.com" in links
    assert "tel:+13035550142" in links
    assert "https://careers.example.com/contact/" in links
    # The name is in the page, not in the file's metadata.
    assert NAME not in str(reader.metadata)


def test_the_fonts_are_embedded(client, quiz, submission):
    reader = PdfReader(io.BytesIO(pdf_of(fetch(report_link_on_result_page(client, quiz)))))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descendant["/FontDescriptor"]
    assert fonts and all(fonts.values()), fonts
    assert all("DejaVu" in name for name in fonts)


def test_the_report_is_made_once_and_kept_privately(client, quiz, submission, settings):
    link = report_link_on_result_page(client, quiz)
    first = pdf_of(fetch(link))
    second = pdf_of(fetch(link))
    assert first == second  # the same file, not made again
    submission.refresh_from_db()
    assert submission.report.name.startswith("reports/report-")
    stored = list((settings.PRIVATE_MEDIA_ROOT / "reports").iterdir())
    assert [p.read_bytes() for p in stored] == [first]
    assert not Download.objects.exists()  # whitepaper downloads are counted, not this


def test_a_lost_file_is_made_again(client, quiz, submission, settings):
    link = report_link_on_result_page(client, quiz)
    pdf_of(fetch(link))
    for stored in (settings.PRIVATE_MEDIA_ROOT / "reports").iterdir():
        stored.unlink()
    assert PdfReader(io.BytesIO(pdf_of(fetch(link)))).pages


def test_head_answers_without_a_body(client, quiz, submission):
    response = Client().head(report_link_on_result_page(client, quiz))
    assert response.status_code == 200
    assert int(response["Content-Length"]) > 10_000


def test_the_whitepaper_stays_a_separate_download(client, quiz, submission):
    html = client.get(result_url(quiz)).content.decode()
    whitepaper = re.search(rf'href="(/assessment/{quiz.slug}/download/[^"]+)"', html).group(1)
    body = pdf_of(fetch(whitepaper))
    assert "Don't Blow It" in text_of(PdfReader(io.BytesIO(body)))
    # Neither link opens the other file: each is signed for its own.
    report_token = report_link_on_result_page(client, quiz).split("/")[-2]
    assert fetch(f"/assessment/{quiz.slug}/download/{report_token}/").status_code == 403
    whitepaper_token = whitepaper.split("/")[-2]
    assert fetch(f"/assessment/{quiz.slug}/report/{whitepaper_token}/").status_code == 403


def test_the_result_email_links_to_the_report(client, quiz, submission):
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.RESULT)
    link = re.search(r"https://careers\.example\.com(/assessment/\S+/report/\S+/)", email.text_body)
    assert link, email.text_body
    assert link.group(1) in email.html_body
    assert "Your career-focus report (PDF)" in email.html_body
    assert NAME in text_of(PdfReader(io.BytesIO(pdf_of(fetch(link.group(1))))))


def test_a_tampered_link_gets_a_friendly_403(client, quiz, submission):
    token = report_link_on_result_page(client, quiz).split("/")[-2]
    for bad in (token[:-2] + "xx", token.split(":")[0] + ":"):
        response = fetch(f"/assessment/{quiz.slug}/report/{bad}/")
        assert response.status_code == 403
        html = response.content.decode()
        assert "This download link doesn" in html and 'name="email"' in html
    assert not Submission.objects.exclude(report="").exists()


def test_an_expired_link_gets_a_friendly_410(quiz, submission, settings):
    settings.WHITEPAPER_LINK_MAX_AGE_DAYS = 7
    old = SignedDaysAgo(salt=REPORT_SALT, days=8).sign_object(submission.pk)
    response = fetch(f"/assessment/{quiz.slug}/report/{old}/")
    assert response.status_code == 410
    assert "This download link has expired" in response.content.decode()
    recent = SignedDaysAgo(salt=REPORT_SALT, days=6).sign_object(submission.pk)
    assert fetch(f"/assessment/{quiz.slug}/report/{recent}/").status_code == 200


def test_another_visitors_submission_or_quiz_is_not_found(client, quiz, submission):
    other_quiz = make_quiz(questions=2)
    for path in (
        report_path(slug=quiz.slug, submission_id=submission.pk + 1),  # signed, no such row
        report_path(slug=other_quiz.slug, submission_id=submission.pk),  # another quiz
        f"/assessment/{quiz.slug}/report/{submission.pk}/",  # a guessed id
        f"/assessment/{quiz.slug}/report/"
        + signing.dumps(submission.pk, salt=DOWNLOAD_SALT)
        + "/",  # the whitepaper's token
    ):
        response = fetch(path)
        assert response.status_code in (403, 404), path
        assert NAME.encode() not in response.content


def test_an_erased_lead_gets_a_clear_410_and_the_file_is_deleted(
    client, quiz, submission, settings, django_capture_on_commit_callbacks
):
    link = report_link_on_result_page(client, quiz)
    pdf_of(fetch(link))
    with django_capture_on_commit_callbacks(execute=True):
        lead_erase(lead=submission.lead)
    assert list((settings.PRIVATE_MEDIA_ROOT / "reports").iterdir()) == []
    response = fetch(link)
    assert response.status_code == 410
    assert "This report is no longer available" in response.content.decode()
    submission.refresh_from_db()
    assert not submission.report  # and none was made again


def test_storage_trouble_is_a_503_that_says_try_again(client, quiz, submission, monkeypatch):
    from assessment.storage import PrivateStorage

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(PrivateStorage, "save", broken)
    response = fetch(report_link_on_result_page(client, quiz))
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "Your career-focus report" in response.content.decode()
    assert not Submission.objects.exclude(report="").exists()


def test_a_report_that_fails_to_lay_out_is_a_503_not_a_500(client, quiz, submission, monkeypatch):
    def broken(content):
        raise ValueError("a layout bug")

    monkeypatch.setattr("assessment.services.report_pdf", broken)
    response = fetch(report_link_on_result_page(client, quiz))
    assert response.status_code == 503
    assert "try the same link again" in response.content.decode()
    assert not Submission.objects.exclude(report="").exists()


def test_a_personal_data_export_says_whether_a_report_is_kept(client, quiz, submission):
    def stored() -> bool:
        export = submissions_personal_data(lead=submission.lead)
        return export["assessment_submissions"][0]["personal_report_stored"]

    assert stored() is False
    pdf_of(fetch(report_link_on_result_page(client, quiz)))
    assert stored() is True


def test_two_first_downloads_at_once_keep_one_file(
    client, quiz, submission, settings, monkeypatch, django_capture_on_commit_callbacks
):

    lay_out, raced = services.report_pdf, []

    def another_request_finishes_first(content):
        rendered = lay_out(content)
        if not raced:
            raced.append(True)
            services.report_ensure(submission=Submission.objects.get(pk=submission.pk))
        return rendered

    monkeypatch.setattr(services, "report_pdf", another_request_finishes_first)
    with django_capture_on_commit_callbacks(execute=True):
        served = pdf_of(fetch(report_link_on_result_page(client, quiz)))
    stored = list((settings.PRIVATE_MEDIA_ROOT / "reports").iterdir())
    assert raced and len(stored) == 1  # the loser's copy is gone
    submission.refresh_from_db()
    assert stored[0].name == submission.report.name.split("/")[-1]
    assert stored[0].read_bytes() == served  # and the winner's is what was sent
