"""The books' pages: chart of accounts, journal, entry form, book years, opening balances.

Thin views (DESIGN.md §4): parse with a form, call one ledger service or selector, render.
Each page works as a plain request; with htmx, partials (`{% partialdef %}`) make it faster.
"""

import re
import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cooperatives import access
from portal.formatting import format_rupiah
from portal.forms import apply_validation_error
from users.security import sensitive_action

from . import imports, selectors, services
from .forms import (
    LINE_PREFIX, MAX_LINES, START_LINES, AccountForm, AccountLookup, EntryForm, EntrySearchForm, LineFormSet,
    OpeningBalanceForm, OpeningImportForm, ReopenForm, ReverseForm, compact_lines, entry_data,
    first_day_of_book_year, is_blank_line, line_totals, raw_header, raw_lines,
)
from .models import Account, BookYear, BookYearState, EntryKind, EntryState, JournalEntry, JournalLine

PAGE_SIZE = 25
READERS = access.STAFF_ROLES  # manager, bookkeeper, supervisor
WRITERS = frozenset({access.BOOKKEEPER, access.MANAGER})
CLOSERS = frozenset({access.MANAGER})
OPENING_SESSION_KEY = "ledger_opening_import"


def _roles(request):
    return access.roles_in(request.user, request.cooperative)


def _can_write(request):
    return bool(_roles(request) & WRITERS)


def _split_lines_error(exc: ValidationError):
    """(errors about the lines, the rest as a ValidationError or None)."""
    if not hasattr(exc, "error_dict"):
        return [], exc
    rest = {k: v for k, v in exc.error_dict.items() if k != "lines"}
    lines = [m for e in exc.error_dict.get("lines", []) for m in e.messages]
    return lines, (ValidationError(rest) if rest else None)


# --- chart of accounts ---------------------------------------------------------------------

def _tree(accounts):
    """(account, depth) in code order; depth follows the parent chain."""
    by_pk = {a.pk: a for a in accounts}
    rows = []
    for account in accounts:
        depth, parent_id, seen = 0, account.parent_id, set()
        while parent_id and parent_id in by_pk and parent_id not in seen:
            seen.add(parent_id)
            depth += 1
            parent_id = by_pk[parent_id].parent_id
        rows.append((account, min(depth, 4)))
    return rows


@access.cooperative_view(roles=READERS)
def account_list(request, slug):
    accounts = list(selectors.account_list(cooperative=request.cooperative))
    return render(request, "ledger/account_list.html", {"rows": _tree(accounts), "can_edit": _can_write(request)})


@access.cooperative_view(roles=WRITERS)
def account_add(request, slug):
    cooperative = request.cooperative
    form = AccountForm(request.POST or None, cooperative=cooperative)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(actor=request.user, cooperative=cooperative, **{
                k: v for k, v in form.cleaned_data.items() if k != "is_active"
            })
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Account %(account)s was added.") % {"account": account})
            return redirect("ledger:accounts", slug=slug)
    return render(request, "ledger/account_form.html", {"form": form, "account": None})


