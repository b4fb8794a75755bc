from django import forms
from django.contrib.auth.forms import PasswordChangeForm


class CodeForm(forms.Form):
    otp = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        error_messages={"required": "Enter the code from your authenticator app."},
    )


class OwnPasswordForm(PasswordChangeForm):
    """Django's password change (current password, new one twice, the password validators),
    refusing the current password as the new one: after an administrator set it, keeping it
    would leave the administrator knowing it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"

    def clean(self) -> dict:
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and self.user.check_password(new):
            self.add_error("new_password1", "Choose a password different from your current one.")
        return cleaned
