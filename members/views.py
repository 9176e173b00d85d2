from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cooperatives import access
from portal.forms import apply_validation_error

from . import selectors, services
from .forms import MemberForm, MemberSearchForm
from .models import Member

PAGE_SIZE = 25


@access.cooperative_view(roles=access.STAFF_ROLES)
def member_list(request, slug):
    cooperative = request.cooperative
    search = MemberSearchForm(request.GET or None)
    search.is_valid()
    data = getattr(search, "cleaned_data", {}) or {}
    members = selectors.member_list(cooperative=cooperative, search=data.get("q", ""), status=data.get("status", ""))
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "search": search,
        "page": page,
        "counts": selectors.member_counts(cooperative=cooperative),
        "can_edit": access.MANAGER in access.roles_in(request.user, cooperative),
        "show_full_nik": access.MANAGER in access.roles_in(request.user, cooperative),
    }
    template = "members/member_list.html"
    if request.htmx and request.htmx.target == "member-results":
        template += "#results"
    return render(request, template, context)


@access.cooperative_view(roles=access.STAFF_ROLES)
def member_detail(request, slug, number):
    member = get_object_or_404(Member, number=number)
    roles = access.roles_in(request.user, request.cooperative)
    return render(request, "members/member_detail.html", {
        "member": member, "can_edit": access.MANAGER in roles, "show_full_nik": access.MANAGER in roles,
    })


@access.cooperative_view(roles={access.MANAGER})
def member_add(request, slug):
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_admit(actor=request.user, cooperative=request.cooperative, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s was entered in the register as member %(number)s.") % {"name": member.full_name, "number": member.number})
            return redirect("members:detail", slug=slug, number=member.number)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@access.cooperative_view(roles={access.MANAGER})
def member_edit(request, slug, number):
    member = get_object_or_404(Member, number=number)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_update(actor=request.user, member=member, **{
                name: form.cleaned_data[name] for name in form.changed_data
            })
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The member's data was saved."))
            return redirect("members:detail", slug=slug, number=member.number)
    if request.method == "POST":
        member.refresh_from_db()
    return render(request, "members/member_form.html", {"form": form, "member": member})
