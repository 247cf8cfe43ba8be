from django import forms
from django.contrib.auth import authenticate

from .services import (
    BACKUP_CODE_DIGITS,
    TOTP_DIGITS,
    Outcome,
    app_device,
    code_check,
    normalize_code,
)

CODE_WIDGET = forms.TextInput(
    attrs={
        "autocomplete": "one-time-code",
        "inputmode": "numeric",
        "autocapitalize": "off",
        "spellcheck": "false",
        "size": 12,
        "maxlength": 20,
        "autofocus": True,
    }
)


class CodeForm(forms.Form):
    """A 6-digit code from the app; with backup codes allowed, an 8-digit one too."""

    code = forms.CharField(
        label="6-digit code from your authenticator app",
        widget=CODE_WIDGET,
        max_length=20,
        error_messages={"required": "Enter the 6-digit code your authenticator app shows."},
    )
    backup_allowed = False

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        lengths = {TOTP_DIGITS, BACKUP_CODE_DIGITS} if self.backup_allowed else {TOTP_DIGITS}
        if len(code) not in lengths:
            hint = " (or an 8-digit backup code)" if self.backup_allowed else ""
            raise forms.ValidationError(
                f"Enter the 6 digits your authenticator app shows now{hint}."
            )
        return code


class SignInCodeForm(CodeForm):
    backup_allowed = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            "Open the app on your phone and type the code it shows for this site. "
            "No phone? Enter one of your 8-digit backup codes instead."
        )


class TurnOffForm(forms.Form):
    """Proof that the person at the keyboard owns the account: password or a current code."""

    secret = forms.CharField(
        label="Your password, or the 6-digit code your app shows now",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
        error_messages={"required": "Enter your password or the code from your app."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def proof_problem(self, request) -> str:
        """Empty when the secret is a current app code or the password; else what is wrong.

        A 6-digit secret is taken for a code: Django's validators refuse all-digit passwords.
        """
        secret = self.cleaned_data["secret"]
        if normalize_code(secret) == secret.strip() and len(secret.strip()) == TOTP_DIGITS:
            check = code_check(device=app_device(self.user), code=secret)
            return "" if check.outcome is Outcome.ACCEPTED else check.message
        user = authenticate(request, username=self.user.get_username(), password=secret)
        if user is not None and user.pk == self.user.pk:
            return ""
        return "That password is not right."
