"""The invited person's page, shared by every kind of invitation link (member invitations in
members/, staff-role invitations in cooperatives/): refused while the client is guessing tokens
(429), unknown tokens counted and answered 404, unusable ones 410, otherwise the accept form;
every answer about a token is `private, no-store`. Each kind passes what differs: its lookup,
state and accept services, its form, template and context, and what happens once accepted."""

from django import forms
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import apply_validation_error
from users import invitations as shared
from users.phone import display_phone


class AcceptForm(forms.Form):
    """Phone number (always) and a new password twice (only when not logged in). Each kind of
    invitation subclasses it to say, in `phone_help_text`, which number is meant."""

    phone_help_text = ""
    phone = forms.CharField(
        label=gettext_lazy("Your phone number"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Choose a password"), strip=False,
        help_text=gettext_lazy("At least 8 characters; not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("The password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, logged_in=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = self.phone_help_text
        if logged_in:  # an existing login: no new password
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") and data.get("password2") is not None:
            if data["password1"] != data["password2"]:
                self.add_error("password2", _("The two passwords differ."))
        return data


def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def unusable(request, state, invitation=None, extra_context=None):
    status = 404 if state == shared.InvitationState.UNKNOWN else 410
    context = {"state": state, "cooperative": invitation.cooperative if invitation else None}
    context.update(extra_context or {})
    return _no_store(render(request, "members/invitations/unusable.html", context, status=status))


def accept_page(request, token, *, lookup, state_of, accept, form_class, template, context, on_accepted,
                unusable_context=None, invalid_status=200):
    """The whole page flow. `lookup(token)` → invitation or None; `state_of(invitation)`;
    `accept(token=, phone=, password=, user=)` → the accepted result, or raises
    `InvitationUnusable`, `LoginFirst` or a ValidationError; `context(invitation)` → the
    template's own variables; `on_accepted(request, invitation, accepted)` → the redirect after
    the login (if new) is logged in; `invalid_status` answers a POST that was not accepted
    (other than "log in first", which is 200)."""
    if shared.blocked(request):
        response = render(request, "members/invitations/unusable.html", {"state": "blocked"}, status=429)
        response["Retry-After"] = str(shared.MISS_WINDOW)
        return response
    invitation = lookup(token)
    if invitation is None:
        shared.count_miss(request)
        return unusable(request, shared.InvitationState.UNKNOWN, extra_context=unusable_context)
    state = state_of(invitation)
    if state != shared.InvitationState.OPEN:
        return unusable(request, state, invitation, unusable_context)
    logged_in = request.user.is_authenticated
    initial = {"phone": display_phone(request.user.phone)} if logged_in and request.user.phone else {}
    form = form_class(request.POST or None, logged_in=logged_in, initial=initial)
    login_first = None
    if request.method == "POST" and form.is_valid():
        try:
            accepted = accept(
                token=token, phone=form.cleaned_data["phone"], password=form.cleaned_data.get("password1", ""),
                user=request.user if logged_in else None,
            )
        except shared.InvitationUnusable as exc:
            return unusable(request, exc.state, invitation, unusable_context)
        except shared.LoginFirst as exc:
            login_first = display_phone(exc.phone)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if accepted.created_user:
                login(request, accepted.user, backend="django.contrib.auth.backends.ModelBackend")
            return on_accepted(request, invitation, accepted)
    page = {
        "cooperative": invitation.cooperative, "form": form, "expires_at": invitation.expires_at,
        "logged_in": logged_in, "login_first": login_first,
        "login_url": reverse("account_login") + "?" + urlencode({"next": request.path}),
    }
    page.update(context(invitation))
    status = invalid_status if request.method == "POST" and login_first is None else 200
    return _no_store(render(request, template, page, status=status))
