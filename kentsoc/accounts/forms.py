from django import forms


class CodeForm(forms.Form):
    otp = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        error_messages={"required": "Enter the code from your authenticator app."},
    )
