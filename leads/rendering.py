"""Turn an email template into the subject, HTML and plain-text parts the outbox stores.

Every email template is three files under templates/emails/: NAME.subject.txt,
NAME.html (extends emails/base.html) and NAME.txt (extends emails/base.txt). The HTML
gets its CSS inlined (css-inline), because Gmail and Outlook ignore most <style> rules.
The footer, with the firm's postal address and the unsubscribe link, comes from the base.
"""

from dataclasses import dataclass
from functools import cache

import css_inline
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse

from . import hooks
from .cleaning import clean_line
from .models import Lead
from .tokens import unsubscribe_url


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html_body: str
    text_body: str


@cache
def _inliner() -> css_inline.CSSInliner:
    # Never fetch anything remote while inlining: every style is in the template.
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=True)


def email_context(*, lead: Lead | None) -> dict:
    """What every email template can use: the firm, the site and the reader's links."""
    context = {
        "FIRM_NAME": settings.FIRM_NAME,
        "FIRM_POSTAL_ADDRESS": settings.FIRM_POSTAL_ADDRESS,
        "SITE_URL": settings.SITE_URL,
        # "Talk to a recruiter" goes here unless the email has a call_request_url.
        "contact_url": settings.SITE_URL + reverse("contact"),
        "lead": lead,
    }
    if lead is not None and lead.pk:
        context["unsubscribe_url"] = unsubscribe_url(lead.pk)
        for extra in hooks.EMAIL_CONTEXT.registered():
            context |= extra(lead=lead)
    return context


def email_render(*, template: str, context: dict, lead: Lead | None) -> RenderedEmail:
    """Render templates/emails/<template>.{subject.txt,html,txt} for one reader."""
    full_context = email_context(lead=lead) | context
    subject = _render_plain(f"emails/{template}.subject.txt", full_context)
    html = render_to_string(f"emails/{template}.html", full_context)
    text = _render_plain(f"emails/{template}.txt", full_context)
    return RenderedEmail(
        subject=clean_line(subject, max_length=300),
        html_body=_inliner().inline(html),
        text_body=_tidy_text(text),
    )


def _render_plain(name: str, context: dict) -> str:
    """Plain text is not HTML: render it without HTML escaping."""
    wrapper = engines["django"].from_string(
        "{% autoescape off %}{% include template_name %}{% endautoescape %}"
    )
    return wrapper.render(context | {"template_name": name})


def _tidy_text(text: str) -> str:
    """Template tags leave blank-line runs behind; keep at most one blank line."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
