"""The city's pages (city staff and city admins): the dashboard of indicators for a book year,
the cooperative list with its filters, sorts and downloads, the compliance lists, a
cooperative's profile and the ODS workbook. Thin: forms parse, city.selectors read, city.exports
write the files, city.presentation shapes the figures for the templates.

Bad input never errors: an unknown book year, kecamatan, kelurahan or jenis gives an empty
result with a message; an unknown sort falls back to the name order."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cooperatives import access
from cooperatives.models import Cooperative
from portal.formatting import month_name
from users.security import sensitive_action

from . import exports, presentation, selectors
from .forms import CooperativeFilterForm, YearForm, clean_sort, sort_choices

PAGE_SIZE = 25
# numbers read best largest first; a second click on the same column turns the order round
ASCENDING_FIRST = {"name", "kecamatan", "kind"}


def _year(request) -> tuple[YearForm, int | None]:
    """The book year asked for in ?tahun= (the default year when none), or None when unknown."""
    default = selectors.default_year()
    years = sorted(set(selectors.available_years()) | {default}, reverse=True)
    form = YearForm({"tahun": request.GET.get("tahun", "")}, years=years, default=default)
    return form, form.year()


def _problems(*forms) -> list[str]:
    return [str(message) for form in forms for errors in form.errors.values() for message in errors]


def _download(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@access.city_view()
def home(request):
    year_form, year = _year(request)
    context = {
        "year_form": year_form, "year": year, "problems": _problems(year_form),
        "can_register": access.is_city_admin(request.user),
        "active_window": getattr(settings, "CITY_ACTIVE_WINDOW_YEARS", 3),
    }
    if year is not None:
        indicators = selectors.indicators(year)
        # by kecamatan and by jenis here; by kelurahan (33 rows) on its own page, which keeps the
        # dashboard within its 15 queries (issue 6)
        by = {by: selectors.breakdown(year, by) for by in presentation.DASHBOARD_BREAKDOWNS}
        trend = selectors.trend(year, years=5)
        trend_years, trend_rows = presentation.trend_table(trend)
        context.update({
            "stat_groups": presentation.stat_groups(indicators),
            "charts": presentation.dashboard_charts(year, indicators, by["kecamatan"], by["kind"], trend),
            "breakdowns": [presentation.breakdown_table(key, by[key]) for key in presentation.DASHBOARD_BREAKDOWNS],
            "trend_years": trend_years, "trend_rows": trend_rows,
        })
    return render(request, "city/home.html", context)


@access.city_view()
def breakdown(request, by):
    """The indicators of a book year by kecamatan, kelurahan or jenis (?kecamatan= narrows the
    kelurahan to one kecamatan), as a table and a chart of the cooperatives active."""
    key = presentation.BREAKDOWN_SLUGS.get(by)
    if key is None:
        raise Http404
    year_form, year = _year(request)
    filters = CooperativeFilterForm({"kecamatan": request.GET.get("kecamatan", "")})
    filters.is_valid()
    problems = _problems(year_form, filters)
    kecamatan = filters.cleaned_data.get("kecamatan") if not problems else None
    context = {"year_form": year_form, "year": year, "problems": problems, "by": by, "filters": filters, "kecamatan": kecamatan,
               "title": presentation.breakdown_title(key), "breakdown_links": presentation.breakdown_links()}
    if year is not None and not problems:
        rows = selectors.breakdown(year, key, kecamatan_id=kecamatan.pk if kecamatan else None)
        if kecamatan and key == "kelurahan":
            inside = set(kecamatan.kelurahan.values_list("pk", flat=True))
            rows = [row for row in rows if row.key in inside]
        elif kecamatan and key == "kecamatan":
            rows = [row for row in rows if row.key == kecamatan.pk]
        context.update({
            "table": presentation.breakdown_table(key, rows),
            "charts": presentation.breakdown_charts(key, rows),
        })
    return render(request, "city/breakdown.html", context)


def _list_query(request):
    """(year form, year, filter form, sort, problems) of the cooperative list's query string."""
    year_form, year = _year(request)
    filters = CooperativeFilterForm(request.GET)
    filters.is_valid()
    return year_form, year, filters, clean_sort(request.GET.get("urut", "")), _problems(year_form, filters)


def _rows(year, filters, sort):
    return selectors.cooperative_rows(year, **filters.selector_filters(), sort=sort).select_related("kecamatan", "kelurahan")


def _sort_headers(sort):
    """The table's columns in display order: (label, value of ?urut= for a click or "" when the
    column does not sort, aria-sort, numeric)."""
    labels = dict(sort_choices())

    def header(field):
        if field == sort.removeprefix("-"):
            current = "descending" if sort.startswith("-") else "ascending"
            next_value = field if sort.startswith("-") else f"-{field}"
        else:
            current, next_value = "", field if field in ASCENDING_FIRST else f"-{field}"
        return (labels[field], next_value, current, field not in ASCENDING_FIRST and field != "rat_held_on")

    return (
        [header("name"), header("kecamatan"), header("kind"), (_("Status"), "", "", False), header("rat_held_on")]
        + [header(field) for field in ("members_total", "members_men", "members_women", "managers", "total_savings",
                                        "total_assets", "own_capital", "outside_capital", "business_volume", "shu")]
    )


def _describe_rows(rows):
    """Status and RAT of each row, in words (the rows of one page only)."""
    for row in rows:
        row.status_code = exports.row_status(row)
        row.status_text = exports.status_label(row.status_code)
        row.rat_text = exports.rat_status_label(row)
    return rows


