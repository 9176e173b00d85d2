"""The member register pages (/c/<slug>/anggota/…): list, detail, add, edit, leaving, import and
export. Managers write; supervisors and bookkeepers read. Thin views: forms parse, the services
in members.services / members.savings / members.imports write, selectors read."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cooperatives import access
from portal.forms import apply_validation_error
from users.security import sensitive_action

from . import exports, imports, selectors, services
from .forms import CONSENT_TEXT, MemberAddForm, MemberForm, MemberImportConfirmForm, MemberImportForm, MemberLeaveForm, MemberSearchForm
from .models import MemberStatus
from .savings import leaving_refund_preview, member_leave

PAGE_SIZE = 25
IMPORT_SESSION_KEY = "members_import"
IMPORT_ROWS_SHOWN = 300  # rows listed on the preview; every error is always listed
MANAGERS = {access.MANAGER}


def _is_manager(request) -> bool:
    return access.MANAGER in access.roles_in(request.user, request.cooperative)


def _member_or_404(request, number):
    member = selectors.member_by_number(cooperative=request.cooperative, number=number)
    if member is None:
        raise Http404
    return member


@access.cooperative_view(roles=access.STAFF_ROLES)
def member_list(request, slug):
    cooperative = request.cooperative
    counts = selectors.member_counts(cooperative=cooperative)
    search = MemberSearchForm(request.GET or None, years=selectors.join_years(counts))
    filters = search.filters()
    members = selectors.member_list(cooperative=cooperative, **filters)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    context = {
        "search": search,
        "page": page,
        "filtered": any(filters.values()),
        "export_query": query.urlencode(),
        "counts": counts,
        "can_edit": _is_manager(request),
    }
    template = "members/member_list.html"
    if request.htmx and request.htmx.target == "member-results":
        template += "#results"
    return render(request, template, context)


@access.cooperative_view(roles=access.STAFF_ROLES)
def member_detail(request, slug, number):
    member = _member_or_404(request, number)
    manager = _is_manager(request)
    services.member_record_view(actor=request.user, member=member, via="page")
    return render(request, "members/member_detail.html", {
        "member": member, "can_edit": manager, "show_full_nik": manager,
    })


@access.cooperative_view(roles=MANAGERS)
def member_add(request, slug):
    cooperative = request.cooperative
    form = MemberAddForm(request.POST or None, cooperative=cooperative)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_admit_with_pokok(actor=request.user, cooperative=cooperative, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            text = _("%(name)s was entered in the register as member %(number)s.") % {"name": member.full_name, "number": member.number}
            if form.cleaned_data.get("pay_pokok"):
                text += " " + _("The simpanan pokok was posted.")
            messages.success(request, text)
            return redirect("members:detail", slug=slug, number=member.number)
    return render(request, "members/member_form.html", {
        "form": form, "member": None,
        "consent_text": CONSENT_TEXT % {"cooperative": cooperative.name},
        "consent_version": services.CONSENT_VERSION,
        "pokok_amount": cooperative.simpanan_pokok_amount,
    })


@access.cooperative_view(roles=MANAGERS)
def member_edit(request, slug, number):
    member = _member_or_404(request, number)
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


@access.cooperative_view(roles=MANAGERS)
def member_leave_view(request, slug, number):
    """The refund of every savings balance, shown for confirmation; confirming marks the member
    as left and posts the refund (members.savings.member_leave)."""
    member = _member_or_404(request, number)
    refunds = leaving_refund_preview(member=member)
    total = sum((r.balance for r in refunds), Decimal("0"))
    form = MemberLeaveForm(request.POST or None) if member.status == MemberStatus.ACTIVE else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_leave(actor=request.user, member=member, reason=data["reason"], date=data["date"], note=data["note"], via=data["via"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s has left the cooperative; the refund was posted.") % {"name": member.full_name})
            return redirect("members:detail", slug=slug, number=member.number)
    return render(request, "members/member_leave.html", {"member": member, "refunds": refunds, "total": total, "form": form})


# --- import ----------------------------------------------------------------------------------

def _confirm_form(request, preview, data=None):
    from ledger.selectors import account_list

    accounts = account_list(cooperative=request.cooperative, postable_only=True, active_only=True) if preview.has_openings else None
    return MemberImportConfirmForm(data, accounts=accounts, needs_consent=preview.new_count > 0, needs_opening=preview.has_openings)


def _import_page(request, *, form, preview=None, confirm=None, failed=False):
    return render(request, "members/member_import.html", {
        "form": form, "preview": preview, "confirm": confirm, "failed": failed,
        "shown_rows": [r for r in preview.rows if r.action != imports.UNCHANGED][:IMPORT_ROWS_SHOWN] if preview else [],
        "rows_limit": IMPORT_ROWS_SHOWN,
    })


def _forget_upload(request):
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if stored:
        imports.upload_discard(request.cooperative, stored.get("token", ""))


@access.cooperative_view(roles=MANAGERS)
def member_import(request, slug):
    """Upload → a preview listing every bad cell by row and column; nothing is written. A clean
    file is kept (private storage) until it is confirmed."""
    form = MemberImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            preview = imports.member_import_preview(content, cooperative=request.cooperative)
        except imports.ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            _forget_upload(request)
            confirm = None
            if preview.ok:
                token = imports.upload_keep(request.cooperative, content)
                request.session[IMPORT_SESSION_KEY] = {"token": token, "name": upload.name[:200]}
                confirm = _confirm_form(request, preview)
                confirm.initial["token"] = token
            return _import_page(request, form=MemberImportForm(), preview=preview, confirm=confirm)
    return _import_page(request, form=form)


@require_POST
@access.cooperative_view(roles=MANAGERS)
def member_import_confirm(request, slug):
    cooperative = request.cooperative
    stored = request.session.get(IMPORT_SESSION_KEY) or {}
    content = None
    if stored.get("token") and stored["token"] == request.POST.get("token"):
        content = imports.upload_read(cooperative, stored["token"])
    if content is None:
        messages.error(request, _("Nothing to confirm: upload the file again."))
        return redirect("members:import", slug=slug)
    try:
        preview = imports.member_import_preview(content, cooperative=cooperative)
    except imports.ImportRefused as exc:
        _forget_upload(request)
        messages.error(request, exc.message)
        return redirect("members:import", slug=slug)
    if not preview.errors and not preview.ok:
        _forget_upload(request)
        messages.error(request, _("The file no longer changes anything in the register."))
        return redirect("members:import", slug=slug)
    confirm = _confirm_form(request, preview, request.POST)
    if confirm.is_valid():
        data = confirm.cleaned_data
        try:
            result = imports.member_import(
                actor=request.user, cooperative=cooperative, content=content, file_name=stored.get("name", ""),
                opening_date=data.get("opening_date"), counter_account=data.get("counter_account"), consent=data.get("consent", False),
            )
        except imports.ImportFailed as exc:
            preview.errors = exc.errors
            return _import_page(request, form=MemberImportForm(), preview=preview, failed=True)
        except ValidationError as exc:
            apply_validation_error(confirm, exc)
        else:
            _forget_upload(request)
            messages.success(request, imports.summary_text(result))
            return redirect("members:list", slug=slug)
    if preview.errors:  # the register changed since the preview
        return _import_page(request, form=MemberImportForm(), preview=preview, failed=True)
    return _import_page(request, form=MemberImportForm(), preview=preview, confirm=confirm)


# --- export ----------------------------------------------------------------------------------

@sensitive_action(on_get=True)  # the register's personal data: the password again after 15 minutes
@access.cooperative_view(roles=access.STAFF_ROLES)
def member_export(request, slug):
    """?format=xlsx|csv|pdf, with the list's filters (q, status, year)."""
    cooperative = request.cooperative
    fmt = request.GET.get("format", "")
    if fmt not in exports.FORMATS:
        return HttpResponse(_("Unknown download format: choose xlsx, csv or pdf.") + "\n", status=400,
                            content_type="text/plain; charset=utf-8")
    search = MemberSearchForm(request.GET, years=selectors.join_years(selectors.member_counts(cooperative=cooperative)))
    filters = search.filters()
    subtitle = _filters_text(filters)
    members = selectors.member_register(cooperative=cooperative, **filters)
    export = exports.member_register_export(
        actor=request.user, cooperative=cooperative, members=members, fmt=fmt, show_full_nik=_is_manager(request),
        filters={k: v for k, v in filters.items() if v}, subtitle=subtitle, request=request,
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filters_text(filters) -> str:
    parts = []
    if filters.get("status"):
        parts.append(str(MemberStatus(filters["status"]).label))
    if filters.get("year"):
        parts.append(_("joined in %(year)s") % {"year": filters["year"]})
    if filters.get("search"):
        parts.append(_("search “%(q)s”") % {"q": filters["search"]})
    return (_("Only: %(filters)s") % {"filters": ", ".join(parts)}) if parts else ""
