"""The invited person's page for a staff-role invitation (/undangan/pengurus/<token>/): outside
any cooperative's URL, like the member invitations' page, because the person has no role
anywhere yet. Wrong tokens count towards the same per-address limit as member invitations."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.forms import apply_validation_error
from users import invitations as shared
from users.phone import display_phone

from . import invitations as service


class RoleAcceptForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Your phone number"), max_length=20,
        help_text=gettext_lazy("The number the city office has for you. You will log in with it."),
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
        if logged_in:
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") and data.get("password2") is not None:
            if data["password1"] != data["password2"]:
                self.add_error("password2", _("The two passwords differ."))
        return data


def _unusable(request, state, invitation=None):
    status = 404 if state == shared.InvitationState.UNKNOWN else 410
    response = render(request, "members/invitations/unusable.html", {
        "state": state, "cooperative": invitation.cooperative if invitation else None, "role_invitation": True,
    }, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def role_invitation_accept(request, token):
    if shared.blocked(request):
        response = render(request, "members/invitations/unusable.html", {"state": "blocked"}, status=429)
        response["Retry-After"] = str(shared.MISS_WINDOW)
        return response
    invitation = service.role_invitation_lookup(token)
    if invitation is None:
        shared.count_miss(request)
        return _unusable(request, shared.InvitationState.UNKNOWN)
    state = service.state_of(invitation)
    if state != shared.InvitationState.OPEN:
        return _unusable(request, state, invitation)
    cooperative = invitation.cooperative
    logged_in = request.user.is_authenticated
    initial = {"phone": display_phone(request.user.phone)} if logged_in and request.user.phone else {}
    form = RoleAcceptForm(request.POST or None, logged_in=logged_in, initial=initial)
    login_first = None
    if request.method == "POST" and form.is_valid():
        try:
            accepted = service.role_invitation_accept(
                token=token, phone=form.cleaned_data["phone"], password=form.cleaned_data.get("password1", ""),
                user=request.user if logged_in else None,
            )
        except service.InvitationUnusable as exc:
            return _unusable(request, exc.state, invitation)
        except service.LoginFirst as exc:
            login_first = display_phone(exc.phone)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if accepted.created_user:
                login(request, accepted.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! You are now %(role)s of %(cooperative)s.") % {
                "role": accepted.invitation.get_role_display(), "cooperative": cooperative.name})
            return redirect("coop:overview", slug=cooperative.slug)
    response = render(request, "cooperatives/role_invitation_accept.html", {
        "cooperative": cooperative, "invitation": invitation, "first_name": shared.first_name(invitation.full_name),
        "form": form, "expires_at": invitation.expires_at, "logged_in": logged_in, "login_first": login_first,
        "login_url": reverse("account_login") + "?" + urlencode({"next": request.path}),
    }, status=400 if request.method == "POST" and login_first is None else 200)
    response["Cache-Control"] = "private, no-store"
    return response
