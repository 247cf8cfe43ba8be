"""Recruiters' data in the admin: CSV export, a list that stays fast, GDPR export and erasure,
retention, and email previews."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads import hooks, previews
from leads.models import Lead, OutboundEmail
from leads.services import leads_erase_expired
from leads.tasks import erase_expired_leads
from tests.leads.factories import enqueue, make_lead, make_reachable_lead, make_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiter(django_user_model):
    """Staff with every permission on leads, but not a superuser."""
    user = django_user_model.objects.create_user(
        username="rita", password="x", is_staff=True, first_name="Rita"
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="leads"))
    return user


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


def _many_leads(count: int, owner, start: int = 0) -> None:
    Lead.objects.bulk_create(
        Lead(
            email=f"bulk{n}@example.com", first_name=f"Bulk{n}", owner=owner, segment="Job focused"
        )
        for n in range(start, start + count)
    )


def _csv(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_follows_the_current_filter_and_search(recruiter_client, recruiter):
    make_reachable_lead(
        email="ana@example.com", first_name="=HYPERLINK(1)", owner=recruiter, segment="Between"
    )
    make_lead(email="bo@example.com", status="placed")
    response = recruiter_client.get("/admin/leads/lead/export.csv?follow_ups=reachable")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[:4] == ["Email", "First name", "Current role", "Latest result"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Email"] == "ana@example.com"
    assert row["First name"] == "'=HYPERLINK(1)"  # never a formula in Excel
    assert row["Recruiter"] == "Rita"
    assert row["Follow-up emails"] == "Confirmed"
    assert row["Latest result"] == "Between"
    rows = _csv(recruiter_client.get("/admin/leads/lead/export.csv?q=bo%40example"))[1:]
    assert [row[0] for row in rows] == ["bo@example.com"]
    listing = recruiter_client.get("/admin/leads/lead/?status__exact=placed").content.decode()
    assert 'href="/admin/leads/lead/export.csv?status__exact=placed"' in listing


def test_csv_export_runs_the_same_queries_for_ten_or_three_hundred_leads(
    recruiter_client, recruiter
):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = _csv(recruiter_client.get("/admin/leads/lead/export.csv"))
        return len(captured), len(rows) - 1

    _many_leads(10, recruiter)
    few, exported = queries_for_export()
    assert exported == 10
    _many_leads(290, recruiter, start=10)  # only the number of rows changes
    Lead.objects.filter(email__startswith="bulk2").update(owner=None)
    many, exported = queries_for_export()
    assert exported == 300
    assert many == few


def test_lead_list_runs_a_fixed_number_of_queries(
    admin_client, recruiter, django_assert_max_num_queries
):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/admin/leads/lead/").status_code == 200
        return len(captured)

    _many_leads(20, recruiter)
    few = queries_for_list()
    _many_leads(180, recruiter, start=20)
    Lead.objects.filter(email__startswith="bulk1").update(segment="Career focused")
    # 9: the result filter's choices are one DISTINCT query, whatever the number of leads.
    with django_assert_max_num_queries(9):
        response = admin_client.get("/admin/leads/lead/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "bulk199@example.com" in html and 'href="?segment=Career+focused"' in html
    assert queries_for_list() == few


def test_superuser_exports_one_persons_data_as_json(admin_client):
    lead = make_reachable_lead(
        email="ana@example.com", consent_text="Send me tips", consent_ip="203.0.113.5"
    )
    enqueue(lead, subject="Your result")
    enqueue(lead, kind="notification", dedupe_key="team-new-lead", subject="New lead")
    response = admin_client.post(
        "/admin/leads/lead/", {"action": "export_personal_data", "_selected_action": [lead.pk]}
    )
    assert response["Content-Disposition"] == f'attachment; filename="lead-{lead.pk}.json"'
    data = json.loads(response.content)
    assert data["lead"]["email"] == "ana@example.com"
    assert data["consent"]["consent_text"] == "Send me tips"
    assert data["consent"]["consent_ip"] == "203.0.113.5"
    assert [email["subject"] for email in data["emails"]] == ["Your result"]


def extra_section(*, lead):
    return {"submissions": [{"lead": lead.pk, "answers": "sample"}]}


def test_other_apps_add_their_data_to_the_export_through_the_hook(admin_client):
    lead = make_lead()
    with hooks.PERSONAL_DATA_EXPORTERS.replaced([extra_section]):
        response = admin_client.post(
            "/admin/leads/lead/",
            {"action": "export_personal_data", "_selected_action": [lead.pk]},
        )
    assert json.loads(response.content)["submissions"] == [{"lead": lead.pk, "answers": "sample"}]


def test_export_needs_exactly_one_lead(admin_client):
    ids = [make_lead().pk, make_lead().pk]
    response = admin_client.post(
        "/admin/leads/lead/",
        {"action": "export_personal_data", "_selected_action": ids},
        follow=True,
    )
    assert "Select exactly one lead" in response.content.decode()


def test_superuser_erases_after_confirming_and_the_row_stays_for_counts(admin_client):
    lead = make_reachable_lead(
        email="ana@example.com",
        first_name="Ana",
        current_role="Installer",
        consent_text="Send me tips",
        consent_ip="203.0.113.5",
        notes="Called her on Monday",
        referrer="https://mail.example.com/ana",
        utm_source="linkedin",
        segment="Career focused",
        status="contacted",
    )
    sent = enqueue(lead, subject="Your result, Ana", text_body="Hi Ana")
    OutboundEmail.objects.filter(pk=sent.pk).update(status="sent", sent_at=timezone.now())
    waiting = enqueue(
        lead, kind="follow_up", dedupe_key="follow-up-1", send_at=timezone.now() + timedelta(days=3)
    )
    asked = admin_client.post(
        "/admin/leads/lead/", {"action": "erase_personal_data", "_selected_action": [lead.pk]}
    )
    assert "cannot be undone" in asked.content.decode()
    assert Lead.objects.get(pk=lead.pk).email == "ana@example.com"  # nothing yet

    response = admin_client.post(
        "/admin/leads/lead/",
        {"action": "erase_personal_data", "_selected_action": [lead.pk], "confirm": "yes"},
        follow=True,
    )
    assert "Erased the personal data of 1 lead" in response.content.decode()
    lead.refresh_from_db()
    assert lead.erased_at is not None and lead.unsubscribed_at is not None
    assert "ana" not in lead.email and lead.first_name == "(erased)"
    assert (lead.current_role, lead.consent_text, lead.consent_ip, lead.notes, lead.referrer) == (
        "",
        "",
        None,
        "",
        "",
    )
    assert (lead.status, lead.segment, lead.utm_source) == (
        "contacted",
        "Career focused",
        "linkedin",
    )
    emails = {email.pk: email for email in OutboundEmail.objects.filter(lead=lead)}
    assert len(emails) == 2
    for email in emails.values():
        assert "ana" not in (email.to_email + email.subject + email.text_body).lower()
        assert email.html_body == ""
    assert emails[sent.pk].status == "sent" and emails[sent.pk].sent_at is not None
    assert emails[waiting.pk].status == "cancelled"


def test_only_superusers_may_export_or_erase(recruiter_client):
    lead = make_lead(email="ana@example.com")
    listing = recruiter_client.get("/admin/leads/lead/").content.decode()
    assert "export_personal_data" not in listing and "erase_personal_data" not in listing
    for action in ("export_personal_data", "erase_personal_data"):
        response = recruiter_client.post(
            "/admin/leads/lead/",
            {"action": action, "_selected_action": [lead.pk], "confirm": "yes"},
        )
        assert response.get("Content-Disposition") is None
    lead.refresh_from_db()
    assert lead.email == "ana@example.com" and lead.erased_at is None


def test_retention_erases_old_unconverted_leads_only(settings):
    settings.LEAD_RETENTION_DAYS = 365
    old = timezone.now() - timedelta(days=400)
    stale = make_lead(email="stale@example.com")
    others = [make_lead(email=f"stale{n}@example.com") for n in range(3)]
    placed = make_lead(email="placed@example.com", status="placed")
    qualified = make_lead(email="qualified@example.com", status="qualified")
    recent = make_lead(email="recent@example.com")
    stale_ids = [stale.pk, *(lead.pk for lead in others)]
    Lead.objects.filter(pk__in=[*stale_ids, placed.pk, qualified.pk]).update(updated_at=old)

    assert erase_expired_leads.delay().get() == 4  # the beat task
    assert leads_erase_expired() == 0  # nothing left to do the second time
    erased = set(Lead.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == set(stale_ids)
    assert Lead.objects.count() == 7
    assert Lead.objects.get(pk=stale.pk).email == f"erased-{stale.pk}@erased.invalid"
    assert {placed.pk, qualified.pk, recent.pk}.isdisjoint(erased)


def unwritten_sample(*, lead):
    return [previews.EmailSample("not_written", "Not written", "A template nobody wrote.")]


def test_staff_preview_every_email_and_a_missing_one_shows_a_note(recruiter_client, client):
    make_step(subject="What recruiters look for", body="A record of people you developed.")
    samples = [*hooks.EMAIL_PREVIEW_SAMPLES.registered(), unwritten_sample]
    with hooks.EMAIL_PREVIEW_SAMPLES.replaced(samples):
        response = recruiter_client.get("/admin/leads/lead/email-previews/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Follow-up: What recruiters look for" in html
    assert "A record of people you developed." in html
    assert "New-lead notification" in html
    assert "Not written yet: templates/emails/not_written.subject.txt" in html
    for listing in ("lead", "followupstep", "outboundemail"):
        page = recruiter_client.get(f"/admin/leads/{listing}/").content.decode()
        assert 'href="/admin/leads/lead/email-previews/"' in page
    client.logout()
    assert client.get("/admin/leads/lead/email-previews/").status_code == 302  # to the login
