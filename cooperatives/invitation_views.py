"""The invited person's page for a staff-role invitation (/undangan/pengurus/<token>/): outside
any cooperative's URL, like the member invitations' page, because the person has no role
anywhere yet. Wrong tokens count towards the same per-address limit as member invitations."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from users import invitation_views as accept_flow
from users import invitations as shared

from . import invitations as service


class RoleAcceptForm(accept_flow.AcceptForm):
    phone_help_text = gettext_lazy("The number the city office has for you. You will log in with it.")


def _context(invitation):
    return {"invitation": invitation, "first_name": shared.first_name(invitation.full_name)}


def _accepted(request, invitation, accepted):
    messages.success(request, _("Welcome! You are now %(role)s of %(cooperative)s.") % {
        "role": accepted.invitation.get_role_display(), "cooperative": invitation.cooperative.name})
    return redirect("coop:overview", slug=invitation.cooperative.slug)


def role_invitation_accept(request, token):
    return accept_flow.accept_page(
        request, token, lookup=service.role_invitation_lookup, state_of=service.state_of,
        accept=service.role_invitation_accept, form_class=RoleAcceptForm,
        template="cooperatives/role_invitation_accept.html", context=_context, on_accepted=_accepted,
        unusable_context={"role_invitation": True}, invalid_status=400,
    )
