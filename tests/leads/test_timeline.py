"""The lead page as a timeline, notes and tasks added from it in one step, and the score."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment.links import download_path
from assessment.models import Submission
from calls.services import call_request_submit
from leads import hooks
from leads.exports import lead_personal_data
from leads.models import Lead, LeadNote, LeadTask
from leads.scoring import ScorePart, lead_score_refresh
from leads.services import lead_confirm, lead_erase, leads_assign, leads_set_status
from leads.timeline import Entry
from operations.staff_groups import staff_groups_load
from tests.assessment.walk import DETAILS, answer_all, details_url
from tests.calls.factories import a_choice
from tests.factories import make_quiz, make_whitepaper
from tests.leads.admin_forms import form_data
from tests.leads.factories import enqueue, make_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiter(django_user_model):
    user = django_user_model.objects.create_user(
        username="rita", password="x", is_staff=True, first_name="Rita", last_name="Reyes"
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="leads"))
    return user


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


def _page(client, lead) -> str:
    response = client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def _timeline(html: str) -> str:
    """The timeline's text, in page order, tags dropped."""
    section = html.split('id="lead-timeline-title"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def _save(client, lead, **changes) -> object:
    data = form_data(_page(client, lead)) | changes
    return client.post(f"/admin/leads/lead/{lead.pk}/change/", data)


def _take_quiz(*, downloads: int = 0) -> Submission:
    quiz = make_quiz(questions=4, title="Career or job?", whitepaper=make_whitepaper())
    visitor = Client()
    answer_all(visitor, quiz, value=4)
    assert visitor.post(details_url(quiz), DETAILS).status_code == 302
    submission = Submission.objects.get()
    for _ in range(downloads):
        Client().get(download_path(slug=quiz.slug, submission_id=submission.pk))
    return submission


# Notes and tasks, in one step ---------------------------------------------------------------


def test_a_recruiter_adds_a_note_and_a_task_with_the_save_button(recruiter_client, recruiter):
    lead = make_lead(first_name="Ana")
    due = timezone.localdate() + timedelta(days=2)

    response = _save(
        recruiter_client,
        lead,
        **{
            "lead_notes-0-text": "Wants a field role in Colorado.",
            "tasks-0-title": "Send three solar roles",
            "tasks-0-due_date": due.isoformat(),
        },
    )

    assert response.status_code == 302
    note = LeadNote.objects.get(lead=lead)
    assert (note.text, note.author) == ("Wants a field role in Colorado.", recruiter)
    task = LeadTask.objects.get(lead=lead)
    assert (task.title, task.due_date, task.done, task.created_by) == (
        "Send three solar roles",
        due,
        False,
        recruiter,
    )
    timeline = _timeline(_page(recruiter_client, lead))
    assert "Wants a field role in Colorado. by Rita Reyes" in timeline
    assert f"Task: Send three solar roles (not done) Due {due:%Y-%m-%d}" in timeline


def test_the_recruiters_group_may_add_notes_and_tasks(client, django_user_model):
    staff_groups_load()
    ana = django_user_model.objects.create_user("ana", is_staff=True, first_name="Ana")
    ana.groups.add(Group.objects.get(name="Recruiters"))
    client.force_login(ana)
    lead = make_lead()
    due = timezone.localdate().isoformat()

    fields = {"lead_notes-0-text": "Hi", "tasks-0-title": "Call", "tasks-0-due_date": due}
    assert _save(client, lead, **fields).status_code == 302

    assert LeadNote.objects.get().author == ana
    assert LeadTask.objects.get().created_by == ana


def test_ticking_a_task_done_shows_it_done_and_out_of_the_open_list(recruiter_client):
    lead = make_lead()
    task = LeadTask.objects.create(lead=lead, title="Call back", due_date=timezone.localdate())

    assert _save(recruiter_client, lead, **{"tasks-0-done": "on"}).status_code == 302

    task.refresh_from_db()
    assert task.done
    html = _page(recruiter_client, lead)
    assert "Task: Call back (done)" in _timeline(html)
    assert 'name="tasks-0-title" value="Call back"' not in html  # no longer an open row


def test_an_empty_note_box_and_an_empty_task_row_add_nothing(recruiter_client):
    lead = make_lead()
    assert _save(recruiter_client, lead, status="contacted").status_code == 302
    assert not LeadNote.objects.exists() and not LeadTask.objects.exists()
    assert Lead.objects.get(pk=lead.pk).status == "contacted"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tasks-0-title": "Call back", "tasks-0-due_date": "31/31/2026"}, "Enter a valid date."),
        ({"tasks-0-title": "Call back", "tasks-0-due_date": ""}, "This field is required."),
        ({"tasks-0-title": "", "tasks-0-due_date": "2026-12-01"}, "This field is required."),
        ({"tasks-0-title": "x" * 201, "tasks-0-due_date": "2026-12-01"}, "at most 200"),
        ({"lead_notes-0-text": "x" * 5001}, "at most 5000"),
    ],
)
def test_a_bad_note_or_task_is_refused_and_nothing_of_the_save_is_kept(
    recruiter_client, fields, message
):
    lead = make_lead()
    response = _save(recruiter_client, lead, status="qualified", **fields)

    assert response.status_code == 200  # the page again, with the message beside the field
    assert message in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == "new"  # not half saved
    assert not LeadNote.objects.exists() and not LeadTask.objects.exists()


