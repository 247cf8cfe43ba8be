"""Editors and recruiters each see only their own part of the admin."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from leads.models import Lead
from tests.leads.factories import enqueue, make_reachable_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    call_command("load_initial_content", stdout=StringIO())


def staff_in(group: str, client):
    user = get_user_model().objects.create_user(
        f"{group.lower()}-1", password="not used", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def test_load_initial_content_makes_both_groups_once(content):
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Recruiters"}
    out = StringIO()
    call_command("load_initial_content", stdout=out)
    assert "Staff group" not in out.getvalue()
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_article").exists()
    assert not editors.permissions.filter(content_type__app_label="leads", codename="view_lead")


def test_nobody_but_superusers_may_delete_leads(content):
    for group in Group.objects.filter(name__in=["Editors", "Recruiters"]):
        assert not group.permissions.filter(codename__in=["delete_lead", "add_lead"]).exists()


def test_an_editor_cannot_see_leads(client, content):
    editor = staff_in("Editors", client)
    lead = make_reachable_lead(email="ana@example.com")
    email = enqueue(lead, kind="result", dedupe_key="result-1")
    index = editor.get("/admin/").content.decode()
    assert "Articles" in index
    assert "Follow-up" in index
    assert "/admin/leads/lead/" not in index
    assert "/admin/leads/outboundemail/" not in index
    assert "/admin/assessment/submission/" not in index
    for path in [
        "/admin/leads/lead/",
        f"/admin/leads/lead/{lead.pk}/change/",
        "/admin/leads/lead/export.csv",
        "/admin/leads/outboundemail/",
        f"/admin/leads/outboundemail/{email.pk}/change/",
        "/admin/assessment/submission/",
    ]:
        response = editor.get(path)
        assert response.status_code in (302, 403), path
        assert "ana@example.com" not in response.content.decode(), path


def test_an_editor_edits_articles_and_quizzes(client, content):
    editor = staff_in("Editors", client)
    for path in [
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/assessment/assessment/",
        "/admin/leads/followupstep/",
        "/admin/articles/author/add/",
        "/admin/articles/testimonial/add/",
        "/admin/articles/placementfigure/add/",
        "/admin/assessment/sign/",
    ]:
        assert editor.get(path).status_code == 200, path


def test_a_recruiter_works_leads_but_not_content_or_personal_data_tools(client, content):
    recruiter = staff_in("Recruiters", client)
    lead = make_reachable_lead(email="ana@example.com")
    listing = recruiter.get("/admin/leads/lead/")
    assert listing.status_code == 200
    assert "ana@example.com" in listing.content.decode()
    assert "GDPR" not in listing.content.decode()  # the export and erase actions
    assert recruiter.get(f"/admin/leads/lead/{lead.pk}/change/").status_code == 200
    assert recruiter.get("/admin/articles/article/add/").status_code == 403
    response = recruiter.post(
        "/admin/leads/lead/",
        {"action": "erase_personal_data", "_selected_action": [lead.pk], "confirm": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    lead.refresh_from_db()
    assert lead.email == "ana@example.com"
    assert not Lead.objects.filter(erased_at__isnull=False).exists()


def test_only_those_who_write_the_emails_open_the_email_previews(client, content):
    """The previews show the live quiz, results and follow-up texts: Editors (who write
    them) and superusers only."""
    make_reachable_lead(email="ana@example.com")
    previews = "/admin/leads/lead/email-previews/"
    editor = staff_in("Editors", client)
    page = editor.get(previews)
    assert page.status_code == 200
    assert "Follow-up:" in page.content.decode()
    assert (
        'href="/admin/leads/lead/email-previews/"'
        in editor.get("/admin/leads/followupstep/").content.decode()
    )
    editor.logout()

    recruiter = staff_in("Recruiters", client)
    refused = recruiter.get(previews)
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Follow-up:" not in html and "Ana" not in html and "Result" not in html
    assert "email-previews" not in recruiter.get("/admin/leads/lead/").content.decode()
    recruiter.logout()

    nobody = get_user_model().objects.create_user("staff-only", password="x", is_staff=True)
    client.force_login(nobody)
    assert client.get(previews).status_code == 403
