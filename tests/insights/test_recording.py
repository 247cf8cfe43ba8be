"""Funnel steps are counted on the server: without cookies for readers, once per step of a
visit, never for bots, and a broken write never breaks the page."""

import re
from unittest import mock

import pytest

from insights.models import Event, Kind
from insights.services import VISIT_SESSION_KEY, event_record
from leads.services import lead_unsubscribe
from tests.assessment.walk import DETAILS, backdate
from tests.factories import make_article, make_quiz, make_whitepaper
from tests.leads.factories import make_reachable_lead

pytestmark = pytest.mark.django_db

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def _kinds():
    return list(Event.objects.order_by("pk").values_list("kind", flat=True))


def test_reading_an_article_counts_a_view_without_a_cookie(client):
    article = make_article()
    for _ in range(2):  # the second comes from the page cache and is counted too
        response = client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=FIREFOX)
        assert response.status_code == 200
        assert not response.cookies
    assert list(Event.objects.values_list("kind", "article", "visit")) == [
        (Kind.ARTICLE_VIEWED, article.slug, ""),
        (Kind.ARTICLE_VIEWED, article.slug, ""),
    ]


def test_bots_and_head_requests_are_not_counted(client):
    article = make_article()
    assert client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=GOOGLEBOT).status_code == 200
    assert client.head(f"/articles/{article.slug}/").status_code == 200
    assert not Event.objects.exists()


def test_a_visit_id_is_given_when_the_quiz_starts_and_not_before(client):
    quiz = make_quiz(questions=2, whitepaper=make_whitepaper())
    article = make_article(promotes=quiz)
    client.get(f"/articles/{article.slug}/")
    client.get(f"/articles/{article.slug}/assessment/")
    assert VISIT_SESSION_KEY not in client.session
    client.post(f"/assessment/{quiz.slug}/", follow=True)
    visit = client.session[VISIT_SESSION_KEY]["id"]
    assert len(visit) >= 16
    assert list(Event.objects.order_by("pk").values_list("kind", "visit", "article")) == [
        (Kind.ARTICLE_VIEWED, "", article.slug),
        (Kind.CTA_CLICKED, "", article.slug),
        (Kind.QUIZ_STARTED, visit, article.slug),
        (Kind.QUESTION_REACHED, visit, article.slug),
    ]
    client.post(f"/assessment/{quiz.slug}/", follow=True)  # starting again: a new visit
    assert client.session[VISIT_SESSION_KEY]["id"] != visit


def test_reloading_a_question_counts_it_once(client):
    quiz = make_quiz(questions=2)
    client.post(f"/assessment/{quiz.slug}/", follow=True)
    client.get(f"/assessment/{quiz.slug}/q/1/")
    client.get(f"/assessment/{quiz.slug}/q/1/")
    assert _kinds() == [Kind.QUIZ_STARTED, Kind.QUESTION_REACHED]


def test_the_whole_quiz_records_each_step(client, mailoutbox):
    quiz = make_quiz(questions=2, whitepaper=make_whitepaper())
    client.post(f"/assessment/{quiz.slug}/", follow=True)
    for step, question in enumerate(quiz.questions.prefetch_related("choices"), start=1):
        choice = question.choices.get(value=4)
        client.post(f"/assessment/{quiz.slug}/q/{step}/", {"choice": choice.pk}, follow=True)
    backdate(client, quiz, 60)
    result = client.post(f"/assessment/{quiz.slug}/details/", DETAILS, follow=True)
    download = re.search(r'href="(/assessment/[^"]+/download/[^"]+)"', result.content.decode())
    assert client.get(download.group(1)).status_code == 200
    assert _kinds()[:6] == [
        Kind.QUIZ_STARTED,
        Kind.QUESTION_REACHED,
        Kind.QUESTION_REACHED,
        Kind.QUIZ_FINISHED,
        Kind.LEAD,
        Kind.DOWNLOADED,
    ]
    assert Event.objects.filter(kind=Kind.LEAD).get().label == "Between the two"
    assert Event.objects.filter(kind=Kind.DOWNLOADED).count() == 1
    assert Event.objects.filter(kind=Kind.EMAIL_SENT).count() == len(mailoutbox)


def test_unsubscribing_counts_once():
    lead = make_reachable_lead()
    lead_unsubscribe(lead=lead)
    lead_unsubscribe(lead=lead)
    assert _kinds() == [Kind.UNSUBSCRIBED]


def test_a_failed_write_is_logged_and_the_page_still_works(client, caplog):
    article = make_article()
    with mock.patch.object(Event.objects, "bulk_create", side_effect=RuntimeError("disk full")):
        response = client.get(f"/articles/{article.slug}/")
        event_record(kind=Kind.EMAIL_SENT)
    assert response.status_code == 200
    assert "Could not record the insights event" in caplog.text
