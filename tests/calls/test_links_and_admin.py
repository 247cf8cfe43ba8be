"""Where the call-request link appears (result page, result email, follow-ups; never for a
stranger on an article), the form's clock edge cases, and what staff see in the admin."""

import re
from datetime import UTC, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.forms import CallRequestForm
from calls.models import CallRequest, Holiday, RecruiterStatus, RoutingRule
from calls.services import call_request_submit
from leads.exports import lead_personal_data
from leads.services import follow_up_render
from tests.assessment.walk import DETAILS, answer_all, details_url, result_url
from tests.factories import make_quiz, make_whitepaper
from tests.leads.factories import make_lead, make_reachable_lead, make_step

from .factories import a_choice, make_recruiter

pytestmark = pytest.mark.django_db


def test_the_result_page_and_email_link_to_the_visitors_own_call_page(
    django_capture_on_commit_callbacks,
):
    quiz = make_quiz(questions=2, whitepaper=make_whitepaper())
    client = Client()
    answer_all(client, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(details_url(quiz), DETAILS)
    html = client.get(result_url(quiz)).content.decode()
    next_step = re.search(r'<aside class="next-step".*?</aside>', html, re.S).group(0)
    path = re.search(r'href="(/call/[^"]+/)">Talk to a recruiter, confidentially', next_step)[1]
    page = Client().get(path)  # another browser, as from the email: the link alone is enough
    assert page.status_code == 200 and "Sam, tell us when suits you" in page.content.decode()

    [result_email] = [m for m in mail.outbox if m.to == ["sam@example.com"]]
    # Signed when the email was written: the same lead, maybe another second's signature.
    emailed = re.search(r"https://careers\.example\.com(/call/[^/\s]+/)", result_email.body)[1]
    assert emailed.split(":")[0] == path.split(":")[0]
    assert "Sam, tell us when suits you" in Client().get(emailed).content.decode()
    html_part = result_email.alternatives[0][0]
    assert f'href="https://careers.example.com{emailed}"' in html_part


def test_follow_ups_carry_the_link_too():
    lead = make_reachable_lead(first_name="Ana")
    rendered = follow_up_render(step=make_step(body="A tip."), lead=lead)
    assert re.search(r"https://careers\.example\.com/call/[^/\s]+/", rendered.text_body)
    link = re.search(
        r'<a href="(https://careers\.example\.com/call/[^"]+/)"[^>]*>([^<]+)</a>',
        rendered.html_body,
    )
    assert link and link.group(2).strip() == "Talk to a recruiter"


def test_a_time_the_clocks_skip_is_refused_with_a_reason():
    now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    form = CallRequestForm(
        {"time_zone": "America/New_York", "first_choice": "2027-03-14T02:30"}, now=now
    )
    assert not form.is_valid()
    assert "doesn't exist in your time zone" in form.errors["first_choice"][0]


def test_the_lead_page_shows_the_call_requests(admin_client):
    make_recruiter("rita")
    lead = make_lead(first_name="Ana")
    call_request_submit(lead=lead, choice=a_choice(phone="+13035550123 ext. 45"))
    html = admin_client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    assert "Call requests" in html and "+1 303-555-0123 ext. 45" in html
    assert "(America/New_York)" in html


def test_the_request_page_in_the_admin_shows_both_clocks_and_can_be_worked(admin_client):
    rita = make_recruiter("rita")
    call = call_request_submit(lead=make_lead(first_name="Ana"), choice=a_choice())
    url = f"/admin/calls/callrequest/{call.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert "America/New_York" in html and "In turn (round robin)" in html
    response = admin_client.post(url, {"status": "scheduled", "assigned_to": rita.pk})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallRequest.Status.SCHEDULED


def test_handing_a_request_on_emails_the_new_recruiter_and_keeps_the_deadline(
    admin_client, django_capture_on_commit_callbacks
):
    sam = make_recruiter("sam")
    RecruiterStatus.objects.create(user=sam, away=True)  # so the request goes to someone else
    call = call_request_submit(lead=make_lead(first_name="Ana"), choice=a_choice())
    assert call.assigned_to != sam
    url = f"/admin/calls/callrequest/{call.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"status": "open", "assigned_to": sam.pk})
    assert response.status_code == 302
    [notice] = [m for m in mail.outbox if m.to == ["sam@firm.example"]]
    assert "Ana" in notice.subject and "Handed on by staff" in notice.body
    handed = CallRequest.objects.get()
    assert handed.assigned_to == sam and handed.due_at == call.due_at


def test_routing_rules_offer_the_quizs_results_and_only_recruiters(admin_client):
    make_quiz(questions=2)
    rita = make_recruiter("rita")
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("eddie", password="x", is_staff=True)
    html = admin_client.get("/admin/calls/routingrule/add/").content.decode()
    assert '<option value="Career focused">' in html and "Any result" in html
    assert ">rita<" in html and "eddie" not in html
    response = admin_client.post(
        "/admin/calls/routingrule/add/",
        {
            "order": 1,
            "band": "Career focused",
            "role_keywords": "",
            "recruiter": rita.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert RoutingRule.objects.get().band == "Career focused"


def test_a_recruiter_is_marked_away_in_the_admin(admin_client):
    rita = make_recruiter("rita")
    response = admin_client.post(
        "/admin/calls/recruiterstatus/add/", {"user": rita.pk, "away": "on", "note": "back Monday"}
    )
    assert response.status_code == 302
    assert rita.recruiter_status.away


def test_a_gdpr_export_includes_call_requests():
    make_recruiter("rita")
    lead = make_lead()
    call_request_submit(lead=lead, choice=a_choice(message="Mornings"))
    [row] = lead_personal_data(lead=lead)["call_requests"]
    assert row["phone"] == "+13035550123" and row["message"] == "Mornings"


def test_the_request_list_runs_the_same_queries_however_many_requests(admin_client):
    make_recruiter("rita")
    make_recruiter("sam")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/admin/calls/callrequest/").status_code == 200
        return len(captured)

    call_request_submit(lead=make_lead(), choice=a_choice())
    few = queries()
    for _ in range(15):
        call_request_submit(lead=make_lead(), choice=a_choice())
    assert queries() == few


def test_business_hours_that_make_no_sense_stop_the_site_at_start(settings):
    settings.FIRM_BUSINESS_HOURS = "Mon-Fri 17:00-08:00"
    with pytest.raises(SystemCheckError, match=r"calls\.E001"):
        call_command("check")


def test_a_holiday_that_is_not_a_date_stops_the_site_at_start_with_its_name(settings):
    settings.FIRM_HOLIDAYS = ["2026-12-25", "2026-12-32"]
    with pytest.raises(SystemCheckError, match=r"calls\.E002.*'2026-12-32' is not a date"):
        call_command("check")


def test_a_request_before_a_holiday_is_due_after_it(settings):
    settings.FIRM_HOLIDAYS = ["2026-12-25"]
    make_recruiter("rita")
    christmas_eve = datetime(2026, 12, 24, 16, 30, tzinfo=ZoneInfo("America/Denver"))
    call = call_request_submit(lead=make_lead(), choice=a_choice(), now=christmas_eve)
    assert timezone.localtime(call.due_at) == datetime(
        2026, 12, 28, 9, 30, tzinfo=ZoneInfo("America/Denver")
    )


def test_a_holiday_staff_enter_in_the_admin_is_skipped_by_the_deadline(client):
    call_command("load_initial_content", stdout=StringIO())
    rita = make_recruiter("rita")
    rita.groups.add(Group.objects.get(name="Recruiters"))
    client.force_login(rita)
    add = "/admin/calls/holiday/add/"
    assert client.post(add, {"date": "2026-12-25", "name": "Christmas Day"}).status_code == 302

    christmas_eve = datetime(2026, 12, 24, 16, 30, tzinfo=ZoneInfo("America/Denver"))
    call = call_request_submit(lead=make_lead(), choice=a_choice(), now=christmas_eve)
    assert timezone.localtime(call.due_at) == datetime(
        2026, 12, 28, 9, 30, tzinfo=ZoneInfo("America/Denver")
    )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-02-30", "Enter a valid date."),
        ("25/12/2026", "Enter a valid date."),
        ("", "This field is required."),
        ("2026-12-25", "Holiday with this Date already exists."),
    ],
)
def test_a_holiday_that_is_not_a_date_or_twice_is_a_form_error(admin_client, day, message):
    Holiday.objects.create(date=datetime(2026, 12, 25).date(), name="Christmas Day")
    response = admin_client.post("/admin/calls/holiday/add/", {"date": day, "name": "Closed"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Holiday.objects.count() == 1
