"""The savings pages (/c/<slug>/simpanan/…): overview, a member's savings, deposit, withdrawal,
reversal, receipts (page and PDF), the monthly wajib collection and the arrears list.

Thin views (DESIGN.md §4): a form parses, one service of members.savings writes (the same ones
the API calls), selectors of members.savings_selectors read. Every page works as a plain
request; htmx only makes the passbook, the deposit form's defaults and the collection search
faster. Managers and bookkeepers write; supervisors read.
"""

import re
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatives import access
from ledger.exports import xlsx
from ledger.exports.document import MONEY, Column, Line, Report, _base
from ledger.views import AlreadyDone, _form_key, _once
from portal.audit import audit_record
from portal.formatting import format_date, format_month, format_rupiah
from portal.forms import apply_validation_error

from . import receipts, savings, savings_selectors as sel, selectors, services
from .models import Member, MemberStatus, SavingsType
from .reconcile import savings_reconciliation
from .savings_forms import (
    ArrearsForm, CollectionForm, CollectionMonthForm, DepositForm, ReverseForm, WithdrawForm,
)

READERS = access.STAFF_ROLES
WRITERS = frozenset({access.MANAGER, access.BOOKKEEPER})
PASSBOOK_PAGE = 25
ARREARS_PAGE = 50


def _can_write(request) -> bool:
    return bool(access.roles_in(request.user, request.cooperative) & WRITERS)


def _member(request, number) -> Member:
    """The member with balances and wajib facts (members.savings_selectors.member_with_savings)."""
    member = sel.member_with_savings(cooperative=request.cooperative, number=number)
    if member is None:
        raise Http404
    return member


def _transaction(request, number):
    txn = sel.transaction_by_number(cooperative=request.cooperative, number=number)
    if txn is None:
        raise Http404
    return txn


def _already_done(request, done):
    messages.info(request, _("This form was already sent; here is what it recorded."))
    return redirect(done.url or reverse("savings:index", kwargs={"slug": request.cooperative.slug}))


# --- overview -------------------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def index(request, slug):
    """Totals per type beside the ledger's control accounts with the reconciliation's verdict,
    then a member search (when asked) or the latest transactions."""
    cooperative = request.cooperative
    reconciliation = savings_reconciliation(cooperative=cooperative)
    totals = reconciliation.totals
    search = " ".join(request.GET.get("q", "").split())[:100]
    found = list(selectors.member_list(cooperative=cooperative, search=search)[:20]) if search else []
    return render(request, "members/savings/index.html", {
        "search": search, "found": found,
        "totals": totals,
        "members_total": sum((t.members_total for t in totals), sel.ZERO),
        "ledger_total": sum((t.ledger_total or sel.ZERO for t in totals), sel.ZERO),
        "problems": reconciliation.problems,
        "recent": [] if search else sel.recent_transactions(cooperative=cooperative),
        "can_write": _can_write(request),
    })


# --- one member -----------------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def member(request, slug, number):
    cooperative = request.cooperative
    member = _member(request, number)
    savings_type = request.GET.get("jenis", "")
    if savings_type not in SavingsType.values:
        savings_type = ""
    page = Paginator(sel.passbook(cooperative=cooperative, member=member, savings_type=savings_type), PASSBOOK_PAGE).get_page(request.GET.get("halaman"))
    # a member's balances and transactions are specific personal data: who looked is recorded
    services.member_record_view(actor=request.user, member=member, via="savings_page")
    context = {
        "member": member, "page": page, "savings_type": savings_type, "types": SavingsType.choices,
        "can_write": _can_write(request) and member.status == MemberStatus.ACTIVE,
    }
    if request.htmx and request.htmx.target == "passbook":
        return render(request, "members/savings/member.html#passbook", context)
    balances = sel.balances_of(member)
    context.update({
        "balances": [(t, label, balances[t]) for t, label in SavingsType.choices],
        "total": balances["total"],
        "arrears": sel.member_arrears(cooperative=cooperative, member=member),
    })
    return render(request, "members/savings/member.html", context)


def _deposit_defaults(cooperative, balances) -> dict:
    pokok = cooperative.simpanan_pokok_amount
    return {
        SavingsType.POKOK: max(pokok - balances[SavingsType.POKOK], sel.ZERO) if pokok > 0 else None,
        SavingsType.WAJIB: cooperative.simpanan_wajib_monthly_amount or None,
    }