def test_only_people_who_may_work_leads_are_offered_as_a_tasks_assignee(
    recruiter_client, django_user_model
):
    django_user_model.objects.create_user("eddie", is_staff=True, first_name="Eddie")
    html = _page(recruiter_client, make_lead())
    menu = html.split('name="tasks-0-assignee"', 1)[1].split("</select>", 1)[0]
    assert "Rita Reyes" in menu and "Eddie" not in menu


def test_the_old_notes_box_stays_visible_read_only(recruiter_client):
    html = _page(recruiter_client, make_lead(notes="Met at RE+ 2025, wants storage."))
    assert "Met at RE+ 2025, wants storage." in html
    assert 'name="notes"' not in html  # read only: new notes are entries of their own
    assert "Earlier notes" not in _page(recruiter_client, make_lead())  # hidden when empty


# The timeline -------------------------------------------------------------------------------


def test_the_timeline_shows_everything_that_happened_newest_first(recruiter_client, recruiter):
    submission = _take_quiz(downloads=1)
    lead = submission.lead
    Lead.objects.filter(pk=lead.pk).update(utm_source="linkedin", utm_campaign="solar-2026")
    _save(recruiter_client, lead, status="contacted")
    leads_assign(leads=Lead.objects.filter(pk=lead.pk), owner=recruiter)
    _save(recruiter_client, lead, **{"lead_notes-0-text": "Left a voicemail."})
    calls_entry = Entry(timezone.now(), "Call", "Call request: Tuesday morning", "Open")
    shown_calls = [*hooks.LEAD_TIMELINE_ENTRIES.registered(), lambda *, lead: [calls_entry]]

    with hooks.LEAD_TIMELINE_ENTRIES.replaced(shown_calls):
        timeline = _timeline(_page(recruiter_client, lead))

    expected_in_order = [
        "Call request: Tuesday morning",  # from the calls app's hook
        "Note",
        "Left a voicemail. by Rita Reyes",
        "Recruiter: nobody → Rita Reyes",
        "Status: New → Contacted by Rita Reyes",
        "Downloaded the whitepaper of “Career or job?”",
        f"Quiz result: {submission.band_title}",
        "First visit",
    ]
    positions = [timeline.index(text) for text in expected_in_order]
    assert positions == sorted(positions), timeline
    assert "Campaign: linkedin, solar-2026" in timeline
    # Every email with its status (opens are not tracked, so none is claimed).
    assert "Result: Your result" in timeline and "Waiting to send" in timeline
    assert "Team notification:" in timeline


def test_bulk_status_and_owner_actions_show_old_and_new_values(recruiter_client, recruiter):
    lead = make_lead()
    leads_set_status(leads=Lead.objects.filter(pk=lead.pk), status="qualified")
    leads_assign(leads=Lead.objects.filter(pk=lead.pk), owner=recruiter)
    leads_assign(leads=Lead.objects.filter(pk=lead.pk), owner=None)
    timeline = _timeline(_page(recruiter_client, lead))
    assert "Status: New → Qualified" in timeline
    assert "Recruiter: nobody → Rita Reyes" in timeline
    assert "Recruiter: Rita Reyes → nobody" in timeline


