"""The insights page: staff only, linked from the admin index, safe with bad dates, and a
fixed number of queries whatever the period."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.utils import timezone

from devtools.synthetic_events import events_bulk_load, events_synthesize
from insights.models import DailyCount, Event, Kind
from insights.services import events_roll_up
from tests.factories import make_article, make_quiz

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/insights/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_admin_index_links_to_it(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert f'href="{DASHBOARD}"' in page


def test_anyone_else_gets_the_admin_login(client, django_user_model):
    assert client.get(DASHBOARD)["Location"].startswith("/admin/login/")
    user = django_user_model.objects.create_user("reader", password="pw-1234-long")
    client.force_login(user)
    response = client.get(DASHBOARD + "?csv=funnel")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_page_has_a_chart_and_a_table_for_each_figure_without_scripts(admin_client):
    quiz = make_quiz(questions=2)
    article = make_article(promotes=quiz)
    Event.objects.create(kind=Kind.ARTICLE_VIEWED, article=article.slug)
    page = admin_client.get(DASHBOARD).content.decode()
    for heading in ["The funnel", "Drop-off on each question", "Top articles by leads", "Email"]:
        assert heading in page
    assert '<svg role="img"' in page and "<caption>The funnel</caption>" in page
    assert "Download “The funnel” as CSV" in page
    assert "<script>" not in page.split('id="content-main"')[1]


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-03-10&end=2026-03-01",
        "start=2026-01-01&end=9999-12-31",
        "start=yesterday&end=today",
        "days=1000",
    ],
)
def test_a_bad_period_falls_back_to_the_last_30_days_with_a_message(admin_client, query):
    make_quiz(questions=1)
    response = admin_client.get(f"{DASHBOARD}?{query}")
    assert response.status_code == 200
    assert any("Showing the last 30 days instead" in m for m in _messages(response))
    start = timezone.localdate() - timedelta(days=29)
    assert f"From {start:%-d %B %Y}" in response.content.decode()


@pytest.mark.parametrize("days", [7, 90])
def test_the_same_few_queries_whatever_the_period(
    admin_client, days, django_assert_max_num_queries
):
    quiz = make_quiz(questions=5)
    article = make_article(promotes=quiz)
    bands = list(quiz.result_bands.values_list("title", flat=True))
    events_bulk_load(
        events_synthesize(
            count=20 * days,
            until=timezone.now(),
            days=days,
            assessment=quiz.slug,
            articles=[article.slug],
            bands=bands,
            questions=5,
        )
    )
    # The older half of the period is summed by day; the rest is read from raw events.
    assert events_roll_up(today=timezone.localdate() - timedelta(days=days // 2))
    assert Event.objects.filter(at__gte=timezone.now() - timedelta(days=days // 2)).exists()
    admin_client.get("/admin/")  # the session and user are loaded the same way every time
    # Session, user, then: the last rolled day, daily counts, raw events, assessments,
    # articles, questions, leads by week, and for deliverability emails sent, provider events
    # and suppressions. Nothing grows with the number of days.
    with django_assert_max_num_queries(12):
        response = admin_client.get(f"{DASHBOARD}?days={days}")
    assert response.status_code == 200
    assert DailyCount.objects.exists()


@pytest.fixture
def staff_groups():
    call_command("load_initial_content", stdout=StringIO())


def _staff(client, django_user_model, *, group: str | None):
    user = django_user_model.objects.create_user(
        f"staff-{group or 'none'}", password="pw-1234-long", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.mark.parametrize("group", [None, "Editors"])
def test_staff_without_the_permission_are_told_and_see_no_figures(
    client, django_user_model, staff_groups, group
):
    staff = _staff(client, django_user_model, group=group)
    page = staff.get(DASHBOARD)
    assert page.status_code == 403
    html = page.content.decode()
    assert "can’t open the insights page" in html.replace("&rsquo;", "’")
    assert "The funnel" not in html
    table = staff.get(DASHBOARD + "?csv=funnel")
    assert table.status_code == 403 and "text/csv" not in table["Content-Type"]
    assert f'href="{DASHBOARD}"' not in staff.get("/admin/").content.decode()


def test_recruiters_see_the_page_its_link_and_its_csv(client, django_user_model, staff_groups):
    recruiter = _staff(client, django_user_model, group="Recruiters")
    assert recruiter.get(DASHBOARD).status_code == 200
    assert recruiter.get(DASHBOARD + "?csv=funnel")["Content-Type"].startswith("text/csv")
    assert f'href="{DASHBOARD}"' in recruiter.get("/admin/").content.decode()
