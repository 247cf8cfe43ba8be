"""A known set of visits driven through the real views, with events buffered in a real Redis
and written out by the real flush task, and every figure on the insights page checked against
it: with today's raw events, after the days move into the past, after the roll-up (with the
raw rows gone), and with new events on top of rolled-up days."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from devtools.synthetic_events import events_bulk_load, events_synthesize
from insights.buffer import KEY
from insights.models import DailyCount, Event
from insights.services import events_roll_up
from insights.tasks import flush_events
from leads.models import Lead, OutboundEmail
from leads.tokens import unsubscribe_token
from tests.assessment.walk import DETAILS, backdate
from tests.factories import make_article, make_quiz, make_whitepaper

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
DASHBOARD = "/admin/insights/"


@pytest.fixture
def site():
    quiz = make_quiz(questions=3, title="Career or job?", whitepaper=make_whitepaper())
    return {
        "quiz": quiz,
        "a": make_article(title="Article A", promotes=quiz),
        "b": make_article(title="Article B", promotes=quiz),
        "other": make_article(title="Unrelated"),
    }


def _visit(
    site,
    captured,
    *,
    client=None,
    ua=FIREFOX,
    article="a",
    views=1,
    cta=True,
    answer=None,
    value=4,
    email=None,
    download=False,
):
    """One visitor's path; `answer` is how many questions they answer (None: don't start)."""
    client = client or Client(HTTP_USER_AGENT=ua)
    quiz, page = site["quiz"], site[article]
    for _ in range(views):
        client.get(f"/articles/{page.slug}/")
    if cta:  # the call to action starts the quiz
        client.get(f"/articles/{page.slug}/assessment/")
    if answer is None:
        return client
    if not cta:
        client.post(f"/assessment/{quiz.slug}/")  # the intro's Start
    questions = list(quiz.questions.prefetch_related("choices"))
    for n, question in enumerate(questions, start=1):
        client.get(f"/assessment/{quiz.slug}/q/{n}/")
        if n > answer:
            return client
        choice = next(c for c in question.choices.all() if c.value == value)
        client.post(f"/assessment/{quiz.slug}/q/{n}/", {"choice": choice.pk})
    if email:
        backdate(client, quiz, 60)
        with captured(execute=True):
            result = client.post(
                f"/assessment/{quiz.slug}/details/", DETAILS | {"email": email}, follow=True
            )
        assert result.status_code == 200
        if download:
            link = re.search(r'href="(/assessment/[^"]+/download/[^"]+)"', result.content.decode())
            assert client.get(link.group(1)).status_code == 200
    return client


def _drive(site, captured):
    """Nine people and a bot. Scores on three questions (one reverse scored): all 5s make 11,
    "Career focused"; all 4s make 10, "Between the two"; all 1s make 7, "Job focused"."""
    v = {"site": site, "captured": captured}
    _visit(**v, answer=3, value=5, email="one@example.com", download=True)
    _visit(**v, answer=3, value=4, email="two@example.com")
    _visit(**v, answer=0)  # reached question 1, left
    _visit(**v, answer=1)  # reached question 2, left
    _visit(**v)  # clicked (which starts the quiz), left before the first statement showed
    _visit(**v, cta=False)  # only read
    _visit(**v, article="b", answer=3, value=4, email="seven@example.com", download=True)
    repeat = _visit(**v, views=2, answer=3, value=1, email="eight@example.com")
    repeat.get(f"/assessment/{site['quiz'].slug}/q/1/")  # a reload: counted once
    # The same person clicks again: with a result here, the button opens the intro, whose
    # Start begins a new visit, which stops at question 1.
    again = repeat.get(f"/articles/{site['a'].slug}/assessment/")
    assert again["Location"] == f"/assessment/{site['quiz'].slug}/"
    repeat.post(f"/assessment/{site['quiz'].slug}/")
    repeat.get(f"/assessment/{site['quiz'].slug}/q/1/")
    repeat.get(f"/assessment/{site['quiz'].slug}/q/1/")
    _visit(**v, views=3, article="other", cta=False)  # an article without the quiz
    _visit(**v, ua=GOOGLEBOT, views=4, answer=3)
    # A recruiter calls the first lead; the second unsubscribes with one click.
    Lead.objects.filter(email="one@example.com").update(status=Lead.Status.CONTACTED)
    lead = Lead.objects.get(email="two@example.com")
    Client().post(
        f"/email/unsubscribe/{unsubscribe_token(lead.pk)}/", {"List-Unsubscribe": "One-Click"}
    )


def _table(admin_client, slug, **params):
    flush_events.delay()  # what beat does every minute: the buffered events reach the database
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = admin_client.get(f"{DASHBOARD}?{query}&csv={slug}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return rows[1:]


def _check_all(admin_client, site, sent, **params):
    assert _table(admin_client, "funnel", **params) == [
        ["Article views", "9", "–"],
        ["Call-to-action clicks", "8", "88.9%"],
        ["Quiz starts", "8", "100.0%"],
        ["Quiz finishes", "4", "50.0%"],
        ["Leads", "4", "100.0%"],
        ["Downloads", "2", "50.0%"],
    ]
    texts = list(site["quiz"].questions.values_list("text", flat=True))
    assert _table(admin_client, "questions", **params) == [
        [f"1. {texts[0]}", "7", "2", "28.6%"],
        [f"2. {texts[1]}", "5", "1", "20.0%"],
        [f"3. {texts[2]}", "4", "0", "0.0%"],
    ]
    assert _table(admin_client, "bands", **params) == [
        ["Between the two", "2", "50.0%"],
        ["Career focused", "1", "25.0%"],
        ["Job focused", "1", "25.0%"],
    ]
    assert _table(admin_client, "email", **params) == [
        ["Sent", str(sent)],
        ["Failed", "0"],
        ["Unsubscribed", "1"],
    ]
    assert _table(admin_client, "articles", **params) == [["Article A", "3"], ["Article B", "1"]]
    # Only article B's readers: one view, one click, one lead who downloaded.
    assert [row[1] for row in _table(admin_client, "funnel", **params, article=site["b"].slug)] == [
        "1",
        "1",
        "1",
        "1",
        "1",
        "1",
    ]


@pytest.mark.integration  # the real Redis buffer
def test_every_figure_matches_the_visits_before_and_after_the_roll_up(
    site, admin_client, django_capture_on_commit_callbacks, settings, event_buffer
):
    _drive(site, django_capture_on_commit_callbacks)
    assert event_buffer.llen(KEY) > 0 and not Event.objects.exists()  # waiting in Redis
    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
    assert sent >= 4  # each lead's result email at least, and nothing for the bot

    _check_all(admin_client, site, sent, days=7)
    weeks = _table(admin_client, "leads", days=7)
    assert [row[1:] for row in weeks] == [["4", "3", "1", "0", "0", "0"]]

    # The visits move to yesterday: read from raw events the roll-up hasn't reached yet.
    Event.objects.update(at=F("at") - timedelta(days=1))
    _check_all(admin_client, site, sent, days=7)

    # Rolled up, raw rows deleted: the same figures come from the daily counts alone.
    settings.INSIGHTS_RAW_RETENTION_DAYS = 0
    # An explicit `today`, so the test means the same in the minutes after midnight.
    assert events_roll_up(today=timezone.localdate()) == 1
    assert events_roll_up(today=timezone.localdate()) == 0
    assert DailyCount.objects.exists() and not Event.objects.exists()
    _check_all(admin_client, site, sent, days=30)

    # Today's events add to the rolled-up days.
    _visit(site, django_capture_on_commit_callbacks, cta=False)
    funnel = _table(admin_client, "funnel", days=90)
    assert funnel[0] == ["Article views", "10", "–"]
    # A period that ends before the visits shows none of them.
    yesterday = timezone.localdate() - timedelta(days=1)
    empty = _table(
        admin_client,
        "funnel",
        start=yesterday - timedelta(days=5),
        end=yesterday - timedelta(days=1),
    )
    assert [row[1] for row in empty] == ["0"] * 6


def test_months_of_made_up_traffic_give_the_same_tables_raw_and_rolled_up(
    site, admin_client, settings
):
    """Every table, for each period and one article, read from raw events alone and then
    from the daily counts plus today's raw events: the two must agree row for row."""
    quiz = site["quiz"]
    events_bulk_load(
        events_synthesize(
            count=4000,
            until=timezone.now(),
            days=120,
            assessment=quiz.slug,
            articles=[site["a"].slug, site["b"].slug, site["other"].slug],
            bands=list(quiz.result_bands.values_list("title", flat=True)),
            questions=quiz.questions.count(),
        )
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    periods = [
        {"days": 7},
        {"days": 90},
        {"days": 90, "article": site["b"].slug},
        {"start": yesterday - timedelta(days=40), "end": yesterday - timedelta(days=3)},
    ]
    slugs = ["funnel", "questions", "bands", "email", "articles"]

    def tables():
        return [[_table(admin_client, slug, **period) for slug in slugs] for period in periods]

    raw = tables()
    assert all(row[1] != "0" for row in raw[1][0])  # every funnel step has events
    settings.INSIGHTS_RAW_RETENTION_DAYS = 0
    assert events_roll_up(today=timezone.localdate()) >= 119
    assert not Event.objects.filter(at__lt=timezone.now() - timedelta(days=1)).exists()
    assert tables() == raw
