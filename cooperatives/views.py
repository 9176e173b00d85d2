from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import apply_validation_error
from users.security import sensitive_action

from . import access, selectors, services
from .forms import CooperativeProfileForm, RoleAssignForm
from .models import RoleAssignment


@access.cooperative_view(roles={access.MANAGER})
def profile_edit(request, slug):
    cooperative = request.cooperative
    form = CooperativeProfileForm(request.POST or None, instance=cooperative)
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperative_profile_update(actor=request.user, cooperative=cooperative, **{
                name: form.cleaned_data[name] for name in form.changed_data
            })
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The cooperative's profile was saved."))
            return redirect("coop:overview", slug=cooperative.slug)
    if request.method == "POST":
        cooperative.refresh_from_db()
    return render(request, "cooperatives/profile_form.html", {"form": form, "cooperative": cooperative})


@sensitive_action  # giving a role (POST) asks for the password again after 15 minutes
@access.cooperative_view(roles={access.MANAGER})
def role_list(request, slug):
    cooperative = request.cooperative
    form = RoleAssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(
                actor=request.user, cooperative=cooperative, user=form.cleaned_data["user"],
                role=form.cleaned_data["role"], title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The role was given."))
            return redirect("cooperatives:roles", slug=cooperative.slug)
    assignments = selectors.role_assignment_list(cooperative=cooperative)
    return render(request, "cooperatives/role_list.html", {"assignments": assignments, "form": form})


@sensitive_action
@require_POST
@access.cooperative_view(roles={access.MANAGER})
def role_revoke(request, slug, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user", "cooperative"), pk=pk)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The role was removed."))
    return redirect("cooperatives:roles", slug=request.cooperative.slug)


@access.cooperative_view(roles={access.MANAGER, access.SUPERVISOR})
def audit_list(request, slug):
    events = selectors.audit_event_list(cooperative=request.cooperative, action_prefix=request.GET.get("jenis", ""))
    page = Paginator(events, 50).get_page(request.GET.get("halaman"))
    return render(request, "cooperatives/audit_list.html", {"page": page})
