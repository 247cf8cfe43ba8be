"""What staff do in the quiz admin: edit questions and bands inline, upload the PDF, preview."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.models import Assessment, Choice, Question, Trait, Whitepaper
from assessment.storage import PrivateStorage
from tests.factories import make_pdf_bytes, make_question, make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db

CHANGE = "/admin/assessment/assessment/{}/change/"


def _form(assessment: Assessment, *, bands=None, new_questions=(), delete_questions=()) -> dict:
    """The assessment change form as the browser would post it, with edits applied."""
    data = {
        "title": assessment.title,
        "slug": assessment.slug,
        "introduction": assessment.introduction,
        "estimated_minutes": assessment.estimated_minutes,
        "whitepaper": assessment.whitepaper_id or "",
        "is_active": "on" if assessment.is_active else "",
    }
    questions = list(assessment.questions.all()) if assessment.pk else []
    for i, q in enumerate(questions):
        data |= {
            f"questions-{i}-id": q.pk,
            f"questions-{i}-assessment": assessment.pk,
            f"questions-{i}-order": q.order,
            f"questions-{i}-text": q.text,
            f"questions-{i}-trait": q.trait,
            f"questions-{i}-reverse_scored": "on" if q.reverse_scored else "",
        }
        if q.pk in delete_questions:
            data[f"questions-{i}-DELETE"] = "on"
    for j, fields in enumerate(new_questions, start=len(questions)):
        data |= {f"questions-{j}-{k}": v for k, v in fields.items()}
    data |= {
        "questions-TOTAL_FORMS": len(questions) + len(new_questions),
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    saved = list(assessment.result_bands.all()) if assessment.pk else []
    if bands is None:
        bands = [(b.min_score, b.max_score, b.title) for b in saved]
    for i, (low, high, title) in enumerate(bands):
        data |= {
            f"result_bands-{i}-min_score": low,
            f"result_bands-{i}-max_score": high,
            f"result_bands-{i}-title": title,
            f"result_bands-{i}-summary": "Summary.",
            f"result_bands-{i}-advice": "Advice.",
            f"result_bands-{i}-assessment": assessment.pk or "",
        }
        if i < len(saved):
            data[f"result_bands-{i}-id"] = saved[i].pk
    for i in range(len(bands), len(saved)):  # bands left out of the list are deleted
        data |= {
            f"result_bands-{i}-id": saved[i].pk,
            f"result_bands-{i}-assessment": assessment.pk,
            f"result_bands-{i}-min_score": saved[i].min_score,
            f"result_bands-{i}-max_score": saved[i].max_score,
            f"result_bands-{i}-title": saved[i].title,
            f"result_bands-{i}-summary": "x",
            f"result_bands-{i}-advice": "x",
            f"result_bands-{i}-DELETE": "on",
        }
    data |= {
        "result_bands-TOTAL_FORMS": max(len(bands), len(saved)),
        "result_bands-INITIAL_FORMS": len(saved),
        "result_bands-MIN_NUM_FORMS": 0,
        "result_bands-MAX_NUM_FORMS": 1000,
    }
    return data


def test_change_page_shows_questions_bands_range_and_preview_link(admin_client):
    quiz = make_quiz(questions=4)
    html = admin_client.get(CHANGE.format(quiz.pk)).content.decode()
    assert "Statement" in html and "Edit the answers" in html
    assert "Standard agreement scale (1 to 5)." in html
    assert "from 4 to 20" in html


def test_questions_are_edited_and_reordered_inline(admin_client):
    quiz = make_quiz(questions=4)
    first, second = quiz.questions.all()[:2]
    data = _form(quiz)
    data["questions-0-order"], data["questions-1-order"] = second.order, first.order
    data["questions-0-text"] = "I can say where I want to be in ten years."
    response = admin_client.post(CHANGE.format(quiz.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    texts = [q.text for q in quiz.questions.all()]
    assert texts[:2] == [second.text, "I can say where I want to be in ten years."]


def test_a_new_question_gets_the_standard_scale_and_bands_must_grow_with_it(admin_client):
    quiz = make_quiz(questions=4)  # bands 4-9, 10-14, 15-20
    new = {
        "order": 99,
        "text": "I would move city for the right role.",
        "trait": Trait.WILLING_TO_MOVE,
        "assessment": quiz.pk,
    }
    refused = admin_client.post(CHANGE.format(quiz.pk), _form(quiz, new_questions=[new]))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "With these questions scores run from 5 to 25." in html
    assert "No band covers scores 4" not in html
    assert "“Job focused” (4–9) covers score 4, below the lowest possible score (5)." in html
    assert "No band covers scores 21–25." in html
    assert quiz.questions.count() == 4

    bands = [(5, 11, "Job focused"), (12, 18, "Between the two"), (19, 25, "Career focused")]
    saved = admin_client.post(CHANGE.format(quiz.pk), _form(quiz, bands=bands, new_questions=[new]))
    assert saved.status_code == 302
    question = quiz.questions.get(order=99)
    assert [c.value for c in question.choices.all()] == [1, 2, 3, 4, 5]
    assert question.choices.first().label == "Strongly disagree"


def test_overlapping_bands_are_refused_with_the_range_named(admin_client):
    quiz = make_quiz(questions=4)
    bands = [(4, 12, "Job focused"), (10, 14, "Between the two"), (15, 20, "Career focused")]
    response = admin_client.post(CHANGE.format(quiz.pk), _form(quiz, bands=bands))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Bands “Job focused” (4–12) and “Between the two” (10–14) overlap on scores 10–12." in html
    )
    assert quiz.result_bands.get(title="Job focused").max_score == 9


def test_a_gap_between_bands_is_refused_with_the_range_named(admin_client):
    quiz = make_quiz(questions=4)
    bands = [(4, 9, "Job focused"), (10, 12, "Between the two"), (15, 20, "Career focused")]
    response = admin_client.post(CHANGE.format(quiz.pk), _form(quiz, bands=bands))
    assert response.status_code == 200
    assert "No band covers scores 13–14." in response.content.decode()


def test_deleting_a_band_that_leaves_a_gap_is_refused(admin_client):
    quiz = make_quiz(questions=4)
    bands = [(4, 9, "Job focused"), (10, 14, "Between the two")]
    response = admin_client.post(CHANGE.format(quiz.pk), _form(quiz, bands=bands))
    assert "No band covers scores 15–20." in response.content.decode()
    assert quiz.result_bands.count() == 3


def test_a_band_upside_down_is_refused(admin_client):
    quiz = make_quiz(questions=4)
    bands = [(9, 4, "Job focused"), (10, 14, "Between the two"), (15, 20, "Career focused")]
    response = admin_client.post(CHANGE.format(quiz.pk), _form(quiz, bands=bands))
    assert response.status_code == 200
    assert "lowest score can" in response.content.decode()


def test_deleting_a_question_asks_for_bands_that_fit_the_smaller_range(admin_client):
    quiz = make_quiz(questions=4)
    last = quiz.questions.last()
    response = admin_client.post(CHANGE.format(quiz.pk), _form(quiz, delete_questions=[last.pk]))
    assert "above the highest possible score (15)" in response.content.decode()
    bands = [(3, 6, "Job focused"), (7, 11, "Between the two"), (12, 15, "Career focused")]
    ok = admin_client.post(
        CHANGE.format(quiz.pk), _form(quiz, bands=bands, delete_questions=[last.pk])
    )
    assert ok.status_code == 302
    assert quiz.questions.count() == 3


def test_a_new_assessment_without_questions_needs_no_bands(admin_client):
    data = _form(Assessment(title="New quiz", slug="new-quiz", estimated_minutes=3))
    response = admin_client.post("/admin/assessment/assessment/add/", data)
    assert response.status_code == 302
    assert Assessment.objects.filter(slug="new-quiz").exists()


def test_a_new_assessment_with_questions_needs_bands_covering_them(admin_client):
    new = {"order": 1, "text": "I have a plan.", "trait": Trait.PATH_OUTLINE}
    data = _form(Assessment(title="New quiz", slug="new-quiz"), new_questions=[new, new])
    refused = admin_client.post("/admin/assessment/assessment/add/", data)
    assert "No band covers scores 2–10." in refused.content.decode()
    data = _form(
        Assessment(title="New quiz", slug="new-quiz"),
        new_questions=[new, new],
        bands=[(2, 6, "Low"), (7, 10, "High")],
    )
    assert admin_client.post("/admin/assessment/assessment/add/", data).status_code == 302
    assert Choice.objects.filter(question__assessment__slug="new-quiz").count() == 10


def _choice_form(question: Question, rows) -> dict:
    saved = list(question.choices.all())
    data = {
        "assessment": question.assessment_id,
        "order": question.order,
        "text": question.text,
        "trait": question.trait,
        "reverse_scored": "on" if question.reverse_scored else "",
        "choices-TOTAL_FORMS": max(len(rows), len(saved)),
        "choices-INITIAL_FORMS": len(saved),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for i in range(max(len(rows), len(saved))):
        if i < len(saved):
            data |= {f"choices-{i}-id": saved[i].pk, f"choices-{i}-question": question.pk}
        if i < len(rows):
            order, label, value = rows[i]
            data |= {
                f"choices-{i}-order": order,
                f"choices-{i}-label": label,
                f"choices-{i}-value": value,
            }
        else:
            c = saved[i]
            data |= {
                f"choices-{i}-order": c.order,
                f"choices-{i}-label": c.label,
                f"choices-{i}-value": c.value,
                f"choices-{i}-DELETE": "on",
            }
    return data


def test_choices_are_edited_on_the_question_page(admin_client):
    quiz = make_quiz(questions=4)
    question = quiz.questions.first()
    rows = [(1, "No", 1), (2, "Not really", 2), (3, "Unsure", 3), (4, "Mostly", 4), (5, "Yes", 5)]
    url = f"/admin/assessment/question/{question.pk}/change/"
    response = admin_client.post(url, _choice_form(question, rows))
    assert response.status_code == 302
    assert [c.label for c in question.choices.all()] == [
        "No",
        "Not really",
        "Unsure",
        "Mostly",
        "Yes",
    ]


def test_repeated_choice_values_are_refused(admin_client):
    question = make_quiz(questions=4).questions.first()
    rows = [(1, "No", 1), (2, "Yes", 1)]
    url = f"/admin/assessment/question/{question.pk}/change/"
    response = admin_client.post(url, _choice_form(question, rows))
    assert response.status_code == 200
    assert "repeated: 1" in response.content.decode()


def test_changing_a_scale_warns_when_the_bands_no_longer_fit(admin_client):
    question = make_quiz(questions=4).questions.first()
    rows = [(1, "No", 0), (2, "Yes", 10)]
    url = f"/admin/assessment/question/{question.pk}/change/"
    response = admin_client.post(url, _choice_form(question, rows), follow=True)
    html = response.content.decode()
    assert "no longer fit" in html and "No band covers scores 21–25." in html


def test_removing_every_choice_brings_back_the_standard_scale(admin_client):
    question = make_question(make_quiz(questions=2))
    url = f"/admin/assessment/question/{question.pk}/change/"
    response = admin_client.post(url, _choice_form(question, []))
    assert response.status_code == 302
    assert question.choices.count() == 5
    assert Choice.objects.filter(question=question, value=5, label="Strongly agree").exists()


def _whitepaper_form(upload) -> dict:
    return {"title": "Don't Blow It", "slug": "dont-blow-it", "description": "", "file": upload}


def test_a_real_pdf_is_accepted_and_stored_privately(admin_client, settings):
    upload = SimpleUploadedFile("paper.pdf", make_pdf_bytes(), content_type="application/pdf")
    response = admin_client.post("/admin/assessment/whitepaper/add/", _whitepaper_form(upload))
    assert response.status_code == 302
    paper = Whitepaper.objects.get(slug="dont-blow-it")
    stored = settings.PRIVATE_MEDIA_ROOT / paper.file.name
    assert stored.read_bytes().startswith(b"%PDF-")
    assert not (settings.MEDIA_ROOT / paper.file.name).exists()
    with pytest.raises(ValueError, match="no public URL"):
        paper.file.url  # noqa: B018


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.pdf", b"<html>not a pdf</html>", "isn't a PDF"),
        ("paper.pdf", b"%PDF-1.7\nthis is not really a pdf", "can't be opened"),
        ("paper.exe", make_pdf_bytes(), "File extension"),
    ],
)
def test_an_upload_that_is_not_a_real_pdf_is_refused(admin_client, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = admin_client.post("/admin/assessment/whitepaper/add/", _whitepaper_form(upload))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Whitepaper.objects.exists()


def test_whitepaper_page_shows_the_private_file_and_staff_can_download_it(admin_client, client):
    paper = make_whitepaper()
    html = admin_client.get(f"/admin/assessment/whitepaper/{paper.pk}/change/").content.decode()
    assert paper.file.name in html and "/media/" not in html
    file_input = re.search(r'<input type="file" name="file"[^>]*>', html).group(0)
    assert "required" not in file_input  # keeping the current PDF needs no new upload
    download = admin_client.get(f"/admin/assessment/whitepaper/{paper.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    anonymous = client.get(f"/admin/assessment/whitepaper/{paper.pk}/download/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]


def test_editing_a_whitepaper_without_a_new_upload_keeps_the_file(admin_client):
    paper = make_whitepaper()
    data = {"title": "Renamed", "slug": paper.slug, "description": ""}
    response = admin_client.post(f"/admin/assessment/whitepaper/{paper.pk}/change/", data)
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.title == "Renamed" and paper.file.read().startswith(b"%PDF-")


def _replace_pdf(admin_client, paper: Whitepaper, capture) -> None:
    """Upload a new PDF in the admin, running what waits for the commit."""
    upload = SimpleUploadedFile("new.pdf", make_pdf_bytes("New"), content_type="application/pdf")
    data = {"title": paper.title, "slug": paper.slug, "description": "", "file": upload}
    with capture(execute=True):
        response = admin_client.post(f"/admin/assessment/whitepaper/{paper.pk}/change/", data)
    assert response.status_code == 302
    paper.refresh_from_db()


def test_replacing_the_pdf_removes_the_old_file(
    admin_client, settings, django_capture_on_commit_callbacks
):
    paper = make_whitepaper()
    old = settings.PRIVATE_MEDIA_ROOT / paper.file.name
    _replace_pdf(admin_client, paper, django_capture_on_commit_callbacks)
    assert not old.exists()
    assert (settings.PRIVATE_MEDIA_ROOT / paper.file.name).exists()


def test_a_failing_delete_of_the_old_pdf_does_not_undo_the_saved_replacement(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    paper = make_whitepaper()

    def refuse(self, name):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(PrivateStorage, "delete", refuse)
    _replace_pdf(admin_client, paper, django_capture_on_commit_callbacks)
    assert paper.file.read() == make_pdf_bytes("New")
