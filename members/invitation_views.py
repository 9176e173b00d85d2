"""Invitations: the manager's page that creates one (link, QR code, WhatsApp) under
/c/<slug>/undangan/…, and the invited person's page /undangan/<token>/ (outside any
cooperative's URL: they have no role anywhere yet).

Wrong tokens are counted per client address in the cache (users/invitations.py, shared with
staff-role invitations); past `MISSES_ALLOWED` in `MISS_WINDOW` seconds every token is refused
for a while (429), which makes guessing pointless on top of the 256-bit tokens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cooperatives import access
from users import invitation_views as accept_flow
from users import invitations as shared

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

class AcceptForm(accept_flow.AcceptForm):
    phone_help_text = gettext_lazy("The number you gave the cooperative. You will log in with it.")


def _context(invitation):
    return {"first_name": service.first_name(invitation.member.full_name)}


def _accepted(request, invitation, accepted):
    messages.success(request, _("Welcome! Your login is now linked to your membership of %(cooperative)s.") % {
        "cooperative": invitation.cooperative.name})
    return redirect("self:home", slug=invitation.cooperative.slug)


def invitation_accept(request, token):
    return accept_flow.accept_page(
        request, token, lookup=service.invitation_lookup, state_of=service.state_of,
        accept=service.invitation_accept, form_class=AcceptForm,
        template="members/invitations/accept.html", context=_context, on_accepted=_accepted,
    )