@access.cooperative_view(roles=WRITERS)
def account_edit(request, slug, code):
    account = get_object_or_404(Account.objects.select_related("parent"), code=code)
    fields = ("name", "kind", "parent", "is_postable", "is_active", "is_contra", "segment")
    form = AccountForm(request.POST or None, cooperative=request.cooperative, account=account,
                       initial={name: getattr(account, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        try:
            if changed:
                account = services.account_update(actor=request.user, account=account, **changed)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Account %(account)s was saved.") % {"account": account})
            return redirect("ledger:accounts", slug=slug)
    has_lines = JournalLine.objects.filter(account=account).exists()
    return render(request, "ledger/account_form.html", {"form": form, "account": account, "can_delete": not has_lines})


@require_POST
@access.cooperative_view(roles=WRITERS)
def account_delete(request, slug, code):
    account = get_object_or_404(Account, code=code)
    try:
        services.account_delete(actor=request.user, account=account)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("ledger:account_edit", slug=slug, code=code)
    messages.success(request, _("Account %(code)s was deleted.") % {"code": code})
    return redirect("ledger:accounts", slug=slug)


# --- journal -------------------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def entry_list(request, slug):
    search = EntrySearchForm(request.GET or None)
    search.is_valid()
    data = getattr(search, "cleaned_data", {}) or {}
    entries = selectors.entry_list(
        cooperative=request.cooperative, state=data.get("state", ""), search=data.get("q", ""),
        date_from=data.get("dari"), date_to=data.get("sampai"),
    ).annotate(total=Sum("lines__debit"))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("halaman"))
    template = "ledger/entry_list.html"
    if request.htmx and request.htmx.target == "entry-results":
        template += "#results"
    return render(request, template, {"search": search, "page": page, "can_edit": _can_write(request)})


def _entry_context(request, entry):
    lines = list(entry.lines.all())
    return {
        "entry": entry, "lines": lines, "can_edit": _can_write(request),
        "total_debit": sum(l.debit for l in lines), "total_credit": sum(l.credit for l in lines),
    }


@access.cooperative_view(roles=READERS)
def entry_detail(request, slug, number):
    entry = selectors.entry_with_lines(cooperative=request.cooperative, number=number)
    if entry is None:
        raise Http404
    context = _entry_context(request, entry)
    context["reversed_by"] = entry.reversed_by
    context["can_reverse"] = (
        context["can_edit"] and context["reversed_by"] is None
        and entry.kind not in (EntryKind.CLOSING, EntryKind.REVERSAL)
    )
    return render(request, "ledger/entry_detail.html", context)


def _draft_or_404(pk):
    return get_object_or_404(
        JournalEntry.objects.select_related("created_by").prefetch_related("lines__account"), pk=pk,
    )


@access.cooperative_view(roles=READERS)
def draft_detail(request, slug, pk):
    entry = _draft_or_404(pk)
    if entry.is_posted:
        return redirect("ledger:entry_detail", slug=slug, number=entry.number)
    return render(request, "ledger/entry_detail.html", _entry_context(request, entry))


@require_POST
@access.cooperative_view(roles=WRITERS)
def draft_post(request, slug, pk):
    entry = get_object_or_404(JournalEntry, pk=pk, state=EntryState.DRAFT)
    try:
        entry = services.entry_post_draft(actor=request.user, entry=entry)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("ledger:draft_detail", slug=slug, pk=pk)
    messages.success(request, _("Entry %(number)s was posted.") % {"number": entry.number})
    return redirect("ledger:entry_detail", slug=slug, number=entry.number)


@require_POST
@access.cooperative_view(roles=WRITERS)
def draft_delete(request, slug, pk):
    entry = get_object_or_404(JournalEntry, pk=pk, state=EntryState.DRAFT)
    try:
        services.entry_delete_draft(actor=request.user, entry=entry)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("ledger:draft_detail", slug=slug, pk=pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("ledger:entries", slug=slug)


@access.cooperative_view(roles=WRITERS)
def entry_reverse(request, slug, number):
    entry = get_object_or_404(JournalEntry, number=number, state=EntryState.POSTED)
    form = ReverseForm(request.POST if request.method == "POST" else None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.entry_reverse(actor=request.user, entry=entry, date=form.cleaned_data["date"],
                                              description=form.cleaned_data["description"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(number)s was reversed by %(reversal)s.") % {"number": number, "reversal": reversal.number})
            return redirect("ledger:entry_detail", slug=slug, number=reversal.number)
    return render(request, "ledger/entry_reverse.html", {"form": form, "entry": entry})


# --- the entry form ------------------------------------------------------------------------

FORM_KEY = "form_key"


def _form_key(data=None) -> str:
    """The key a form carries from page to page; a new one for a new form."""
    key = (data or {}).get(FORM_KEY, "")
    return key if re.fullmatch(r"[0-9a-f]{32}", key) else uuid.uuid4().hex


class AlreadyDone(Exception):
    def __init__(self, url):
        self.url = url


def _once(request, key, work):
    """Run `work()` — one service call that returns the URL of what it made — at most once per
    form key: a double tap on "Post", or a resubmit after going back, finds the first result
    instead of posting again. The key row (portal.IdempotencyKey, the API's table) is written in
    the same transaction as the work; a failed service call rolls both back, so the corrected
    form may be sent again. Raises AlreadyDone(url) when the key was used."""
    from portal.models import IdempotencyKey

    key = f"page:{key}"
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a clash leaves the outer transaction usable
                record = IdempotencyKey.objects.create(
                    cooperative=request.cooperative, user=request.user, key=key, endpoint=f"POST {request.path}"[:255],
                    request_hash="", status_code=302,
                )
        except IntegrityError:
            record = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            raise AlreadyDone(record.response_body if record else "") from None
        url = work()
        record.response_body = url
        record.save(update_fields=["response_body"])
    return url


def _entry_form_context(request, form, formset, lines, line_errors=()):
    debit, credit = line_totals(lines)
    return {
        "form": form, "formset": formset, "line_errors": list(line_errors), "form_key": _form_key(request.POST),
        "accounts": formset.form_kwargs["lookup"].choices,
        "total_debit": debit, "total_credit": credit, "difference": abs(debit - credit),
        "imbalance": _imbalance_message(debit, credit), "max_lines": MAX_LINES,
    }


def _imbalance_message(debit, credit):
    if debit == credit:
        return ""
    return _("Debit and credit do not balance: difference %(diff)s.") % {"diff": format_rupiah(abs(debit - credit))}


@access.cooperative_view(roles=WRITERS)
def entry_add(request, slug):
    """The bookkeeper's main tool. Buttons: "add line" / "remove" re-render without saving
    (the whole page, or with htmx only the lines); "save as draft" and "post" call one
    service each, in one transaction; errors come back on the form, nothing half-written."""
    cooperative = request.cooperative
    lookup = AccountLookup(selectors.account_list(cooperative=cooperative))
    kwargs = {"prefix": LINE_PREFIX, "form_kwargs": {"lookup": lookup}}
    action = request.POST.get("action", "")
    line_errors = []

    if request.method != "POST" or action not in ("draft", "post"):
        if request.method == "POST":  # add a line, remove one, or only recalculate
            header, lines = raw_header(request.POST), raw_lines(request.POST)
            if "add_line" in request.POST and len(lines) < MAX_LINES:
                lines.append({})
            remove = request.POST.get("remove_line", "")
            if remove.isdigit() and int(remove) < len(lines):
                del lines[int(remove)]
            if len(lines) < 2:
                lines += [{}] * (2 - len(lines))
        else:
            header = {"date": timezone.localdate(), "journal_type": "JU"}
            lines = [{} for _ in range(START_LINES)]
        form = EntryForm(initial=header)
        formset = LineFormSet(initial=lines, **kwargs)
        context = _entry_form_context(request, form, formset, lines)
        if request.htmx and request.method == "POST":
            return render(request, "ledger/entry_form.html#lines", context)
        return render(request, "ledger/entry_form.html", context)

    lines = raw_lines(request.POST)
    form = EntryForm(request.POST)
    formset = LineFormSet(request.POST, **kwargs)
    if form.is_valid() and formset.is_valid():
        entry_lines = [f.line() for f in formset if not f.is_blank]
        service = services.entry_post if action == "post" else services.entry_save_draft
        saved = []

        def save():
            entry = service(actor=request.user, cooperative=cooperative, **form.cleaned_data, lines=entry_lines)
            saved.append(entry)
            if entry.is_posted:
                return reverse("ledger:entry_detail", kwargs={"slug": slug, "number": entry.number})
            return reverse("ledger:draft_detail", kwargs={"slug": slug, "pk": entry.pk})

        try:
            url = _once(request, _form_key(request.POST), save)
        except AlreadyDone as done:
            return _already_posted(request, done)
        except ValidationError as exc:
            # Re-show the filled lines first so the service's "Line 2" is the second line shown.
            lines = compact_lines(lines)
            data = entry_data(raw_header(request.POST), lines)
            form, formset = EntryForm(data), LineFormSet(data, **kwargs)
            form.is_valid(), formset.is_valid()
            line_errors, rest = _split_lines_error(exc)
            if rest is not None:
                apply_validation_error(form, rest)
        else:
            entry = saved[0]
            if entry.is_posted:
                messages.success(request, _("Entry %(number)s was posted.") % {"number": entry.number})
            else:
                messages.success(request, _("The entry was saved as a draft."))
            return redirect(url)
    return render(request, "ledger/entry_form.html", _entry_form_context(request, form, formset, lines, line_errors))


@require_POST
@access.cooperative_view(roles=WRITERS)
def entry_totals(request, slug):
    """Live debit/credit totals of the entry form (htmx): the `totals` partial."""
    lines = [l for l in raw_lines(request.POST) if not is_blank_line(l)]
    debit, credit = line_totals(lines)
    return render(request, "ledger/entry_form.html#totals", {
        "total_debit": debit, "total_credit": credit, "imbalance": _imbalance_message(debit, credit),
    })


# --- book years ----------------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def year_list(request, slug):
    roles = _roles(request)
    years = selectors.book_year_list(cooperative=request.cooperative).select_related("prepared_by", "closed_by")
    today = timezone.localdate()
    return render(request, "ledger/year_list.html", {
        "years": years, "today": today,
        "can_prepare": bool(roles & WRITERS), "can_close": bool(roles & CLOSERS),
    })


@require_POST
@access.cooperative_view(roles=WRITERS)
def year_prepare(request, slug, year):
    try:
        services.book_year_prepare(actor=request.user, cooperative=request.cooperative, year=year)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Book year %(year)s is ready for the manager to close.") % {"year": year})
    return redirect("ledger:years", slug=slug)


@sensitive_action  # POST asks for the password again after 15 minutes
@access.cooperative_view(roles=CLOSERS)
def year_close(request, slug, year):
    """GET: what closing will do (the SHU of the year); POST: close it."""
    cooperative = request.cooperative
    book_year = get_object_or_404(BookYear, year=year)
    errors = []
    if request.method == "POST":
        try:
            services.book_year_close(actor=request.user, cooperative=cooperative, year=year)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Book year %(year)s is closed.") % {"year": year})
            return redirect("ledger:years", slug=slug)
    return render(request, "ledger/year_close.html", {
        "book_year": book_year, "errors": errors,
        # the SHU that closing moves into SHU tahun berjalan: the year's income − expense
        "statement": selectors.income_statement(cooperative=cooperative, date_from=book_year.start_date, date_to=book_year.end_date),
        "ready": book_year.state == BookYearState.PREPARED,
    })


@sensitive_action  # POST asks for the password again after 15 minutes
@access.cooperative_view(roles=CLOSERS)
def year_reopen(request, slug, year):
    book_year = get_object_or_404(BookYear, year=year)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.book_year_reopen(actor=request.user, cooperative=request.cooperative, year=year,
                                      reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Book year %(year)s is open again.") % {"year": year})
            return redirect("ledger:years", slug=slug)
    return render(request, "ledger/year_reopen.html", {"form": form, "book_year": book_year})


# --- opening balances ----------------------------------------------------------------------

def _existing_opening():
    """The posted opening entry that has not been reversed, if any (inside the request's scope)."""
    return (
        JournalEntry.objects.filter(kind=EntryKind.OPENING, state=EntryState.POSTED, reversals__isnull=True)
        .order_by("date").first()
    )


def _post_opening(request, key, *, date, description, lines):
    """Post the opening entry once per form key; returns its URL (AlreadyDone if the key was used)."""
    def work():
        entry = services.entry_post(actor=request.user, cooperative=request.cooperative, date=date,
                                    description=description, lines=lines, kind=EntryKind.OPENING)
        messages.success(request, _("The opening balances were posted as %(number)s.") % {"number": entry.number})
        return reverse("ledger:entry_detail", kwargs={"slug": request.cooperative.slug, "number": entry.number})

    return _once(request, key, work)


def _already_posted(request, done):
    messages.info(request, _("This form was already sent; here is what it saved."))
    return redirect(done.url or reverse("ledger:entries", kwargs={"slug": request.cooperative.slug}))


@access.cooperative_view(roles=WRITERS)
def opening(request, slug):
    """Opening balances by hand: every postable account, debit or credit; one opening entry."""
    cooperative = request.cooperative
    existing = _existing_opening()
    accounts = selectors.account_list(cooperative=cooperative, postable_only=True, active_only=True)
    form = OpeningBalanceForm(request.POST or None, accounts=accounts, initial={"date": first_day_of_book_year(cooperative)})
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            return redirect(_post_opening(request, _form_key(request.POST), date=form.cleaned_data["date"],
                                          description=form.cleaned_data["description"], lines=form.lines()))
        except AlreadyDone as done:
            return _already_posted(request, done)
        except ValidationError as exc:
            apply_validation_error(form, exc)  # "lines" (e.g. the imbalance) shows above the accounts
    debit, credit = form.totals() if form.is_bound and not form.errors else (0, 0)
    return render(request, "ledger/opening.html", {
        "form": form, "existing": existing, "total_debit": debit, "total_credit": credit,
        "imbalance": _imbalance_message(debit, credit), "form_key": _form_key(request.POST),
    })


@access.cooperative_view(roles=WRITERS)
def opening_import(request, slug):
    """Upload → preview listing every bad row, the totals and any imbalance; nothing written.
    A valid, balanced preview is kept in the session until it is confirmed."""
    cooperative = request.cooperative
    existing = _existing_opening()
    form = OpeningImportForm(request.POST or None, request.FILES or None, initial={"date": first_day_of_book_year(cooperative)})
    preview = None
    token = ""
    if request.method == "POST" and form.is_valid():
        accounts = {a.code: a for a in selectors.account_list(cooperative=cooperative)}
        try:
            preview = imports.opening_preview(form.cleaned_data["file"].read(), accounts)
        except imports.ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            request.session.pop(OPENING_SESSION_KEY, None)
            if preview.ok and existing is None:
                token = uuid.uuid4().hex
                request.session[OPENING_SESSION_KEY] = {
                    "token": token, "date": form.cleaned_data["date"].isoformat(),
                    "description": form.cleaned_data["description"], "lines": preview.to_session(),
                }
    return render(request, "ledger/opening_import.html", {
        "form": form, "preview": preview, "token": token, "existing": existing,
    })


@require_POST
@access.cooperative_view(roles=WRITERS)
def opening_confirm(request, slug):
    stored = request.session.get(OPENING_SESSION_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("Nothing to confirm: upload the file again."))
        return redirect("ledger:opening_import", slug=slug)
    if _existing_opening() is not None:
        messages.error(request, _("Opening balances were already posted; reverse that entry first."))
        return redirect("ledger:opening_import", slug=slug)
    preview = imports.OpeningPreview.from_session(stored["lines"])
    try:
        url = _post_opening(request, stored["token"], date=date.fromisoformat(stored["date"]),
                            description=stored["description"], lines=preview.as_lines())
    except AlreadyDone as done:
        return _already_posted(request, done)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("ledger:opening_import", slug=slug)
    request.session.pop(OPENING_SESSION_KEY, None)
    return redirect(url)