def test_a_failed_email_shows_why_on_the_timeline(recruiter_client):
    lead = make_lead()
    email = enqueue(lead)
    type(email).objects.filter(pk=email.pk).update(
        status="failed", last_error="550 mailbox unavailable"
    )
    assert "Failed: 550 mailbox unavailable" in _timeline(_page(recruiter_client, lead))


def _page_queries(client, lead) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, lead)
    return len(queries)


def _add_entries(lead, recruiter, n: int) -> None:
    for i in range(n):
        LeadNote.objects.create(lead=lead, author=recruiter, text=f"Note {i}")
        LeadTask.objects.create(
            lead=lead, title=f"Task {i}", due_date=timezone.localdate(), assignee=recruiter
        )
        enqueue(lead, dedupe_key=f"e{i}")
        leads_set_status(leads=Lead.objects.filter(pk=lead.pk), status=("contacted", "new")[i % 2])
        leads_assign(leads=Lead.objects.filter(pk=lead.pk), owner=(recruiter, None)[i % 2])


def test_the_lead_page_runs_the_same_queries_however_long_its_timeline(recruiter_client, recruiter):
    few, many = make_lead(), make_lead()
    _add_entries(few, recruiter, 1)
    _add_entries(many, recruiter, 12)

    # Measured: the user, their second factor and permissions, the lead, the two recruiter
    # menus (owner, assignee), the inlines, and one query per timeline source. A lead with
    # quiz submissions adds the quiz's answers and downloads (tests/assessment/test_lead_page).
    assert _page_queries(recruiter_client, few) == _page_queries(recruiter_client, many) == 15


# The list and the score ---------------------------------------------------------------------


