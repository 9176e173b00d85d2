"""The member's own pages inside one cooperative (/c/<slug>/saya/…).

Only the role "member" opens them (staff get 403 unless they are members too). Every read goes
through `self_selectors.own_member`: the register row linked to the logged-in user in this
cooperative. There is no member number in these URLs, so nothing can be changed to reach
another member's data. Budget (DESIGN.md §7): ≤ 8 queries whatever the number of transactions.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperatives import access
from portal.forms import apply_validation_error
from portal.formatting import month_name

from . import self_selectors as selectors
from . import statements
from .models import SavingsType


def _own_member(request):
    member = selectors.own_member(cooperative=request.cooperative, user=request.user)
    if member is None:  # the member role comes from this very row; a race with leaving, say
        raise Http404
    return member


@access.cooperative_view(roles={access.MEMBER})
def home(request, slug):
    cooperative = request.cooperative
    member = _own_member(request)
    balances = selectors.balances_of(member)
    context = {
        "member": member,
        "balances": balances,
        "total": sum((b.amount for b in balances), selectors.ZERO),
        "arrears": selectors.wajib_arrears(member=member),
        "latest": selectors.latest_transactions(cooperative=cooperative, member=member),
        "shu": selectors.shu_received(cooperative=cooperative, member=member),
        "papers": selectors.published_papers(cooperative=cooperative, member=member),
    }
    return render(request, "members/self/home.html", context)


class PassbookFilter(forms.Form):
    jenis = forms.ChoiceField(label=gettext_lazy("Savings type"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jenis"].choices = [("", _("All types"))] + list(SavingsType.choices)


@access.cooperative_view(roles={access.MEMBER})
def passbook(request, slug):
    member = _own_member(request)
    filter_form = PassbookFilter(request.GET or None)
    savings_type = filter_form.cleaned_data["jenis"] if filter_form.is_valid() else ""
    page = selectors.passbook(cooperative=request.cooperative, member=member, page=request.GET.get("halaman", 1),
                              savings_type=savings_type)
    template = "members/self/passbook.html"
    if request.htmx and request.htmx.target == "passbook-more":
        template += "#rows"  # "load more": the next rows and the next button
    return render(request, template, {"member": member, "page": page, "filter_form": filter_form})


class StatementForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    month = forms.TypedChoiceField(label=gettext_lazy("Month"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].choices = [(y, str(y)) for y in range(today.year, member.joined_on.year - 1, -1)]
        self.fields["month"].choices = [("", _("The whole year"))] + [(m, month_name(m)) for m in range(1, 13)]
        self.fields["month"].help_text = _("Leave it on the whole year for a statement of every month.")
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("month", today.month)


@access.cooperative_view(roles={access.MEMBER})
def statement(request, slug):
    """The statement form; with ?year=…[&month=…] the PDF itself (an audited export)."""
    cooperative = request.cooperative
    member = _own_member(request)
    asked = "year" in request.GET
    form = StatementForm(request.GET if asked else None, member=member)
    if asked and form.is_valid():
        try:
            start, end, label = statements.statement_period(
                member=member, year=form.cleaned_data["year"], month=form.cleaned_data["month"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            document = statements.statement_build(cooperative=cooperative, member=member, date_from=start, date_to=end, period=label)
            content = statements.render_statement_pdf(document, request=request)
            statements.statement_record_export(actor=request.user, member=member, date_from=start, date_to=end)
            response = HttpResponse(content, content_type=statements.CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{document.filename(cooperative.slug)}"'
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "members/self/statement.html", {"member": member, "form": form}, status=400 if asked else 200)
