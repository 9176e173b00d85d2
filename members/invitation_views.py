"""Invitations: the manager's page that creates one (link, QR code, WhatsApp) under
/c/<slug>/undangan/…, and the invited person's page /undangan/<token>/ (outside any
cooperative's URL: they have no role anywhere yet).

Wrong tokens are counted per client address in the cache (users/invitations.py, shared with
staff-role invitations); past `MISSES_ALLOWED` in `MISS_WINDOW` seconds every token is refused
for a while (429), which makes guessing pointless on top of the 256-bit tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cooperatives import access
from portal.forms import apply_validation_error
from users import invitations as shared
from users.phone import display_phone

from . import invitations as service
from .models import Invitation, Member

MISSES_ALLOWED = shared.MISSES_ALLOWED
MISS_WINDOW = shared.MISS_WINDOW


# --- the manager's side (tenant URLs) ------------------------------------------------------------

@access.cooperative_view(roles={access.MANAGER})
def invitation_create(request, slug, number):
    member = get_object_or_404(Member, number=number)
    context = {"member": member, "open": service.open_invitations(member=member), "errors": []}
    if request.method == "POST":
        try:
            new = service.invitation_create(actor=request.user, member=member)
        except ValidationError as exc:
            context["errors"] = exc.messages
        else:
            url = request.build_absolute_uri(reverse("invitations:accept", args=[new.token]))
            text = service.invitation_message(member=member, url=url, expires_at=new.expires_at)
            context.update({
                "new": new, "url": url, "qr": service.qr_data_uri(url), "message": text,
                "whatsapp": service.whatsapp_link(phone=member.phone, text=text), "open": [],
            })
            # The token is shown once, on this answer only: never cached, never stored.
            response = render(request, "members/invitations/create.html", context)
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "members/invitations/create.html", context, status=400 if context["errors"] else 200)


@access.cooperative_view(roles={access.MANAGER})
@require_POST
def invitation_revoke(request, slug, pk):
    invitation = get_object_or_404(Invitation.objects.select_related("member"), pk=pk)
    try:
        service.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The invitation was revoked; its link no longer works."))
    return redirect("invitation_manage:create", slug=slug, number=invitation.member.number)


# --- the invited person's side -------------------------------------------------------------------

def _blocked(request) -> bool:
    return shared.blocked(request, MISSES_ALLOWED)


def _count_miss(request):
    shared.count_miss(request)


class AcceptForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Your phone number"), max_length=20,
        help_text=gettext_lazy("The number you gave the cooperative. You will log in with it."),
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
        if logged_in:  # an existing login: no new password
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") and data.get("password2") is not None:
            if data["password1"] != data["password2"]:
                self.add_error("password2", _("The two passwords differ."))
        return data


def _unusable(request, state, invitation=None):
    status = 404 if state == service.InvitationState.UNKNOWN else 410
    response = render(request, "members/invitations/unusable.html", {
        "state": state, "cooperative": invitation.cooperative if invitation else None,
    }, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def invitation_accept(request, token):
    if _blocked(request):
        response = render(request, "members/invitations/unusable.html", {"state": "blocked"}, status=429)
        response["Retry-After"] = str(MISS_WINDOW)
        return response
    invitation = service.invitation_lookup(token)
    if invitation is None:
        _count_miss(request)
        return _unusable(request, service.InvitationState.UNKNOWN)
    state = service.state_of(invitation)
    if state != service.InvitationState.OPEN:
        return _unusable(request, state, invitation)
    member, cooperative = invitation.member, invitation.cooperative
    logged_in = request.user.is_authenticated
    initial = {"phone": display_phone(request.user.phone)} if logged_in and request.user.phone else {}
    form = AcceptForm(request.POST or None, logged_in=logged_in, initial=initial)
    login_first = None
    if request.method == "POST" and form.is_valid():
        try:
            accepted = service.invitation_accept(
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
            messages.success(request, _("Welcome! Your login is now linked to your membership of %(cooperative)s.") % {
                "cooperative": cooperative.name})
            return redirect("self:home", slug=cooperative.slug)
    response = render(request, "members/invitations/accept.html", {
        "cooperative": cooperative, "first_name": service.first_name(member.full_name), "form": form,
        "expires_at": invitation.expires_at, "logged_in": logged_in, "login_first": login_first,
        "login_url": reverse("account_login") + "?" + urlencode({"next": request.path}),
    })
    response["Cache-Control"] = "private, no-store"
    return response