@access.cooperative_view(roles=WRITERS)
def deposit(request, slug, number):
    cooperative = request.cooperative
    member = _member(request, number)
    balances = sel.balances_of(member)
    defaults = _deposit_defaults(cooperative, balances)
    arrears = sel.member_arrears(cooperative=cooperative, member=member)
    asked = request.GET.get("jenis") or request.GET.get("savings_type")  # a link, or the htmx swap on a type change
    chosen = asked if asked in SavingsType.values else None
    if chosen is None:  # pokok first while it is not complete, else wajib
        chosen = SavingsType.POKOK if defaults[SavingsType.POKOK] else SavingsType.WAJIB
    initial = {
        "savings_type": chosen, "amount": defaults.get(chosen), "date": timezone.localdate(), "via": "cash",
        "period": arrears.unpaid[0] if arrears.unpaid else timezone.localdate().replace(day=1),
        "form_key": _form_key(),
    }
    posted = request.method == "POST"
    form = DepositForm(request.POST if posted else None, initial=initial, defaults=defaults)
    if posted and form.is_valid():
        data = form.cleaned_data
        done = []

        def work():
            txn = savings.savings_deposit(
                actor=request.user, member=member, savings_type=data["savings_type"], amount=data["amount"], date=data["date"],
                via=data["via"], period=data["period"], description=data["description"],
            )
            done.append(txn)
            return reverse("savings:receipt", kwargs={"slug": slug, "number": txn.number})

        try:
            url = _once(request, _form_key(request.POST), work)
        except AlreadyDone as already:
            return _already_done(request, already)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            txn = done[0]
            messages.success(request, _("%(type)s of %(amount)s recorded for %(name)s: receipt %(number)s.") % {
                "type": SavingsType(txn.savings_type).label, "amount": format_rupiah(txn.amount),
                "name": member.full_name, "number": txn.number})
            return redirect(url)
    context = {"form": form, "member": member, "balances": balances, "defaults": defaults, "arrears": arrears}
    if request.htmx and request.htmx.target == "deposit-amount" and not posted:
        return render(request, "members/savings/deposit.html#amount", context)
    return render(request, "members/savings/deposit.html", context)


@access.cooperative_view(roles=WRITERS)
def withdraw(request, slug, number):
    member = _member(request, number)
    balances = sel.balances_of(member)
    posted = request.method == "POST"
    form = WithdrawForm(request.POST if posted else None, initial={"date": timezone.localdate(), "via": "cash", "form_key": _form_key()})
    if posted and form.is_valid():
        data = form.cleaned_data
        done = []

        def work():
            txn = savings.savings_withdraw(actor=request.user, member=member, savings_type=SavingsType.SUKARELA,
                                           amount=data["amount"], date=data["date"], via=data["via"], description=data["description"])
            done.append(txn)
            return reverse("savings:receipt", kwargs={"slug": slug, "number": txn.number})

        try:
            url = _once(request, _form_key(request.POST), work)
        except AlreadyDone as already:
            return _already_done(request, already)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Withdrawal of %(amount)s recorded for %(name)s: receipt %(number)s.") % {
                "amount": format_rupiah(done[0].amount), "name": member.full_name, "number": done[0].number})
            return redirect(url)
    return render(request, "members/savings/withdraw.html", {"form": form, "member": member, "balance": balances[SavingsType.SUKARELA]})


@access.cooperative_view(roles=WRITERS)
def reverse_transaction(request, slug, number):
    txn = _transaction(request, number)
    posted = request.method == "POST"
    form = ReverseForm(request.POST if posted else None, initial={"date": timezone.localdate(), "form_key": _form_key()})
    if posted and form.is_valid():
        done = []

        def work():
            reversal = savings.savings_reverse(actor=request.user, transaction_=txn, date=form.cleaned_data["date"],
                                               reason=form.cleaned_data["reason"])
            done.append(reversal)
            return reverse("savings:receipt", kwargs={"slug": slug, "number": reversal.number})

        try:
            url = _once(request, _form_key(request.POST), work)
        except AlreadyDone as already:
            return _already_done(request, already)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(number)s was reversed by %(reversal)s.") % {"number": txn.number, "reversal": done[0].number})
            return redirect(url)
    return render(request, "members/savings/reverse.html", {"form": form, "txn": txn, "refusal": _reverse_refusal(txn)})


def _reverse_refusal(txn) -> str:
    """Why this transaction cannot be reversed here, said before the form is sent ('' if it can)."""
    if txn.kind == "reversal":
        return _("%(number)s is itself a reversal.") % {"number": txn.number}
    if txn.kind == "refund":
        return _("A refund on leaving is not reversed here.")
    if txn.reversed_by_number:
        return _("%(number)s was already reversed by %(reversal)s.") % {"number": txn.number, "reversal": txn.reversed_by_number}
    return ""


