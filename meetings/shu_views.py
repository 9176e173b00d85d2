"""SHU distribution pages (/c/<slug>/shu/…, issue 5 item 8) and the member's own SHU page.

The manager writes (volumes, percentages, approval as the RAT's decision, posting, crediting);
the bookkeeper and the supervisor read. Thin views: a form parses, one service of
meetings.shu_services writes (one transaction each), selectors read. Every form works as a
plain request; htmx saves a volume row inline.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cooperatives import access
from ledger.models import BookYear, BookYearState
from portal.forms import apply_validation_error
from portal.formatting import format_rupiah

from . import selectors, shu_exports, shu_imports, shu_services
from .models import MemberTransactionVolume, ShuStatus
from .shu_forms import DateForm, DecisionForm, ShareSearchForm, ShuSettingsForm, VolumeImportForm, VolumeTableForm

READERS = access.STAFF_ROLES
WRITERS = frozenset({access.MANAGER})
PAGE_SIZE = 50
IMPORT_SESSION_KEY = "shu_volume_import"


def _data(request):
    """The POST data of a form request (bound even when empty), else None."""
    return request.POST if request.method == "POST" else None


def _can_write(request) -> bool:
    return bool(access.roles_in(request.user, request.cooperative) & WRITERS)


def _require_writer(request):
    if not _can_write(request):
        raise PermissionDenied


def _book_year(year):
    """The book year row (None when the books have no such year)."""
    return BookYear.objects.filter(year=year).first()


def _meeting_url(request, meeting) -> str:
    """The RAT's page, when the meeting pages are installed."""
    if meeting is None:
        return ""
    try:
        return reverse("meetings:detail", kwargs={"slug": request.cooperative.slug, "pk": meeting.pk})
    except NoReverseMatch:
        return ""


def _distribution_or_redirect(request, slug, year):
    distribution = selectors.shu_distribution(cooperative=request.cooperative, book_year=year)
    if distribution is None:
        if _book_year(year) is None:
            raise Http404
        messages.info(request, _("The SHU of %(year)s has not been computed yet.") % {"year": year})
        return None, redirect("shu:year", slug=slug, year=year)
    distribution.cooperative = request.cooperative  # already loaded: no query for it
    return distribution, None


# --- index and one year --------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def index(request, slug):
    """The book years, with the state of each one's SHU distribution."""
    years = selectors.shu_year_list(cooperative=request.cooperative)
    return render(request, "meetings/shu/index.html", {"years": years, "can_write": _can_write(request)})


@access.cooperative_view(roles=READERS)
def year(request, slug, year):
    """The SHU of a closed year from the ledger, the allocation percentages and the savings
    basis; POST (manager) computes the members' shares (shu_prepare)."""
    cooperative = request.cooperative
    book_year = _book_year(year)
    distribution = selectors.shu_distribution(cooperative=cooperative, book_year=year)
    if book_year is None and distribution is None:
        raise Http404
    if request.method == "POST":
        _require_writer(request)
    editable = distribution is None or distribution.status == ShuStatus.DRAFT
    closed = book_year is not None and book_year.state == BookYearState.CLOSED
    form = ShuSettingsForm(request.POST if request.method == "POST" else None,
                           initial=ShuSettingsForm.initial_from(distribution or _previous_distribution(cooperative, year)))
    if request.method == "POST" and form.is_valid():
        try:
            shu_services.shu_prepare(actor=request.user, cooperative=cooperative, book_year=year,
                                     meeting=shu_services.rat_of_year(cooperative=cooperative, book_year=year),
                                     savings_basis=form.cleaned_data["savings_basis"], **form.percentages())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The members' shares of the SHU %(year)s were computed. Check them below.") % {"year": year})
            return redirect("shu:preview", slug=slug, year=year)
    shu_total = distribution.shu_total if distribution and not editable else shu_services.year_shu(cooperative=cooperative, book_year=year)
    context = {
        "year": year, "book_year": book_year, "distribution": distribution, "form": form, "closed": closed,
        "editable": editable, "can_write": _can_write(request), "shu_total": shu_total,
        "volumes": selectors.volume_summary(cooperative=cooperative, book_year=year),
        "rat": distribution.meeting if distribution and distribution.meeting_id else shu_services.rat_of_year(cooperative=cooperative, book_year=year),
    }
    context["rat_url"] = _meeting_url(request, context["rat"])
    return render(request, "meetings/shu/year.html", context, status=400 if request.method == "POST" else 200)


