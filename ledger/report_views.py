"""The four ledger reports as pages (phone-readable, printable) and as XLSX and PDF downloads
(`?format=xlsx` / `?format=pdf` on the same URL). Staff of the cooperative read them all.

Bad query input shows form errors on the page and answers 400 to a download; never a 500."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cooperatives import access

from . import selectors
from .exports import document, pdf, xlsx
from .report_forms import AsOfForm, GeneralLedgerForm, PeriodForm, postable_accounts

PAGE = "ledger/reports/report.html"
FORMATS = ("xlsx", "pdf")


def _requested_format(request):
    """'' for the page, 'xlsx' or 'pdf' for a download, None when unknown."""
    value = request.GET.get("format", "")
    return value if value in ("",) + FORMATS else None


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=400, content_type="text/plain; charset=utf-8")


def _form_errors_text(form) -> str:
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.append(f"{label}: {error}" if label else str(error))
    return _("The report cannot be made: %(errors)s") % {"errors": " ".join(messages)}


def _download(request, report, fmt) -> HttpResponse:
    from portal.audit import audit_record

    # the general ledger lists entry descriptions, which name members (savings postings): every
    # download of the books is recorded, like other exports of personal data (DESIGN.md §10)
    audit_record(actor=request.user, action="ledger.report_export", cooperative=request.cooperative,
                 changes={"report": [None, report.stem], "format": [None, fmt], "period": [None, report.period]})
    if fmt == "xlsx":
        content, content_type = xlsx.render_xlsx(report), xlsx.CONTENT_TYPE
    else:
        content, content_type = pdf.render_pdf(report, request=request), pdf.CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename(request.cooperative.slug, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _respond(request, *, form, build, report_name, title, intro=""):
    """Shared flow: validate the form, build the report, answer with the page or a file."""
    fmt = _requested_format(request)
    if fmt is None:
        return _bad_request(_("Unknown download format: choose xlsx or pdf."))
    report = build(form.cleaned_data) if form.is_valid() else None
    if fmt:
        if report is None:
            return _bad_request(_form_errors_text(form) if form.errors else _("Choose an account first."))
        return _download(request, report, fmt)
    context = {
        "form": form, "report": report, "rows": report.html_rows() if report else [],
        "report_name": report_name, "title": title, "intro": intro,
    }
    return render(request, PAGE, context)


@access.cooperative_view(roles=access.STAFF_ROLES)
def index(request, slug):
    return render(request, "ledger/reports/index.html", {})


@access.cooperative_view(roles=access.STAFF_ROLES)
def trial_balance(request, slug):
    cooperative = request.cooperative
    form = AsOfForm(request.GET, cooperative=cooperative)

    def build(data):
        tb = selectors.trial_balance(cooperative=cooperative, as_of=data["as_of"])
        return document.trial_balance_report(cooperative, tb)

    return _respond(request, form=form, build=build, report_name="ledger_reports:trial_balance", title=_("Trial balance"),
                    intro=_("The balance of every account on one date, in debit and credit columns."))


@access.cooperative_view(roles=access.STAFF_ROLES)
def balance_sheet(request, slug):
    cooperative = request.cooperative
    form = AsOfForm(request.GET, cooperative=cooperative)

    def build(data):
        sheet = selectors.balance_sheet(cooperative=cooperative, as_of=data["as_of"])
        return document.balance_sheet_report(cooperative, sheet)

    return _respond(request, form=form, build=build, report_name="ledger_reports:balance_sheet",
                    title=_("Statement of financial position"),
                    intro=_("Assets, liabilities and equity on a date, beside the end of the previous book year."))


@access.cooperative_view(roles=access.STAFF_ROLES)
def income_statement(request, slug):
    cooperative = request.cooperative
    form = PeriodForm(request.GET, cooperative=cooperative)

    def build(data):
        statement = selectors.income_statement(cooperative=cooperative, date_from=data["from"], date_to=data["to"])
        return document.income_statement_report(cooperative, statement, split_segments=document.chart_has_segments(cooperative))

    return _respond(request, form=form, build=build, report_name="ledger_reports:income_statement",
                    title=_("Statement of business results (Perhitungan Hasil Usaha)"),
                    intro=_("Income and expense of a period and the remaining business result (SHU); business with members and non-members apart."))


@access.cooperative_view(roles=access.STAFF_ROLES)
def general_ledger(request, slug):
    cooperative = request.cooperative
    form = GeneralLedgerForm(request.GET, cooperative=cooperative, accounts=postable_accounts(cooperative))

    def build(data):
        if data.get("account") is None:
            return None
        ledger = selectors.general_ledger(cooperative=cooperative, account=data["account"], date_from=data["from"], date_to=data["to"])
        return document.general_ledger_report(cooperative, ledger)

    return _respond(request, form=form, build=build, report_name="ledger_reports:general_ledger", title=_("General ledger"),
                    intro=_("Every posting to one account in a period, with the running balance."))
