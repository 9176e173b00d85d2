from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from allauth.account.forms import LoginForm

from .phone import looks_like_phone, normalize_phone


class PhoneOrEmailLoginForm(LoginForm):
    """allauth's login form, taking a phone number (any common Indonesian spelling) or an email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("Phone number or email")
        field.widget = forms.TextInput(
            attrs={
                "placeholder": _("0812 3456 7890 or name@example.com"),
                "autocomplete": "username",
                "inputmode": "email",
                "autocapitalize": "none",
            }
        )
        self.fields["password"].label = _("Password")

    def clean_login(self):
        login = (self.cleaned_data.get("login") or "").strip()
        if "@" in login:
            return login.lower()
        if not looks_like_phone(login):
            raise ValidationError(_("Enter a phone number (e.g. 0812 3456 7890) or an email address."))
        return normalize_phone(login)
