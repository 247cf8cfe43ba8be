"""One reader's whole journey, through the real views, as the site ships it.

From the seed article's call to action through the quiz, the result page and the result
email, the double opt-in that schedules the follow-ups, to the one-click unsubscribe that
cancels them. Celery runs eagerly and mail stays in memory here: the real Redis, worker
and SMTP server are exercised by the other tests in this folder.
"""

import re
from email.message import Message
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from leads.models import FollowUpStep, Lead, OutboundEmail

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/are-you-career-or-job-focused/"
CAMPAIGN = "?utm_source=linkedin&utm_medium=social&utm_campaign=spring"


def _path(url: str) -> str:
    """Emails carry absolute links (SITE_URL); the test client wants the path."""
    return urlsplit(url).path


def _links(text: str) -> list[str]:
    return re.findall(r"https://\S+", text)


def test_a_reader_goes_from_the_article_to_follow_ups_and_stops_them(
    settings, django_capture_on_commit_callbacks
):
    settings.QUIZ_MIN_SECONDS = 0  # this reader answers faster than any person
    call_command("load_initial_content", verbosity=0)
    reader = Client()

    # The article ends with its call to action.
    article = reader.get(ARTICLE + CAMPAIGN)
    assert article.status_code == 200
    [cta] = re.findall(r'href="([^"]+/assessment/)"', article.content.decode())
    assert cta == ARTICLE + "assessment/"

    # "Start the assessment" notes the article (and the campaign) and starts the quiz:
    # one statement a page, "Agree" on each.
    page = reader.get(cta, HTTP_REFERER="https://careers.example.com" + ARTICLE + CAMPAIGN)
    assert page.status_code == 302 and page["Location"].endswith("/q/1/")
    while "/q/" in page["Location"]:
        question = reader.get(page["Location"]).content.decode()
        agree = re.search(r'value="(\d+)"[^>]*>\s*<label[^>]*>Agree</label>', question)
        page = reader.post(page["Location"], {"choice": agree.group(1)})
    details_url = page["Location"]
    assert details_url.endswith("/details/")

    # Their details, with the follow-up box ticked.
    with django_capture_on_commit_callbacks(execute=True):
        sent = reader.post(
            details_url,
            {
                "first_name": "Ana",
                "email": "Ana@Example.com",
                "current_role": "Regional sales manager",
                "follow_up_consent": "on",
            },
        )
    assert sent.status_code == 302

    # The result page.
    result = reader.get(sent["Location"]).content.decode()
    lead = Lead.objects.get()
    assert lead.segment and lead.segment in result
    assert "Also emailed to <strong>ana@example.com</strong> with your result" in result
    assert "ana@example.com" in result
    assert (lead.landing_path, lead.utm_source, lead.utm_campaign) == (
        ARTICLE,
        "linkedin",
        "spring",
    )

    # The result email arrived (and the team heard about the new lead).
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "recruiting@example.com"]
    [email] = [m for m in mail.outbox if m.to == ["ana@example.com"]]
    assert email.subject == f"Your result: {lead.segment}, and your copy of “Don’t Blow It”"
    html = email.alternatives[0][0]
    assert "Yes, send me the career emails" in html
    links = _links(email.body)
    download = next(link for link in links if "/download/" in link)
    confirm = next(link for link in links if "/email/confirm/" in link)
    pdf = reader.get(_path(download))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    # Following the confirm link shows a button; pressing it confirms and schedules.
    assert "Yes, send me the follow-ups" in reader.get(_path(confirm)).content.decode()
    confirmed = reader.post(_path(confirm))
    assert "Thank you for confirming" in confirmed.content.decode()
    follow_ups = OutboundEmail.objects.filter(lead=lead, kind=OutboundEmail.Kind.FOLLOW_UP)
    expected = FollowUpStep.objects.for_lead(lead)
    assert len(expected) >= 2
    assert follow_ups.filter(status=OutboundEmail.Status.QUEUED).count() == len(expected)
    lead.refresh_from_db()
    assert all(row.send_at > lead.confirmed_at for row in follow_ups)

    # Gmail's one-click unsubscribe: a POST to the List-Unsubscribe address, with no
    # session and no CSRF token.
    message: Message = email.message()
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mail_provider = Client(enforce_csrf_checks=True)
    done = mail_provider.post(_path(unsubscribe), {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()

    # Every follow-up still waiting is cancelled; nothing more will be sent.
    assert follow_ups.filter(status=OutboundEmail.Status.CANCELLED).count() == len(expected)
    assert not follow_ups.exclude(status=OutboundEmail.Status.CANCELLED).exists()