def _previous_distribution(cooperative, year):
    """The latest earlier year's allocation: the AD/ART's percentages rarely change."""
    from .models import ShuDistribution

    return ShuDistribution.objects.filter(book_year__lt=year).order_by("-book_year").first()


# --- transaction volumes -------------------------------------------------------------------

def _volume_page(request, year):
    search = ShareSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    rows = selectors.volume_rows(cooperative=request.cooperative, book_year=year, search=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman") or request.POST.get("halaman"))
    return search, page


@access.cooperative_view(roles=READERS)
def volumes(request, slug, year):
    """Members' transaction volumes for jasa usaha: a table of the members on the register at
    the year end. htmx saves one row when its field changes; without JavaScript the page's
    rows are saved together."""
    cooperative = request.cooperative
    if _book_year(year) is None:
        raise Http404
    distribution = selectors.shu_distribution(cooperative=cooperative, book_year=year)
    locked = distribution is not None and distribution.status != ShuStatus.DRAFT
    if request.method == "POST":
        _require_writer(request)
        if request.htmx and request.POST.get("row"):
            return _volume_row_save(request, year, locked)
    search, page = _volume_page(request, year)
    form = VolumeTableForm(request.POST if request.method == "POST" else None, members=page.object_list)
    status = 200
    if request.method == "POST" and not locked:
        if form.is_valid():
            try:
                count = shu_services.transaction_volume_set(actor=request.user, cooperative=cooperative, book_year=year,
                                                            volumes=form.volumes())
            except ValidationError as exc:
                apply_validation_error(form, exc)
                status = 400
            else:
                messages.success(request, _("%(n)s volumes saved.") % {"n": count})
                target = reverse("shu:volumes", kwargs={"slug": slug, "year": year})
                return redirect(f"{target}?halaman={page.number}" if page.number > 1 else target)
        else:
            status = 400
    return render(request, "meetings/shu/volumes.html", {
        "year": year, "search": search, "page": page, "form": form, "locked": locked, "can_write": _can_write(request),
        "summary": selectors.volume_summary(cooperative=cooperative, book_year=year), "distribution": distribution,
    }, status=status)


def _volume_row_save(request, year, locked):
    """htmx: save one member's volume; answers the table row (200 also for a refusal, so htmx
    swaps the row with its message)."""
    cooperative = request.cooperative
    try:
        member_id = int(request.POST.get("row", ""))
    except ValueError:
        raise Http404 from None
    member = selectors.volume_rows(cooperative=cooperative, book_year=year).filter(pk=member_id).first()
    if member is None:
        raise Http404
    form = VolumeTableForm(request.POST, members=[member])
    error, saved = "", False
    if locked:
        error = _("The SHU of %(year)s was already approved; its transaction volumes cannot change.") % {"year": year}
    elif form.is_valid():
        value = form.cleaned_data.get(f"v-{member.pk}")
        try:
            shu_services.transaction_volume_set(actor=request.user, cooperative=cooperative, book_year=year,
                                                volumes={member: value if value is not None else 0})
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            saved = True
            member.volume = value if value is not None else 0
            form = VolumeTableForm(None, members=[member])
    else:
        error = " ".join(form.errors.get(f"v-{member.pk}", []))
    field = form[f"v-{member.pk}"]
    return render(request, "meetings/shu/volumes.html#row", {
        "member": member, "field": field, "error": error, "saved": saved, "locked": locked, "can_write": True, "year": year,
    })


@access.cooperative_view(roles=WRITERS)
def volumes_import(request, slug, year):
    """Upload an XLSX/CSV of member number + volume → a preview listing every bad row; nothing
    is written until the clean preview is confirmed."""
    cooperative = request.cooperative
    if _book_year(year) is None:
        raise Http404
    form = VolumeImportForm(_data(request), request.FILES if request.method == "POST" else None)
    preview, token = None, ""
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            preview = _check(cooperative, year, shu_imports.read_file(content))
        except shu_imports.ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            old = request.session.pop(IMPORT_SESSION_KEY, None)
            if old:
                shu_imports.upload_discard(cooperative, old.get("token", ""))
            if preview.ok:
                token = shu_imports.upload_keep(cooperative, content)
                request.session[IMPORT_SESSION_KEY] = {"token": token, "year": year}
    return render(request, "meetings/shu/volumes_import.html", {
        "year": year, "form": form, "preview": preview, "token": token,
    }, status=400 if form.errors else 200)


def _check(cooperative, year, rows):
    from members.models import Member

    members = list(Member.objects.all().only("pk", "number", "full_name"))
    eligible = set(selectors.members_at_year_end(cooperative=cooperative, book_year=year).values_list("pk", flat=True))
    existing = dict(MemberTransactionVolume.objects.filter(book_year=year).values_list("member_id", "volume"))
    return shu_imports.check_volume_rows(rows, members=members, eligible_ids=eligible, existing=existing, book_year=year)


@require_POST
@access.cooperative_view(roles=WRITERS)
def volumes_import_confirm(request, slug, year):
    cooperative = request.cooperative
    stored = request.session.get(IMPORT_SESSION_KEY) or {}
    token = request.POST.get("token", "")
    content = shu_imports.upload_read(cooperative, token) if stored.get("token") == token and stored.get("year") == year else None
    if content is None:
        messages.error(request, _("Nothing to confirm: upload the file again."))
        return redirect("shu:volumes_import", slug=slug, year=year)
    try:
        preview = _check(cooperative, year, shu_imports.read_file(content))
    except shu_imports.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("shu:volumes_import", slug=slug, year=year)
    if not preview.ok:
        messages.error(request, _("The register changed since the preview: upload the file again to see what is wrong."))
        return redirect("shu:volumes_import", slug=slug, year=year)
    try:
        count = shu_services.transaction_volume_set(actor=request.user, cooperative=cooperative, book_year=year,
                                                    volumes=preview.volumes())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("shu:volumes_import", slug=slug, year=year)
    request.session.pop(IMPORT_SESSION_KEY, None)
    shu_imports.upload_discard(cooperative, token)
    messages.success(request, _("%(n)s volumes imported (total %(total)s).") % {"n": count, "total": format_rupiah(preview.total)})
    return redirect("shu:volumes", slug=slug, year=year)


# --- the preview ---------------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def preview(request, slug, year):
    """Every member's jasa modal, jasa usaha and total, the totals, the allocation and the
    rounding remainder; `?format=xlsx` downloads the whole table (audited)."""
    cooperative = request.cooperative
    distribution, response = _distribution_or_redirect(request, slug, year)
    if response:
        return response
    totals = selectors.shu_totals(cooperative=cooperative, distribution=distribution)
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        shares = list(selectors.shu_share_list(cooperative=cooperative, distribution=distribution))
        content, filename = shu_exports.render_preview_xlsx(distribution, shares, totals)
        shu_exports.shu_record_export(actor=request.user, distribution=distribution, rows=len(shares))
        response = HttpResponse(content, content_type=shu_exports.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    if fmt:
        return HttpResponse(_("Unknown download format: choose xlsx.") + "\n", status=400, content_type="text/plain; charset=utf-8")
    search = ShareSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    page = Paginator(selectors.shu_share_list(cooperative=cooperative, distribution=distribution, search=query), PAGE_SIZE).get_page(
        request.GET.get("halaman"))
    context = {
        "year": year, "distribution": distribution, "totals": totals, "page": page, "search": search,
        "allocation": shu_exports.allocation_lines(distribution), "can_write": _can_write(request),
        "rat_url": _meeting_url(request, distribution.meeting),
    }
    template = "meetings/shu/preview.html"
    if request.htmx and request.htmx.target == "share-results":
        template += "#results"
    return render(request, template, context)


# --- approve, post, credit -----------------------------------------------------------------

@access.cooperative_view(roles=WRITERS)
def approve(request, slug, year):
    """Approve the shares as the RAT's decision (recorded on the SHU agenda item of the year's
    RAT while it is invited or held)."""
    cooperative = request.cooperative
    distribution, response = _distribution_or_redirect(request, slug, year)
    if response:
        return response
    if distribution.status != ShuStatus.DRAFT:
        messages.info(request, _("The SHU of %(year)s is already approved.") % {"year": year})
        return redirect("shu:preview", slug=slug, year=year)
    rat = shu_services.rat_of_year(cooperative=cooperative, book_year=year)
    deciding = rat is not None and rat.status in shu_services.DECIDING_STATUSES and rat.agenda_items.filter(kind="shu").exists()
    form = DecisionForm(_data(request), initial={"decision_text": shu_services.decision_text_default(distribution)})
    form.fields["decision_method"].required = deciding  # no meeting record to write: nothing to ask
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shu_services.shu_approve_as_rat_decision(
                actor=request.user, distribution=distribution, method=data["decision_method"] or "mufakat", decision_text=data["decision_text"],
                votes_for=data["votes_for"], votes_against=data["votes_against"], votes_abstain=data["votes_abstain"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if deciding:
                messages.success(request, _("The SHU of %(year)s is approved and recorded as the RAT's decision.") % {"year": year})
            else:
                messages.success(request, _("The SHU of %(year)s is approved.") % {"year": year})
            return redirect("shu:preview", slug=slug, year=year)
    return render(request, "meetings/shu/approve.html", {
        "year": year, "distribution": distribution, "form": form, "rat": rat, "rat_url": _meeting_url(request, rat), "deciding": deciding,
        "totals": selectors.shu_totals(cooperative=cooperative, distribution=distribution),
    }, status=400 if form.errors else 200)


@access.cooperative_view(roles=WRITERS)
def post(request, slug, year):
    """Post the approved allocation to the ledger on a date (one journal entry)."""
    distribution, response = _distribution_or_redirect(request, slug, year)
    if response:
        return response
    if distribution.status == ShuStatus.POSTED:
        messages.info(request, _("The SHU of %(year)s is already posted as %(number)s.") % {
            "year": year, "number": distribution.journal_entry.number})
        return redirect("shu:preview", slug=slug, year=year)
    form = DateForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            distribution = shu_services.shu_post(actor=request.user, distribution=distribution, date=form.cleaned_data["date"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The SHU of %(year)s was posted as %(number)s.") % {
                "year": year, "number": distribution.journal_entry.number})
            return redirect("shu:preview", slug=slug, year=year)
    lines, problem = [], ""
    if distribution.status == ShuStatus.APPROVED:
        try:
            lines = shu_services.shu_posting_lines(distribution)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    return render(request, "meetings/shu/post.html", {
        "year": year, "distribution": distribution, "form": form, "lines": lines, "problem": problem,
    }, status=400 if form.errors else 200)


@access.cooperative_view(roles=WRITERS)
def credit(request, slug, year):
    """Credit every unpaid share of a posted distribution to the member's simpanan sukarela."""
    cooperative = request.cooperative
    distribution, response = _distribution_or_redirect(request, slug, year)
    if response:
        return response
    form = DateForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            count = shu_services.shu_credit_to_savings(actor=request.user, distribution=distribution, date=form.cleaned_data["date"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if count:
                messages.success(request, _("%(n)s members' shares were credited to their simpanan sukarela.") % {"n": count})
            else:
                messages.info(request, _("Nothing left to credit: every share is already credited or paid."))
            return redirect("shu:preview", slug=slug, year=year)
    return render(request, "meetings/shu/credit.html", {
        "year": year, "distribution": distribution, "form": form,
        "pending": selectors.shu_credit_pending(cooperative=cooperative, distribution=distribution),
        "totals": selectors.shu_totals(cooperative=cooperative, distribution=distribution),
    }, status=400 if form.errors else 200)


# --- the member's own SHU ------------------------------------------------------------------

@access.cooperative_view(roles={access.MEMBER})
def mine(request, slug):
    """The member's SHU per book year with how it was computed (their own row only)."""
    from members.self_selectors import own_member

    member = own_member(cooperative=request.cooperative, user=request.user)
    if member is None:
        raise Http404
    rows = selectors.member_shu_history(cooperative=request.cooperative, member=member)
    return render(request, "meetings/shu/mine.html", {"member": member, "rows": rows})