# --- receipts -------------------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def receipt(request, slug, number):
    txn = _transaction(request, number)
    receipt = receipts.receipts_for(request.cooperative, [txn])[0]
    return render(request, "members/savings/receipt.html", {
        "receipt": receipt, "txn": txn,
        "can_reverse": _can_write(request) and not _reverse_refusal(txn),
    })


def _pdf_response(request, content, name):
    response = HttpResponse(content, content_type=receipts.CONTENT_TYPE)
    disposition = "attachment" if request.GET.get("unduh") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{receipts.filename(request.cooperative.slug, name)}"'
    return response


@access.cooperative_view(roles=READERS)
def receipt_pdf(request, slug, number):
    txn = _transaction(request, number)
    content = receipts.render_pdf(receipts.receipts_for(request.cooperative, [txn]), request=request)
    receipts.receipt_record_export(actor=request.user, cooperative=request.cooperative, transactions=[txn])
    return _pdf_response(request, content, txn.number)


# --- the monthly wajib collection -----------------------------------------------------------

def _month(text, default):
    try:
        return CollectionForm.base_fields["period"].clean(text) or default
    except ValidationError:
        return default


def _sent_before(request) -> str | None:
    """The result URL of this form's key if it was already sent (see ledger.views._once)."""
    from portal.models import IdempotencyKey

    key = request.POST.get("form_key", "")
    if not re.fullmatch(r"[0-9a-f]{32}", key):
        return None
    record = IdempotencyKey.objects.filter(user=request.user, key=f"page:{key}").first()
    return (record.response_body or "") if record is not None else None


def _collection_date(period):
    """Today, or the last day of the month collected when that month is already over."""
    today = timezone.localdate()
    next_month = sel.month_of(sel.month_index(period) + 1)
    return min(today, next_month - timedelta(days=1)) if period <= today else today


@access.cooperative_view(roles=WRITERS)
def wajib_collect(request, slug):
    """Tick the members who paid this month's wajib and record them at once: one journal entry
    for the whole collection, one receipt per member. One form; its buttons search, tick all,
    untick all or record, so ticks survive a search without JavaScript."""
    cooperative = request.cooperative
    this_month = timezone.localdate().replace(day=1)
    posted = request.method == "POST"
    if posted:
        period = _month(request.POST.get("period"), this_month)
        search_text = request.POST.get("q", "")
        action = request.POST.get("action", "")
    else:
        month = CollectionMonthForm(request.GET or None)
        valid = month.is_valid()
        period = (month.cleaned_data.get("bulan") if valid else None) or this_month
        search_text = month.cleaned_data.get("q", "") if valid else ""
        action = ""
    search_text = " ".join(search_text.split())[:100]
    rows = sel.collection_list(cooperative=cooperative, period=period)
    numbers = [r.member.number for r in rows if not r.paid_number]
    shown = rows
    if search_text:
        matching = {r.member.pk for r in sel.collection_list(cooperative=cooperative, period=period, search=search_text)}
        shown = [r for r in rows if r.member.pk in matching]

    initial = {
        "period": period, "date": _collection_date(period), "via": "cash",
        "amount": cooperative.simpanan_wajib_monthly_amount or None, "q": search_text, "form_key": _form_key(),
    }
    ticked = set()
    if not posted:
        form = CollectionForm(initial=initial, numbers=numbers)
    elif action == "record":
        earlier = _sent_before(request)
        if earlier is not None:  # a double tap: the members are paid now, so the form would refuse them
            return _already_done(request, AlreadyDone(earlier))
        data = request.POST.copy()
        data["period"] = f"{period.year:04d}-{period.month:02d}"
        form = CollectionForm(data, numbers=numbers)
        ticked = set(data.getlist("members"))
        if form.is_valid():
            chosen = set(form.cleaned_data["members"])
            members = [r.member for r in rows if r.member.number in chosen]
            values = form.cleaned_data

            def work():
                transactions = savings.wajib_collect(actor=request.user, cooperative=cooperative, members=members, period=period,
                                                     date=values["date"], via=values["via"], amount=values["amount"])
                return reverse("savings:collection", kwargs={"slug": slug, "entry": transactions[0].journal_entry.number})

            try:
                url = _once(request, _form_key(request.POST), work)
            except AlreadyDone as already:
                return _already_done(request, already)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Simpanan wajib for %(month)s recorded for %(n)s members.") % {
                    "month": format_month(period.year, period.month), "n": len(members)})
                return redirect(url)
    else:  # search, tick all or untick all: show the form again as it was, without errors
        kept = {name: request.POST.get(name) for name in ("date", "via", "amount", "form_key") if request.POST.get(name) is not None}
        form = CollectionForm(initial={**initial, **kept}, numbers=numbers)
        if action == "tick_all":
            ticked = set(numbers)
        elif action != "untick_all":
            ticked = set(request.POST.getlist("members")) & set(numbers)
    shown_numbers = {r.member.number for r in shown}
    context = {
        "form": form, "period": period, "period_label": format_month(period.year, period.month),
        "rows": shown, "ticked": ticked, "hidden_ticks": sorted(ticked - shown_numbers), "search": search_text,
        "count_all": len(rows), "count_unpaid": len(numbers), "count_paid": len(rows) - len(numbers),
        "month_form": CollectionMonthForm(initial={"bulan": period}),
    }
    if request.htmx and request.htmx.target == "collect-list":
        return render(request, "members/savings/collect.html#list", context)
    return render(request, "members/savings/collect.html", context)