def _sort_options():
    options = []
    for field, label in sort_choices():
        if field in ASCENDING_FIRST:
            options += [(field, _("%(field)s, A to Z") % {"field": label}), (f"-{field}", _("%(field)s, Z to A") % {"field": label})]
        else:
            options += [(f"-{field}", _("%(field)s, largest first") % {"field": label}), (field, _("%(field)s, smallest first") % {"field": label})]
    return options


@access.city_view()
def registry(request):
    year_form, year, filters, sort, problems = _list_query(request)
    rows = _rows(year, filters, sort) if not problems else Cooperative.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    _describe_rows(page.object_list)
    template = "city/registry.html"
    if request.htmx and request.htmx.target == "city-results":
        template += "#results"
    return render(request, template, {
        "year_form": year_form, "year": year, "filters": filters, "page": page, "problems": problems,
        "sort": sort, "sort_headers": _sort_headers(sort), "sort_options": _sort_options(),
        "can_register": access.is_city_admin(request.user),
    })


@access.city_view()
@sensitive_action(on_get=True)  # a download: the password again after 15 minutes (users/security.py)
def registry_export(request, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    year_form, year, filters, sort, problems = _list_query(request)
    if problems:
        for problem in problems:
            messages.warning(request, problem)
        return redirect(f"{reverse('city:registry')}?{request.GET.urlencode()}")
    filter_values = {key: value for key, value in request.GET.items() if key in filters.fields and value}
    export = exports.cooperative_list_export(actor=request.user, rows=_rows(year, filters, sort), fmt=fmt, year=year, filters=filter_values or None)
    return _download(export)


# the address of each compliance list (Indonesian, like the rest of the portal's URLs)
COMPLIANCE_SLUGS = {"rat-terlambat": "rat_overdue", "dua-tahun-tanpa-rat": "two_years_without_rat", "aktif-tanpa-nik": "active_without_nik"}


def _compliance_texts():
    """name → (title, explanation)."""
    return {
        "rat_overdue": (_("RAT overdue"), _("No RAT for the book year, and the cooperative's deadline for it has passed.")),
        "two_years_without_rat": (
            _("Two book years in a row without RAT"),
            _("Candidates for a warning letter: a cooperative that misses its RAT twice in a row gets a warning and a planned-dissolution letter."),
        ),
        "active_without_nik": (_("Active without NIK Koperasi"), _("Active cooperatives with no NIK Koperasi recorded.")),
    }


def _compliance_lists(year):
    """[(slug, name, title, explanation, rows)] of the three lists for a book year."""
    result = selectors.compliance(year)
    texts = _compliance_texts()
    return [(slug, name, *texts[name], getattr(result, name)) for slug, name in COMPLIANCE_SLUGS.items()]


@access.city_view()
def compliance(request):
    year_form, year = _year(request)
    sections = []
    if year is not None:
        for slug, name, title, explanation, rows in _compliance_lists(year):
            sections.append({"slug": slug, "name": name, "title": title, "help": explanation, "count": rows.count(), "rows": rows[:10]})
    return render(request, "city/compliance.html", {"year_form": year_form, "year": year, "problems": _problems(year_form), "sections": sections})


def _compliance_list(slug, year):
    if slug not in COMPLIANCE_SLUGS:
        raise Http404
    if year is None:
        return COMPLIANCE_SLUGS[slug], *_compliance_texts()[COMPLIANCE_SLUGS[slug]], Cooperative.objects.none()
    for list_slug, name, title, explanation, rows in _compliance_lists(year):
        if list_slug == slug:
            return name, title, explanation, rows


@access.city_view()
def compliance_list(request, slug):
    if slug not in COMPLIANCE_SLUGS:
        raise Http404
    year_form, year = _year(request)
    name, title, explanation, rows = _compliance_list(slug, year)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "city/compliance_list.html", {
        "year_form": year_form, "year": year, "problems": _problems(year_form), "slug": slug, "name": name,
        "title": title, "help": explanation, "count": page.paginator.count, "page": page,
    })


@access.city_view()
@sensitive_action(on_get=True)  # a download: the password again after 15 minutes (users/security.py)
def compliance_export(request, slug, fmt):
    if slug not in COMPLIANCE_SLUGS or fmt not in exports.FORMATS:
        raise Http404
    year_form, year = _year(request)
    if year is None:
        for problem in _problems(year_form):
            messages.warning(request, problem)
        return redirect(reverse("city:compliance_list", args=[slug]))
    name, title, _explanation, rows = _compliance_list(slug, year)
    return _download(exports.compliance_export(actor=request.user, name=name, title=title, rows=rows, fmt=fmt, year=year))


@access.city_view()
@sensitive_action(on_get=True)  # a download: the password again after 15 minutes (users/security.py)
def ods_export(request):
    year_form, year = _year(request)
    if year is None:
        for problem in _problems(year_form):
            messages.warning(request, problem)
        return redirect(reverse("city:home"))
    rows = selectors.cooperative_rows(year, sort="name").select_related("kecamatan", "kelurahan")
    return _download(exports.ods_export(actor=request.user, rows=rows, year=year))


@access.city_view()
def cooperative(request, slug):
    cooperative = get_object_or_404(Cooperative.objects.only("pk"), slug=slug)
    profile = selectors.cooperative_profile(cooperative, years=5)
    years, rows = presentation.profile_table(profile.figures)
    return render(request, "city/cooperative.html", {
        "cooperative": profile.cooperative, "profile": profile, "years": years, "rows": rows,
        "charts": presentation.profile_charts(profile.figures) if profile.figures else [],
        "can_edit": access.is_city_admin(request.user), "year_end_month": month_name(profile.cooperative.book_year_end_month),
    })
