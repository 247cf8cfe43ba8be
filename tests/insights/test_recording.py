"""Funnel steps are counted on the server: without cookies for readers, once per step of a
visit, never for bots, and a broken write never breaks the page."""

import re
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from devtools.redis_server import free_port
from insights.buffer import BATCH_KEY, DEAD_KEY, KEY, buffer_flush
from insights.models import DailyCount, Event, Kind
from insights.services import VISIT_SESSION_KEY, event_record, events_roll_up
from insights.tasks import flush_events
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
    assert VISIT_SESSION_KEY not in client.session
    client.get(f"/articles/{article.slug}/assessment/", follow=True)  # starts the quiz
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


def test_a_database_error_while_recording_is_logged_and_the_page_still_works(client, caplog):
    article = make_article()
    with transaction.atomic():  # undone below, which brings the table back
        with connection.cursor() as cursor:  # the database itself refuses the write
            cursor.execute("ALTER TABLE insights_event RENAME TO insights_event_gone")
        response = client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=FIREFOX)
        event_record(kind=Kind.EMAIL_SENT)
        transaction.set_rollback(True)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    failures = [r for r in caplog.records if "Could not record the insights event" in r.message]
    assert len(failures) == 2 and all(r.exc_info for r in failures)
    assert not Event.objects.exists()


@pytest.mark.integration  # the real Redis buffer
def test_with_the_buffer_a_view_waits_in_redis_until_the_flush(client, event_buffer):
    article = make_article()
    client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=FIREFOX)
    client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=GOOGLEBOT)
    assert event_buffer.llen(KEY) == 1 and not Event.objects.exists()
    before = timezone.now()
    assert flush_events.delay().get() == 1
    event = Event.objects.get()
    assert (event.kind, event.article, event.visit) == (Kind.ARTICLE_VIEWED, article.slug, "")
    assert before - timedelta(minutes=1) < event.at <= before  # when it was viewed
    assert event_buffer.llen(KEY) == 0
    assert flush_events.delay().get() == 0
    assert Event.objects.count() == 1


@pytest.mark.integration  # the real Redis buffer
def test_the_flush_counts_a_step_of_a_visit_once(client, event_buffer):
    quiz = make_quiz(questions=2)
    client.post(f"/assessment/{quiz.slug}/", follow=True)
    client.get(f"/assessment/{quiz.slug}/q/1/")
    flush_events.delay()
    client.get(f"/assessment/{quiz.slug}/q/1/")  # reloads, before and after a flush
    client.get(f"/assessment/{quiz.slug}/q/1/")
    flush_events.delay()
    assert _kinds() == [Kind.QUIZ_STARTED, Kind.QUESTION_REACHED]


@pytest.mark.integration  # the real Redis buffer
def test_a_failed_flush_keeps_the_events_for_the_next_one(client, event_buffer):
    article = make_article()
    client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=FIREFOX)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE insights_event RENAME TO insights_event_gone")
        buffer_flush()
    assert event_buffer.llen(BATCH_KEY) == 1  # the batch waits, whole, for the next flush
    assert not event_buffer.llen(DEAD_KEY)  # a database that is down is no bad record
    assert buffer_flush() == 1
    assert Event.objects.get().article == article.slug


@pytest.mark.integration  # a Redis that is deliberately not there
def test_without_redis_events_are_written_directly(client, settings, caplog):
    settings.INSIGHTS_BUFFER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    article = make_article()
    response = client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 200
    assert Event.objects.get().article == article.slug
    assert "Redis did not take an insights event" in caplog.text


@pytest.mark.integration  # the real Redis buffer
def test_the_roll_up_writes_out_the_buffer_before_summing(client, event_buffer, settings):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 30
    article = make_article()
    client.get(f"/articles/{article.slug}/", HTTP_USER_AGENT=FIREFOX)
    assert events_roll_up(today=timezone.localdate() + timedelta(days=1)) == 1
    assert DailyCount.objects.get().count == 1