def _collection(request, entry):
    transactions = sel.collection_transactions(cooperative=request.cooperative, entry_number=entry)
    if not transactions:
        raise Http404
    return transactions


@access.cooperative_view(roles=READERS)
def collection(request, slug, entry):
    transactions = _collection(request, entry)
    first = transactions[0]
    return render(request, "members/savings/collection.html", {
        "transactions": transactions, "entry": first.journal_entry, "period": first.period,
        "total": sum((t.amount for t in transactions), sel.ZERO),
        "standing": sum((t.amount for t in transactions if not t.reversed_by_number), sel.ZERO),
        "recorded_by": first.created_by,
    })


@access.cooperative_view(roles=READERS)
def collection_pdf(request, slug, entry):
    transactions = _collection(request, entry)
    content = receipts.render_pdf(receipts.receipts_for(request.cooperative, transactions), request=request,
                                  title=_("Simpanan wajib receipts, %(entry)s") % {"entry": entry})
    receipts.receipt_record_export(actor=request.user, cooperative=request.cooperative, transactions=transactions, entry=entry)
    return _pdf_response(request, content, f"wajib-{entry}")


# --- arrears --------------------------------------------------------------------------------

@access.cooperative_view(roles=READERS)
def arrears(request, slug):
    cooperative = request.cooperative
    form = ArrearsForm(request.GET or None)
    rows = sel.arrears_list(cooperative=cooperative, order=form.order(), min_months=form.min_months())
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return _arrears_xlsx(request, rows)
    if fmt:
        return HttpResponse(_("Unknown download format: choose xlsx.") + "\n", status=400, content_type="text/plain; charset=utf-8")
    page = Paginator(rows, ARREARS_PAGE).get_page(request.GET.get("halaman"))
    return render(request, "members/savings/arrears.html", {
        "form": form, "page": page, "count": len(rows),
        "total_months": sum(r.months_unpaid for r in rows), "total_amount": sum((r.amount for r in rows), sel.ZERO),
        "monthly": cooperative.simpanan_wajib_monthly_amount, "order": form.order(),
        "query": request.GET.urlencode(),
    })


def _arrears_xlsx(request, rows):
    cooperative = request.cooperative
    today = timezone.localdate()
    columns = [
        Column(_("Member number"), width=14), Column(_("Name"), width=34), Column(_("Joined"), "date", 12),
        Column(_("Owed since"), width=16), Column(_("Last month paid"), width=16), Column(_("Months unpaid"), width=10),
        Column(_("Amount owed"), MONEY, 18),
    ]
    lines = [Line([
        r.member.number, r.member.full_name, r.member.joined_on,
        format_month(r.start.year, r.start.month) if r.start else "",
        format_month(r.last_paid.year, r.last_paid.month) if r.last_paid else "–",
        r.months_unpaid, r.amount,
    ]) for r in rows]
    lines.append(Line(["", _("Total"), None, "", "", sum(r.months_unpaid for r in rows), sum((r.amount for r in rows), sel.ZERO)], "total"))
    report = Report(
        "tunggakan-simpanan-wajib", _("Simpanan wajib arrears"),
        _("As of %(date)s; %(amount)s a month") % {"date": format_date(today, long=True), "amount": format_rupiah(cooperative.simpanan_wajib_monthly_amount)},
        columns, lines, file_dates=(today,),
        notes=[_("Months are counted from the month the member joined, or from the month the cooperative's wajib records in the portal begin, through the current month.")],
        **_base(cooperative),
    )
    audit_record(actor=request.user, action="savings.arrears_export", cooperative=cooperative,
                 changes={"rows": [None, len(rows)], "format": [None, "xlsx"]})
    response = HttpResponse(xlsx.render_xlsx(report), content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report.filename(cooperative.slug, "xlsx")}"'
    return response
