"""The form at the end of the quiz: who to send the result to, and what they agree to."""

import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from email_validator import EmailNotValidError, validate_email

from leads.services import visitor_address_review

_WHITESPACE = re.compile(r"\s+")
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}  # controls, format (bidi overrides), unassigned
_JOINERS = {"\u200c", "\u200d"}  # format characters that some scripts need in names


def single_line(value: str) -> str:
    """One clean line: newlines and tabs become spaces, other control characters go.

    Names end up in email headers and greetings, where a newline or an invisible
    character could do harm or look broken.
    """
    kept = []
    for char in value:
        if char in "\r\n\t\v\f\u2028\u2029\x85":
            kept.append(" ")
        elif char in _JOINERS or unicodedata.category(char) not in _INVISIBLE:
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()


EMAIL_ERRORS = {
    "required": "Enter your email address.",
    "invalid": "Enter your email address in the form name@example.com.",
    "max_length": "Your email address must be 254 characters or fewer.",
}

# Bump when the follow-up consent wording changes: each lead keeps the words they agreed to.
CONSENT_VERSION = "follow-ups-2026-11"


class DetailsForm(forms.Form):
    # Every message names its field and says what to do: the error summary lists them alone.
    first_name = forms.CharField(
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={
            "required": "Enter your first name.",
            "max_length": "Your first name must be 80 characters or fewer.",
            "null_characters_not_allowed": "Remove the invisible characters from your first name.",
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )
    current_role = forms.CharField(
        label="Current role (optional)",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        error_messages={
            "max_length": "Your current role must be 120 characters or fewer.",
            "null_characters_not_allowed": "Remove the invisible characters from your role.",
        },
    )
    follow_up_consent = forms.BooleanField(
        label=(
            "Yes, also send me a few follow-up emails with career advice matched to my result. "
            "I can stop them at any time."
        ),
        required=False,
    )
    # Filled by static/js/time_zone.js; a zone the server doesn't know is ignored (leads).
    # No max_length: a hidden field's error would be one the visitor can't see or fix.
    time_zone = forms.CharField(
        required=False,
        widget=forms.HiddenInput(attrs={"data-time-zone": ""}),
    )
    # A honeypot: people never see it, so anything typed here came from a bot.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}  # the server's messages are the accessible ones
        self.helper.layout = Layout(
            "first_name",
            "email",
            HTML('{% include "leads/email_suggestion.html" %}'),  # "Did you mean ...?"
            "current_role",
            "follow_up_consent",
            "time_zone",
            Div(Field("website"), css_class="hp-field", aria_hidden="true"),
            # A notice, not a box to tick: the law asks that people are told, at the moment
            # they give their details, not that they tick to say so (docs/features.md).
            HTML('{% include "assessment/includes/privacy_notice.html" %}'),
            Submit(
                "submit",
                "Send me my result",
                css_class="btn-brand btn-lg",
                aria_describedby="privacy-notice",
            ),
        )

    def clean_first_name(self) -> str:
        name = single_line(self.cleaned_data["first_name"])
        if not name:
            raise forms.ValidationError("Enter your first name.")
        return name

    def clean_current_role(self) -> str:
        return single_line(self.cleaned_data["current_role"])

    def clean_email(self) -> str:
        """Syntax here (no DNS lookup: it would make the form slow and flaky offline); what
        we can't send to, and likely typos, in leads (docs/email.md)."""
        chosen = self.data.get("email_choice", "")  # a "Did you mean ...?" button
        try:
            checked = validate_email(
                chosen or self.cleaned_data["email"],
                check_deliverability=False,
                allow_smtputf8=False,
            )
        except EmailNotValidError as error:
            raise forms.ValidationError(f"Check your email address. {error}") from error
        self.email_review = visitor_address_review(address=checked.normalized)
        if problem := self.email_review.problem(kept=bool(chosen)):
            raise forms.ValidationError(problem)
        return checked.normalized

    def consent_wording(self) -> str:
        """The exact words next to the follow-up box, with their version, for the record."""
        return f"[{CONSENT_VERSION}] {self.fields['follow_up_consent'].label}"

    @property
    def is_probably_a_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class FreshLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages=EMAIL_ERRORS,
        help_text="The address you used for the assessment.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            "email", Submit("submit", "Email me a new link", css_class="btn-brand btn-lg")
        )
