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


class ProfileForm(forms.Form):
    """The person's own name, phone and email. Changing the phone or the email (what they log in
    with) asks for the current password."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"}),
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    current_password = forms.CharField(
        label=_("Current password"), required=False, strip=False,
        help_text=_("Needed only when you change your phone number or email."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        kwargs.setdefault("initial", {
            "full_name": user.full_name, "phone": user.phone_display, "email": user.email or "",
        })
        super().__init__(*args, **kwargs)

    def login_changed(self) -> bool:
        data = self.cleaned_data
        phone = (data.get("phone") or "").strip()
        try:
            phone = normalize_phone(phone) if phone else None
        except ValidationError:
            return True
        email = (data.get("email") or "").strip().lower() or None
        return phone != self.user.phone or email != (self.user.email or None)

    def clean(self):
        data = super().clean()
        if not self.errors and self.login_changed():
            password = data.get("current_password") or ""
            if not password:
                self.add_error("current_password", _("Enter your current password to change your phone number or email."))
            elif not self.user.check_password(password):
                self.add_error("current_password", _("The password is not correct."))
        return data