def _list_queries(client, url="/admin/leads/lead/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_lead_list_runs_the_same_queries_for_5_or_60_leads(recruiter_client, recruiter):
    def add(count: int) -> None:
        for _ in range(count):
            lead = make_lead(owner=recruiter, current_role="Engineer", segment="Job focused")
            LeadNote.objects.create(lead=lead, text="x")
            LeadTask.objects.create(lead=lead, title="t", due_date=date(2026, 1, 1))

    add(5)
    five = _list_queries(recruiter_client)
    add(55)
    # The user, second factor, permissions (2), the result and owner filters, the count, the
    # page of leads, the date bar (2) and the recruiters' menu of the actions bar.
    assert _list_queries(recruiter_client) == five == 11
    assert _list_queries(recruiter_client, "/admin/leads/lead/?work=overdue") == 11


def test_the_score_adds_fit_and_engagement_and_the_list_sorts_on_it(recruiter_client):
    submission = _take_quiz(downloads=1)
    lead = Lead.objects.get(pk=submission.lead_id)
    fit = round(40 * submission.percent / 100) + 10  # the result, and "engineer"
    assert lead.score == fit + 10  # and one download

    lead_confirm(lead=lead)
    assert Lead.objects.get(pk=lead.pk).score == fit + 10 + 10

    director = make_lead(current_role="Director of Operations")
    lead_score_refresh(lead=director)
    nobody = make_lead(current_role="Student")
    lead_score_refresh(lead=nobody)
    page = recruiter_client.get("/admin/leads/lead/?o=-5")  # the score column, highest first
    order = [row.pk for row in page.context["cl"].result_list]
    assert order == [lead.pk, director.pk, nobody.pk]
    assert (Lead.objects.get(pk=director.pk).score, Lead.objects.get(pk=nobody.pk).score) == (
        20,
        0,
    )


def test_a_call_request_counts_through_the_hook_and_the_score_never_passes_100():
    lead = make_lead(current_role="VP Engineering")
    calls = [ScorePart(95, "engagement", "asked for a call")]
    with hooks.LEAD_SCORE_PARTS.replaced([lambda *, lead: calls]):
        assert lead_score_refresh(lead=lead) == 100


def test_the_csv_adds_score_latest_note_recruiter_and_call_status(recruiter_client, recruiter):
    lead = make_lead(email="ana@example.com", owner=recruiter)
    Lead.objects.filter(pk=lead.pk).update(score=42)
    LeadNote.objects.create(lead=lead, text="Older", created_at=timezone.now() - timedelta(hours=1))
    LeadNote.objects.create(lead=lead, text="=Newest, call Tuesday")
    make_lead(email="bo@example.com")
    statuses = lambda *, lead_ids: {lead.pk: "Call booked"}  # noqa: E731 - the calls app's hook

    with hooks.LEAD_CALL_STATUS.replaced([statuses]):
        response = recruiter_client.get("/admin/leads/lead/export.csv?o=1")
        body = b"".join(response.streaming_content).decode("utf-8-sig")  # streamed: read here
    rows = {row["Email"]: row for row in csv.DictReader(io.StringIO(body))}

    ana = rows["ana@example.com"]
    assert (ana["Score"], ana["Latest note"], ana["Recruiter"], ana["Call status"]) == (
        "42",
        "'=Newest, call Tuesday",  # a formula is defused
        "Rita Reyes",
        "Call booked",
    )
    bo = rows["bo@example.com"]
    assert (bo["Score"], bo["Latest note"], bo["Recruiter"], bo["Call status"]) == ("0", "", "", "")


# Personal data --------------------------------------------------------------------------------


def test_erasure_blanks_notes_and_tasks_and_the_export_includes_them(recruiter):
    lead = make_lead(notes="Old box text", current_role="Engineer")
    LeadNote.objects.create(lead=lead, author=recruiter, text="Lives in Boulder, two kids")
    LeadTask.objects.create(lead=lead, title="Call Ana at home", due_date=timezone.localdate())
    lead_score_refresh(lead=lead)

    exported = lead_personal_data(lead=lead)
    assert exported["recruiter_notes"][0]["text"] == "Lives in Boulder, two kids"
    assert exported["recruiter_tasks"][0]["title"] == "Call Ana at home"

    lead_erase(lead=lead)

    assert list(LeadNote.objects.values_list("text", flat=True)) == ["(erased)"]
    assert list(LeadTask.objects.values_list("title", flat=True)) == ["(erased)"]
    lead.refresh_from_db()
    assert (lead.notes, lead.score) == ("", 0)


def test_editing_the_role_on_the_lead_page_updates_the_score(recruiter_client):
    lead = make_lead(current_role="Student")
    assert _save(recruiter_client, lead, current_role="Director of Storage").status_code == 302
    assert Lead.objects.get(pk=lead.pk).score == 20


def test_the_command_scores_leads_that_existed_before_the_score():
    engineer, student = make_lead(current_role="Engineer"), make_lead(current_role="Student")
    out = StringIO()
    call_command("refresh_lead_scores", stdout=out)
    assert out.getvalue().strip() == "Scored 2 lead(s)."
    assert Lead.objects.get(pk=engineer.pk).score == 10
    assert Lead.objects.get(pk=student.pk).score == 0


def test_timeline_times_are_the_firms_and_the_list_names_the_recruiter(recruiter_client, recruiter):
    lead = make_lead(owner=recruiter)
    winter = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
    LeadNote.objects.create(lead=lead, author=recruiter, text="Called.", created_at=winter)
    html = _page(recruiter_client, lead)
    assert "Thu 15 Jan 2026, 08:00" in _timeline(html)  # 15:00 UTC is 08:00 in Denver
    listing = recruiter_client.get("/admin/leads/lead/").content.decode()
    assert '<td class="field-owner_display">Rita Reyes</td>' in listing


def test_a_call_request_shows_on_the_timeline_scores_and_fills_the_csv_call_status(
    recruiter_client, recruiter
):
    lead = make_lead(email="cal@example.com", current_role="Student")
    call_request_submit(lead=lead, choice=a_choice(message="Mornings are best."))

    assert Lead.objects.get(pk=lead.pk).score == 20  # asked for a call
    timeline = _timeline(_page(recruiter_client, lead))
    assert "Call request: Open: call them back" in timeline
    assert "“Mornings are best.”" in timeline
    response = recruiter_client.get("/admin/leads/lead/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["Email"] == "cal@example.com")
    assert row["Call status"] == "Open: call them back"
