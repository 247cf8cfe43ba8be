"""What recruiters do in the admin: find leads, change status and owner, resend failed mail."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from leads.models import Lead, LeadTask, OutboundEmail
from tests.leads.factories import enqueue, make_lead, make_reachable_lead

pytestmark = pytest.mark.django_db


def test_lead_list_search_and_filters(admin_client):
    make_reachable_lead(email="findable@example.com", first_name="Findable")
    make_lead(email="other@example.com", first_name="Other")
    html = admin_client.get("/admin/leads/lead/?q=findable").content.decode()
    assert "findable@example.com" in html and "other@example.com" not in html
    html = admin_client.get("/admin/leads/lead/?follow_ups=reachable").content.decode()
    assert "findable@example.com" in html and "other@example.com" not in html
    for query in ("status__exact=new", "follow_ups=no", "follow_ups=unsubscribed"):
        assert admin_client.get(f"/admin/leads/lead/?{query}").status_code == 200


def test_lead_list_filters_by_latest_result(admin_client):
    make_lead(email="career@example.com", segment="Career focused")
    make_lead(email="job@example.com", segment="Job focused")
    make_lead(email="none@example.com")
    listing = admin_client.get("/admin/leads/lead/").content.decode()
    assert "By latest result" in listing
    assert 'href="?segment=Career+focused"' in listing
    assert 'href="?segment=Job+focused"' in listing
    assert 'href="?segment="' not in listing  # no empty choice for leads without a result
    html = admin_client.get("/admin/leads/lead/?segment=Job+focused").content.decode()
    assert "job@example.com" in html
    assert "career@example.com" not in html and "none@example.com" not in html


def test_bulk_status_and_owner_actions(admin_client, admin_user):
    leads = [make_lead(), make_lead()]
    ids = [str(lead.pk) for lead in leads]
    response = admin_client.post(
        "/admin/leads/lead/", {"action": "mark_contacted", "_selected_action": ids}
    )
    assert response.status_code == 302
    assert set(Lead.objects.values_list("status", flat=True)) == {"contacted"}
    response = admin_client.post(
        "/admin/leads/lead/",
        {"action": "assign_owner", "_selected_action": ids, "owner": admin_user.pk},
    )
    assert response.status_code == 302
    assert set(Lead.objects.values_list("owner", flat=True)) == {admin_user.pk}


def test_lead_page_shows_its_emails(admin_client):
    lead = make_lead()
    enqueue(lead, subject="Your career-focus result")
    html = admin_client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    assert "Your career-focus result" in html
    assert "Waiting to send" in html


def test_resend_action_sends_failed_emails_only(admin_client, django_capture_on_commit_callbacks):
    failed = enqueue(make_lead(), dedupe_key="result")
    OutboundEmail.objects.filter(pk=failed.pk).update(
        status="failed", last_error="SMTPRecipientsRefused: 550 No such user"
    )
    cancelled = enqueue(make_lead(), dedupe_key="result")
    OutboundEmail.objects.filter(pk=cancelled.pk).update(status="cancelled")
    listing = admin_client.get("/admin/leads/outboundemail/").content.decode()
    assert "550 No such user" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/leads/outboundemail/",
            {"action": "resend", "_selected_action": [failed.pk, cancelled.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "Sending 1 email(s) again" in html
    assert "Skipped 1 email(s)" in html
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get(pk=cancelled.pk).status == "cancelled"


def test_email_page_opens_read_only(admin_client):
    email = enqueue(make_lead())
    response = admin_client.get(f"/admin/leads/outboundemail/{email.pk}/change/")
    assert response.status_code == 200
    assert 'name="subject"' not in response.content.decode()


def test_assigning_to_nobody_clears_the_owner_and_junk_is_refused(admin_client, admin_user):
    lead = make_lead(owner=admin_user)
    url = "/admin/leads/lead/"
    admin_client.post(url, {"action": "assign_owner", "_selected_action": [lead.pk], "owner": ""})
    lead.refresh_from_db()
    assert lead.owner is None
    Lead.objects.filter(pk=lead.pk).update(owner=admin_user)
    admin_client.post(
        url, {"action": "assign_owner", "_selected_action": [lead.pk], "owner": "abc"}
    )
    lead.refresh_from_db()
    assert lead.owner == admin_user


def test_the_owner_menus_offer_only_people_who_may_work_leads(admin_client, admin_user):
    call_command("load_initial_content", stdout=StringIO())
    users = get_user_model().objects
    recruiter = users.create_user("rita", password="x", is_staff=True, first_name="Rita")
    recruiter.groups.add(Group.objects.get(name="Recruiters"))
    editor = users.create_user("eddie", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    gone = users.create_user("gone", password="x", is_staff=True, is_active=False)
    gone.groups.add(Group.objects.get(name="Recruiters"))
    direct = users.create_user("dana", password="x", is_staff=True)
    direct.user_permissions.add(Permission.objects.get(codename="change_lead"))
    users.create_user("visitor-account", password="x")  # not staff at all
    lead = make_lead()

    def offered(html: str, select: str) -> set[str]:
        menu = html.split(f'name="{select}"', 1)[1].split("</select>", 1)[0]
        ids = re.findall(r'<option value="(\d+)"', menu)
        return set(users.filter(pk__in=ids).values_list("username", flat=True))

    expected = {"admin", "rita", "dana"}
    page = admin_client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    assert offered(page, "owner") == expected
    listing = admin_client.get("/admin/leads/lead/").content.decode()
    assert offered(listing, "owner") == expected
    # Handing a lead to someone who may not work leads is refused, not saved.
    response = admin_client.post(
        "/admin/leads/lead/",
        {"action": "assign_owner", "_selected_action": [lead.pk], "owner": editor.pk},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner is None


def test_the_admin_home_shows_a_recruiter_their_leads_and_links_each_list(client):
    call_command("load_initial_content", stdout=StringIO())
    users = get_user_model().objects
    rita = users.create_user("rita", password="x", is_staff=True)
    rita.groups.add(Group.objects.get(name="Recruiters"))
    other = users.create_user("omar", password="x", is_staff=True)
    mine_open = make_lead(email="a@example.com", owner=rita)
    make_lead(email="b@example.com", owner=rita, status=Lead.Status.PLACED)  # done
    make_lead(email="c@example.com", owner=other)
    unassigned = make_lead(email="d@example.com")
    old = make_lead(email="e@example.com")
    Lead.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    yesterday = timezone.localdate() - timedelta(days=1)
    LeadTask.objects.create(lead=mine_open, title="Call back", due_date=yesterday)
    LeadTask.objects.create(lead=unassigned, title="Sent", due_date=yesterday, done=True)
    LeadTask.objects.create(lead=old, title="Later", due_date=timezone.localdate())
    placed = Lead.objects.get(email="b@example.com")
    LeadTask.objects.create(lead=placed, title="Closed lead", due_date=yesterday)
    client.force_login(rita)

    home = client.get("/admin/").content.decode()
    box = home.split('id="lead-work"', 1)[1].split("</div>", 1)[0]
    figures = dict(re.findall(r'\?work=(\w+)">[^<]+</a></th><td>(\d+)</td>', box))
    assert figures == {"mine": "1", "overdue": "1", "new_today": "4", "unassigned": "2"}

    def listed(work: str) -> set[str]:
        page = client.get(f"/admin/leads/lead/?work={work}")
        return {lead.email for lead in page.context["cl"].result_list}

    assert listed("mine") == {mine_open.email}
    assert listed("new_today") == {
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
    }
    assert listed("unassigned") == {unassigned.email, old.email}
    assert listed("overdue") == {mine_open.email}  # not done, past due, lead still open


def test_staff_who_cannot_see_leads_get_no_lead_figures(client):
    call_command("load_initial_content", stdout=StringIO())
    editor = get_user_model().objects.create_user("eddie", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert 'id="lead-work"' not in client.get("/admin/").content.decode()
