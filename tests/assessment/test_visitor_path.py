"""The visitor's path with JavaScript off: intro, one question a page, then their details.

Every bad request ends somewhere sensible with a message, never a 500.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from assessment.models import Choice
from tests.factories import make_assessment, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _url(quiz, step=None):
    if step is None:
        return f"/assessment/{quiz.slug}/"
    if step == "details":
        return f"/assessment/{quiz.slug}/details/"
    return f"/assessment/{quiz.slug}/q/{step}/"


def _choice(quiz, step: int, value: int = 4) -> Choice:
    return quiz.questions.all()[step - 1].choices.get(value=value)


def _start(client, quiz):
    response = client.post(_url(quiz))
    assert response.status_code == 302 and response["Location"] == _url(quiz, 1)


def _answer(client, quiz, step, value=4):
    return client.post(_url(quiz, step), {"choice": _choice(quiz, step, value).pk})


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def quiz():
    return make_quiz(questions=4, title="Career or job?", estimated_minutes=4)


def test_intro_says_how_long_and_what_you_get_with_a_start_form(client, quiz):
    html = client.get(_url(quiz)).content.decode()
    assert "<h1>Career or job?</h1>" in html
    assert "about 4 minutes" in html and "4 short statements" in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert "Start the assessment" in html


def test_start_needs_csrf(quiz):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(_url(quiz))
    assert response.status_code == 403


def test_start_records_the_time_and_no_answers(client, quiz):
    before = timezone.now()
    _start(client, quiz)
    state = client.session[f"assessment:{quiz.pk}"]
    assert state["answers"] == {}
    assert timezone.datetime.fromisoformat(state["started_at"]) >= before


def test_the_whole_way_through_to_the_details_page(client, quiz):
    _start(client, quiz)
    for step in range(1, 5):
        page = client.get(_url(quiz, step)).content.decode()
        assert f"Question {step} of 4" in page
        assert f'<progress class="quiz-progress" max="4" value="{step}"' in page
        response = _answer(client, quiz, step)
        expected = _url(quiz, step + 1) if step < 4 else _url(quiz, "details")
        assert response.status_code == 302 and response["Location"] == expected
    details = client.get(_url(quiz, "details"))
    assert details.status_code == 200
    assert "where should we send your result?" in details.content.decode()


def test_question_page_is_an_accessible_fieldset_of_radios(client, quiz):
    _start(client, quiz)
    html = client.get(_url(quiz, 1)).content.decode()
    question = quiz.questions.first()
    assert "<fieldset" in html
    # Focus starts on the statement (no script needed), so the first Tab reaches the answers.
    assert (
        f'<legend><h1 class="quiz-statement" id="question-heading" tabindex="-1" autofocus>'
        f"{question.text}</h1></legend>"
    ) in html
    assert html.count("<h1") == 1
    assert html.count('type="radio" name="choice"') == 5
    for choice in question.choices.all():
        assert f'<label class="form-check-label" for="choice-{choice.pk}">{choice.label}' in html
    assert 'aria-labelledby="quiz-progress-label"' in html
    # One script, an external file (the CSP has no 'unsafe-inline'): one tap an answer.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/quiz.js" defer>']
    assert "data-auto-advance" in html and "style=" not in html
    assert f'href="{_url(quiz)}">Back' in html


def test_answers_are_kept_and_preselected_when_going_back(client, quiz):
    _start(client, quiz)
    _answer(client, quiz, 1, value=2)
    _answer(client, quiz, 2, value=5)
    back = client.get(_url(quiz, 1)).content.decode()
    assert f'value="{_choice(quiz, 1, 2).pk}" checked' in back
    assert client.get(_url(quiz, 2)).content.decode().count(" checked") == 1
    assert f'href="{_url(quiz, 1)}">Back' in client.get(_url(quiz, 2)).content.decode()
    _answer(client, quiz, 1, value=3)  # changing an earlier answer keeps the later ones
    answers = client.session[f"assessment:{quiz.pk}"]["answers"]
    assert answers == {
        str(quiz.questions.all()[0].pk): _choice(quiz, 1, 3).pk,
        str(quiz.questions.all()[1].pk): _choice(quiz, 2, 5).pk,
    }


def test_a_missing_answer_reshows_the_question_with_a_linked_error(client, quiz):
    _start(client, quiz)
    _answer(client, quiz, 1)
    response = client.post(_url(quiz, 2), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Question 2 of 4" in html
    assert 'aria-describedby="choice-error"' in html and 'id="choice-error"' in html
    assert 'id="error-summary"' in html and 'tabindex="-1"' in html
    first_choice = quiz.questions.all()[1].choices.first()
    assert f'href="#choice-{first_choice.pk}"' in html
    assert " checked" not in html
    answers = client.session[f"assessment:{quiz.pk}"]["answers"]
    assert list(answers) == [str(quiz.questions.first().pk)]  # the first answer is kept


@pytest.mark.parametrize("bad", ["99999999", "abc", "-1", "1.5", "<script>"])
def test_a_made_up_choice_is_refused(client, quiz, bad):
    _start(client, quiz)
    _answer(client, quiz, 1)
    response = client.post(_url(quiz, 2), {"choice": bad})
    assert response.status_code == 302 and response["Location"] == _url(quiz, 2)
    assert "isn't one of the choices" in _messages(response)[0]
    assert len(client.session[f"assessment:{quiz.pk}"]["answers"]) == 1


def test_a_choice_from_another_question_is_refused(client, quiz):
    _start(client, quiz)
    response = client.post(_url(quiz, 1), {"choice": _choice(quiz, 2).pk})
    assert response.status_code == 302 and response["Location"] == _url(quiz, 1)
    assert client.session[f"assessment:{quiz.pk}"]["answers"] == {}


def test_a_choice_from_another_assessment_is_refused(client, quiz):
    other = make_quiz(questions=2)
    _start(client, quiz)
    response = client.post(_url(quiz, 1), {"choice": _choice(other, 1).pk})
    assert response["Location"] == _url(quiz, 1)
    assert "isn't one of the choices" in _messages(response)[0]


@pytest.mark.parametrize("method", ["get", "post"])
def test_jumping_ahead_past_an_unanswered_question_is_refused(client, quiz, method):
    _start(client, quiz)
    _answer(client, quiz, 1)
    data = {"choice": _choice(quiz, 4).pk} if method == "post" else None
    response = getattr(client, method)(_url(quiz, 4), data)
    assert response.status_code == 302 and response["Location"] == _url(quiz, 2)
    assert "in order" in _messages(response)[0]
    assert len(client.session[f"assessment:{quiz.pk}"]["answers"]) == 1


@pytest.mark.parametrize("step", [0, 5, 999])
def test_a_step_outside_the_quiz_goes_to_the_first_unanswered(client, quiz, step):
    _start(client, quiz)
    response = client.get(_url(quiz, step))
    assert response.status_code == 302 and response["Location"] == _url(quiz, 1)


def test_a_step_past_the_end_after_finishing_goes_to_the_details(client, quiz):
    _start(client, quiz)
    for step in range(1, 5):
        _answer(client, quiz, step)
    assert client.get(_url(quiz, 5))["Location"] == _url(quiz, "details")


def test_details_before_every_answer_goes_to_the_first_unanswered(client, quiz):
    _start(client, quiz)
    _answer(client, quiz, 1)
    _answer(client, quiz, 2)
    response = client.get(_url(quiz, "details"))
    assert response.status_code == 302 and response["Location"] == _url(quiz, 3)
    assert "answer every question" in _messages(response)[0]


@pytest.mark.parametrize("step", [1, 3, "details"])
def test_without_a_started_quiz_the_visitor_goes_to_the_intro(client, quiz, step):
    response = client.get(_url(quiz, step))
    assert response.status_code == 302 and response["Location"] == _url(quiz)
    assert "expired" in _messages(response)[0]


def test_an_expired_session_halfway_through_goes_to_the_intro_with_a_message(client, quiz):
    _start(client, quiz)
    _answer(client, quiz, 1)
    client.session.flush()  # what an expired session looks like: a cookie with nothing behind
    client.cookies["sessionid"] = "expired-session-key-that-the-server-no-longer-knows"
    response = client.post(_url(quiz, 2), {"choice": _choice(quiz, 2).pk}, follow=True)
    assert response.redirect_chain[-1][0] == _url(quiz)
    assert "Your answers have expired" in response.content.decode()


def test_garbled_progress_in_the_session_is_treated_as_expired(client, quiz):
    session = client.session
    session[f"assessment:{quiz.pk}"] = {"started_at": "not a date", "answers": []}
    session.save()
    assert client.get(_url(quiz, 1))["Location"] == _url(quiz)


def test_answers_to_deleted_choices_count_as_unanswered(client, quiz):
    _start(client, quiz)
    _answer(client, quiz, 1)
    _answer(client, quiz, 2)
    _choice(quiz, 1).delete()
    response = client.get(_url(quiz, 3))
    assert response["Location"] == _url(quiz, 1)


def test_progress_of_one_quiz_does_not_count_for_another(client, quiz):
    other = make_quiz(questions=2)
    _start(client, quiz)
    assert client.get(_url(other, 1))["Location"] == _url(other)


def test_restarting_clears_the_answers(client, quiz):
    _start(client, quiz)
    _answer(client, quiz, 1)
    html = client.get(_url(quiz)).content.decode()
    assert f'href="{_url(quiz, 2)}">Continue where you left off' in html and "Start again" in html
    _start(client, quiz)
    assert client.session[f"assessment:{quiz.pk}"]["answers"] == {}


@pytest.mark.parametrize("step", [None, 1, "details"])
def test_unknown_or_inactive_assessment_is_404(client, step):
    inactive = make_quiz(questions=2, is_active=False)
    assert (
        client.get(f"/assessment/no-such-quiz/{'' if step is None else 'q/1/'}").status_code == 404
    )
    assert client.get(_url(inactive, step)).status_code == 404
    assert client.post(_url(inactive)).status_code == 404


def test_an_assessment_without_questions_cannot_be_started(client):
    empty = make_assessment()
    assert "isn't ready yet" in client.get(_url(empty)).content.decode()
    assert client.post(_url(empty)).status_code == 200
    assert client.get(_url(empty, 1))["Location"] == _url(empty)


def test_staff_preview_an_inactive_assessment_as_visitors_see_it(admin_client):
    inactive = make_quiz(questions=2, is_active=False)
    html = admin_client.get(_url(inactive)).content.decode()
    assert "Preview." in html and "only staff can see it" in html
    assert f"/admin/assessment/assessment/{inactive.pk}/change/" in html
    _start(admin_client, inactive)
    question = admin_client.get(_url(inactive, 1))
    assert question.status_code == 200 and "Question 1 of 2" in question.content.decode()


def test_admin_links_to_the_preview(admin_client, quiz):
    html = admin_client.get(f"/admin/assessment/assessment/{quiz.pk}/change/").content.decode()
    assert f'href="{_url(quiz)}"' in html and "as visitors will see it" in html


def test_quiz_pages_are_not_cached_or_indexed(client, quiz):
    _start(client, quiz)
    response = client.get(_url(quiz, 1))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_a_question_with_its_own_scale_is_answered_with_its_own_choices(client):
    quiz = make_assessment()
    question = make_question(quiz)
    question.choices.all().delete()
    yes = Choice.objects.create(question=question, order=1, label="Yes", value=1)
    Choice.objects.create(question=question, order=2, label="No", value=0)
    _start(client, quiz)
    assert "Yes" in client.get(_url(quiz, 1)).content.decode()
    assert client.post(_url(quiz, 1), {"choice": yes.pk})["Location"] == _url(quiz, "details")


def test_every_page_has_exactly_one_h1(client, quiz):
    pages = [client.get(_url(quiz))]
    _start(client, quiz)
    pages.append(client.get(_url(quiz, 1)))
    for step in range(1, 5):
        _answer(client, quiz, step)
    pages.append(client.get(_url(quiz, "details")))
    for page in pages:
        assert len(re.findall(r"<h1[ >]", page.content.decode())) == 1
