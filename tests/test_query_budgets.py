"""Page budgets (DESIGN.md §7): staff pages ≤ 12 queries, member pages ≤ 8, whatever the
number of rows. Each list is measured at 1 and at 50 rows and must cost the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MeetingFactory, CooperativeFactory, MemberFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

STAFF_BUDGET = 12
MEMBER_BUDGET = 8
CITY_DASHBOARD_BUDGET = 15  # issue 6: the indicators, two breakdowns and the five-year trend


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("rows", [1, 50])
def test_member_list(client, make_user, cooperative, rows):
    MemberFactory.create_batch(rows, cooperative=cooperative)
    client.force_login(make_user(cooperative, "manager"))
    assert count_queries(client, f"/c/{cooperative.slug}/anggota/") <= STAFF_BUDGET


def test_member_list_cost_does_not_grow(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "manager"))
    MemberFactory(cooperative=cooperative)
    one = count_queries(client, f"/c/{cooperative.slug}/anggota/")
    MemberFactory.create_batch(49, cooperative=cooperative)
    assert count_queries(client, f"/c/{cooperative.slug}/anggota/") == one


@pytest.mark.parametrize("rows", [1, 50])
def test_audit_list(client, make_user, cooperative, rows):
    from portal.audit import audit_record

    manager = make_user(cooperative, "manager")
    for i in range(rows):
        audit_record(actor=manager, action="test.event", cooperative=cooperative, changes={"i": [None, i]})
    client.force_login(manager)
    assert count_queries(client, f"/c/{cooperative.slug}/audit/") <= STAFF_BUDGET


@pytest.mark.parametrize("rows", [1, 50])
def test_roles_page(client, make_user, cooperative, rows):
    RoleAssignmentFactory.create_batch(rows, cooperative=cooperative, role="supervisor")
    client.force_login(make_user(cooperative, "manager"))
    assert count_queries(client, f"/c/{cooperative.slug}/peran/") <= STAFF_BUDGET


@pytest.mark.parametrize("rows", [1, 50])
def test_city_registry_and_home(client, make_user, rows):
    for coop in CooperativeFactory.create_batch(rows):
        MeetingFactory(cooperative=coop)
        MemberFactory(cooperative=coop)
    client.force_login(make_user(role="city_staff"))
    assert count_queries(client, "/kota/koperasi/") <= STAFF_BUDGET
    assert count_queries(client, "/kota/") <= CITY_DASHBOARD_BUDGET


@pytest.mark.parametrize("rows", [1, 50])
def test_my_cooperatives_for_a_member(client, rows):
    from tests.factories import UserFactory

    user = UserFactory()
    for coop in CooperativeFactory.create_batch(rows):
        MemberFactory(cooperative=coop, user=user)
    client.force_login(user)
    assert count_queries(client, "/saya/") <= MEMBER_BUDGET


def test_member_overview(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "member"))
    assert count_queries(client, f"/c/{cooperative.slug}/") <= MEMBER_BUDGET


# --- every list page, found by its URL name (issue 7 item 7) ---------------------------------------
#
# LIST_PAGES names each page that lists a variable number of rows, with how to give it rows and
# who reads it; test_list_page_costs_the_same_at_1_and_50_rows measures it with 1 row and with
# 50 and requires the same number of queries, within the page budget. Every other page URL is in
# NOT_A_LIST_PAGE with the reason. test_every_page_url_is_classified walks the URL resolver: a new
# page must be added to one of the two (the same discipline as tests/test_tenant_isolation.py).

import datetime  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Callable  # noqa: E402

from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

PAGE_EXEMPT_PREFIXES = {
    "admin/": "Django's admin (superusers only, not a portal page)",
    "api/": "the JSON API, not pages: the members, savings, ledger and city API tests measure their lists; the meetings "
            "API's lists are in API_LISTS below",
    "akun/": "allauth and MFA pages of the signed-in user: forms and one user's own settings, no rows",
    "i18n/": "the language switch (a POST that redirects)",
}


@dataclass
class ListPage:
    """build(world, n) adds n rows to the page and returns its path; `fresh` pages show one new
    object each time (a collection, an entry), so the second build makes all 50 rows."""

    build: Callable
    who: str = "manager"
    fresh: bool = False
    budget_name: str = ""  # a budget of its own, by name in this module (else the member's or staff's)

    @property
    def budget(self):
        if self.budget_name:
            return globals()[self.budget_name]
        return MEMBER_BUDGET if self.who == "member" else STAFF_BUDGET


class World:
    """A savings-and-loan cooperative with its chart, a manager, a member with a login, city staff."""

    def __init__(self, make_user):
        from ledger import services as ledger_services
        from tests.factories import UserFactory

        self.cooperative = CooperativeFactory(simpanan_wajib_monthly_amount=Decimal("25000"), simpanan_pokok_amount=Decimal("100000"))
        ledger_services.chart_apply_template(cooperative=self.cooperative)
        self.slug = self.cooperative.slug
        self.users = {"manager": make_user(self.cooperative, "manager"), "city_staff": make_user(role="city_staff")}
        self.users["member"] = UserFactory()
        self.member = MemberFactory(cooperative=self.cooperative, user=self.users["member"], joined_on=datetime.date(2020, 1, 6))
        self.today = timezone.localdate()
        self.counter = 0

    def next(self):
        self.counter += 1
        return self.counter

    @property
    def manager(self):
        return self.users["manager"]

    def c(self, path=""):
        return f"/c/{self.slug}/{path}"

    def members(self, n, **fields):
        fields.setdefault("joined_on", datetime.date(self.today.year - 1, 1, 10))
        return MemberFactory.create_batch(n, cooperative=self.cooperative, **fields)

    def deposits(self, member, n):
        from members import savings

        for _ in range(n):
            savings.savings_deposit(actor=self.manager, member=member, savings_type="sukarela", amount="10000", date=self.today)

    def post(self, lines, description="Uji"):
        from ledger import services as ledger_services

        return ledger_services.entry_post(actor=self.manager, cooperative=self.cooperative, date=self.today, description=description,
                                          lines=[{"account": a, "debit": str(d), "credit": str(c)} for a, d, c in lines])

    def book_year(self, year, state="closed"):
        from ledger.models import BookYear

        with scopes_disabled():
            return BookYear.objects.get_or_create(cooperative=self.cooperative, year=year, defaults={
                "start_date": datetime.date(year, 1, 1), "end_date": datetime.date(year, 12, 31), "state": state})[0]

    def meeting(self, **fields):
        fields.setdefault("kind", "ra_khusus")
        fields.setdefault("book_year", self.today.year - 1)
        return MeetingFactory(cooperative=self.cooperative, **fields)

    def documents(self, meeting, n):
        from meetings.models import MeetingDocument

        with scopes_disabled():
            MeetingDocument.objects.bulk_create([
                MeetingDocument(cooperative=self.cooperative, meeting=meeting, kind="financial_statements", file=f"meetings/uji-{self.next()}.jpg",
                                original_name=f"foto-{i}.jpg", content_type="image/jpeg", size=1000, sha256="0" * 64, uploaded_by=self.manager)
                for i in range(n)])

    def shares(self, distribution, n, **fields):
        from meetings.models import ShuMemberShare

        with scopes_disabled():
            ShuMemberShare.objects.bulk_create([
                ShuMemberShare(cooperative=self.cooperative, distribution=distribution, member=m, savings_basis=100, transaction_volume=100,
                               jasa_modal=10, jasa_usaha=10, total=20, **fields)
                for m in self.members(n)])

    def distribution(self, year, status="draft"):
        from meetings.models import ShuDistribution

        self.book_year(year)
        with scopes_disabled():
            return ShuDistribution.objects.get_or_create(cooperative=self.cooperative, book_year=year,
                                                         defaults={"shu_total": 1_000_000, "status": status})[0]


def _my_spaces(w, n):
    for coop in CooperativeFactory.create_batch(n):
        MemberFactory(cooperative=coop, user=w.users["member"])
    return "/saya/"


def _roles(w, n):
    RoleAssignmentFactory.create_batch(n, cooperative=w.cooperative, role="supervisor")
    return w.c("peran/")


def _audit(w, n):
    from portal.audit import audit_record

    for i in range(n):
        audit_record(actor=w.manager, action="test.event", cooperative=w.cooperative, changes={"i": [None, i]})
    return w.c("audit/")


def _savings_index(w, n):
    w.deposits(w.member, n)
    return w.c("simpanan/")


def _member_savings(w, n):
    w.deposits(w.member, n)
    return w.c(f"simpanan/anggota/{w.member.number}/")


def _collection(w, n):
    from members import savings

    members = w.members(n)
    month = w.today.replace(day=1) - datetime.timedelta(days=31 * w.next())
    rows = savings.wajib_collect(actor=w.manager, cooperative=w.cooperative, members=members, period=month.replace(day=1), date=w.today)
    return w.c(f"simpanan/wajib/{rows[0].journal_entry.number}/")


def _arrears(w, n):
    """Members who joined last year and never paid wajib, once the cooperative collects it."""
    from members import savings

    if not hasattr(w, "wajib_started"):
        start = datetime.date(w.today.year - 1, 1, 1)
        w.wajib_started = savings.savings_deposit(actor=w.manager, member=w.member, savings_type="wajib", amount="25000",
                                                  date=w.today, period=start)
    w.members(n)
    return w.c("simpanan/tunggakan/")


def _deletion_requests(w, n):
    from members.models import DeletionRequest

    with scopes_disabled():
        DeletionRequest.objects.bulk_create([DeletionRequest(cooperative=w.cooperative, member=m, reason="Pindah kota")
                                             for m in w.members(n)])
    return w.c("permintaan-hapus/")


def _meetings(w, n):
    for _ in range(n):
        w.meeting(status="minutes_published", minutes_published_at=timezone.now())
    return w.c("rapat/")


def _agenda(w, n):
    from meetings.models import AgendaItem

    if not hasattr(w, "agenda_meeting"):
        w.agenda_meeting = w.meeting(status="minutes_published", minutes_published_at=timezone.now())
    with scopes_disabled():
        AgendaItem.objects.bulk_create([
            AgendaItem(cooperative=w.cooperative, meeting=w.agenda_meeting, order=w.next(), kind="other", title=f"Acara {i}",
                       decision_method="mufakat", decision_text="Diterima.") for i in range(n)])
    return w.c(f"rapat/{w.agenda_meeting.pk}/")


def _attendance(w, n):
    from meetings.models import Attendance

    if not hasattr(w, "door_meeting"):
        w.door_meeting = w.meeting(status="invited", held_on=None, date=w.today)
    with scopes_disabled():
        Attendance.objects.bulk_create([Attendance(cooperative=w.cooperative, meeting=w.door_meeting, member=m, mode="in_person")
                                        for m in w.members(n)])
    return w.c(f"rapat/{w.door_meeting.pk}/kehadiran/?semua=1")


def _officers(w, n):
    from meetings.models import AgendaItem, ElectedOfficer

    with scopes_disabled():
        if not hasattr(w, "elections"):
            meeting = w.meeting(status="held")
            w.elections = AgendaItem.objects.create(cooperative=w.cooperative, meeting=meeting, order=1, kind="elections", title="Pemilihan")
        ElectedOfficer.objects.bulk_create([
            ElectedOfficer(cooperative=w.cooperative, agenda_item=w.elections, organ="pengurus", position="Anggota pengurus", name=m.full_name, member=m)
            for m in w.members(n)])
    return w.c(f"rapat/{w.elections.meeting_id}/acara/{w.elections.pk}/keputusan/")


def _documents(w, n):
    if not hasattr(w, "doc_meeting"):
        w.doc_meeting = w.meeting(status="minutes_published", minutes_published_at=timezone.now())
    w.documents(w.doc_meeting, n)
    return w.c(f"rapat/{w.doc_meeting.pk}/dokumen/")


def _city_documents(w, n):
    if not hasattr(w, "reported"):
        w.reported = w.meeting(kind="rat", status="reported", reported_on=w.today)
    w.documents(w.reported, n)
    return f"/kota/koperasi/{w.slug}/rat/{w.reported.pk}/dokumen/"


def _book_years(w, n):
    """n more closed book years before the earliest one there is."""
    from ledger.models import BookYear

    with scopes_disabled():
        first = BookYear.objects.filter(cooperative=w.cooperative).order_by("year").values_list("year", flat=True).first() or w.today.year
    for year in range(first - n, first):
        w.book_year(year)


def _shu_index(w, n):
    _book_years(w, n)
    return w.c("shu/")


def _ledger_years(w, n):
    _book_years(w, n)
    return w.c("buku/tahun/")


def _volumes(w, n):
    year = w.today.year - 1
    w.book_year(year)
    w.members(n, joined_on=datetime.date(year, 1, 1))
    return w.c(f"shu/{year}/volume/")


def _preview(w, n):
    year = w.today.year - 1
    w.shares(w.distribution(year), n)
    return w.c(f"shu/{year}/pratinjau/")


def _my_shu(w, n):
    from meetings.models import ShuMemberShare

    for _ in range(n):
        year = 1990 + w.next()
        distribution = w.distribution(year, status="approved")
        with scopes_disabled():
            ShuMemberShare.objects.create(cooperative=w.cooperative, distribution=distribution, member=w.member, savings_basis=100,
                                          transaction_volume=100, jasa_modal=10, jasa_usaha=10, total=20)
    return w.c("shu/saya/")


def _entries(w, n):
    for _ in range(n):
        w.post([("1-101", 1000, 0), ("4-102", 0, 1000)])
    return w.c("buku/jurnal/")


def _entry_lines(w, n):
    entry = w.post([("1-101", 1000, 0)] * n + [("4-102", 0, 1000 * n)])
    return w.c(f"buku/jurnal/{entry.number}/")


def _accounts(w, n, posted=False, kind="expense"):
    """n new accounts (with a posting each when `posted`): expenses, or assets for the balance sheet."""
    from ledger import services as ledger_services

    prefix = {"expense": "5", "asset": "1"}[kind]
    for _ in range(n):
        code = f"{prefix}-7{w.next():03d}"  # the charts' codes have three digits after the dash
        ledger_services.account_create(actor=w.manager, cooperative=w.cooperative, code=code, name=f"Akun uji {code}", kind=kind)
        if posted:
            w.post([(code, 1000, 0), ("1-101" if kind == "expense" else "3-104", 0, 1000)])


def _chart(w, n):
    _accounts(w, n)
    return w.c("buku/akun/")


def _opening(w, n):
    _accounts(w, n)
    return w.c("buku/saldo-awal/")


def _report(path, kind="expense"):
    def build(w, n):
        _accounts(w, n, posted=True, kind=kind)
        return w.c(f"buku/laporan/{path}/")
    return build


def _general_ledger(w, n):
    _entries(w, n)
    return w.c("buku/laporan/buku-besar/?account=1-101")


def _registry(w, n, path="/kota/koperasi/"):
    from city.figures import rebuild_figures

    coops = CooperativeFactory.create_batch(n)
    for coop in coops:
        MeetingFactory(cooperative=coop, book_year=w.today.year - 4)  # RAT long ago: on every compliance list
        MemberFactory(cooperative=coop)
    rebuild_figures(cooperatives=coops)  # the factories bypass the services that keep the city's figures
    return path


def _city_profile(w, n):
    """n RATs of as many book years in the cooperative's RAT history."""
    from city.figures import rebuild_figures

    for _ in range(n):
        w.meeting(kind="rat", book_year=w.today.year - 1 - w.next())
    rebuild_figures(cooperatives=[w.cooperative])
    return f"/kota/koperasi/{w.slug}/"


LIST_PAGES = {
    "my_spaces": ListPage(_my_spaces, who="member"),
    "cooperatives:roles": ListPage(_roles),
    "cooperatives:audit": ListPage(_audit),
    "members:list": ListPage(lambda w, n: (w.members(n), w.c("anggota/"))[1]),
    "deletion_requests:list": ListPage(_deletion_requests),
    "savings:index": ListPage(_savings_index),
    "savings:member": ListPage(_member_savings),
    "savings:wajib_collect": ListPage(lambda w, n: (w.members(n), w.c("simpanan/wajib/"))[1]),
    "savings:collection": ListPage(_collection, fresh=True),
    "savings:arrears": ListPage(_arrears),
    "self:home": ListPage(lambda w, n: (w.deposits(w.member, n), w.c("saya/"))[1], who="member"),
    "self:passbook": ListPage(lambda w, n: (w.deposits(w.member, n), w.c("saya/mutasi/"))[1], who="member"),
    "meetings:list": ListPage(_meetings),
    "meetings:list (member)": ListPage(_meetings, who="member"),
    "meetings:detail": ListPage(_agenda),
    "meetings:detail (member)": ListPage(_agenda, who="member"),
    "meetings:attendance": ListPage(_attendance),
    "meetings:decision": ListPage(_officers),
    "meeting_documents:list": ListPage(_documents),
    "meeting_documents:list (member)": ListPage(_documents, who="member"),
    "shu:index": ListPage(_shu_index),
    "shu:volumes": ListPage(_volumes),
    "shu:preview": ListPage(_preview),
    "shu:mine": ListPage(_my_shu, who="member"),
    "ledger:entries": ListPage(_entries),
    "ledger:entry_detail": ListPage(_entry_lines, fresh=True),
    "ledger:accounts": ListPage(_chart),
    "ledger:years": ListPage(_ledger_years),
    "ledger:opening": ListPage(_opening),
    "ledger_reports:general_ledger": ListPage(_general_ledger),
    "ledger_reports:trial_balance": ListPage(_report("neraca-saldo")),
    "ledger_reports:balance_sheet": ListPage(_report("posisi-keuangan", kind="asset")),
    "ledger_reports:income_statement": ListPage(_report("hasil-usaha")),
    "city:registry": ListPage(_registry, who="city_staff"),
    "city:rat_documents": ListPage(_city_documents, who="city_staff"),
    "city:compliance": ListPage(lambda w, n: _registry(w, n, "/kota/kepatuhan/"), who="city_staff"),
    "city:compliance_list": ListPage(lambda w, n: _registry(w, n, "/kota/kepatuhan/dua-tahun-tanpa-rat/"), who="city_staff"),
    "city:cooperative": ListPage(_city_profile, who="city_staff"),
}

_FORM = "a form (its choices are bounded), no list of rows"
_ONE = "one object's page: its facts, no list that grows with the data"
_WRITE = "a write (POST) or its confirmation, no list"
_FILE = "a file download (PDF/XLSX/CSV), not a page"
NOT_A_LIST_PAGE = {
    "home": "redirects to the user's space",
    "city:home": "the city's aggregates (counts per region, not a row per cooperative); test_city_registry_and_home above measures it at 1 and 50 cooperatives",
    "coop:overview": "counts and links (measured by test_member_overview and the cooperative tests), no list",
    "cooperatives:profile_edit": _FORM,
    "cooperatives:role_revoke": _WRITE,
    "members:add": _FORM, "members:edit": _FORM, "members:leave": _FORM,
    "members:import": "an upload form; its preview lists the rows of the uploaded file, not of the database",
    "members:import_confirm": _WRITE, "members:export": _FILE,
    "members:detail": _ONE,
    "savings:deposit": _FORM, "savings:withdraw": _FORM, "savings:reverse": _FORM,
    "savings:receipt": _ONE, "savings:receipt_pdf": _FILE, "savings:collection_pdf": _FILE,
    "self:statement": "a form choosing the month; the statement itself is a PDF",
    "invitations:accept": "the invitation's own page (anonymous), no list",
    "invitation_manage:create": _FORM, "invitation_manage:revoke": _WRITE,
    "meetings:add": _FORM, "meetings:edit": _FORM,
    "meetings:agenda": "the agenda form: at most 30 items (services.MAX_AGENDA_ITEMS); the agenda as a list is measured on meetings:detail",
    "meetings:invitations": "a count of the members to invite and the send form, no list",
    "meetings:invitation_pdf": _FILE, "meetings:attendance_pdf": _FILE, "meetings:minutes_pdf": _FILE,
    "meetings:attendance_remove": _WRITE,
    "meetings:qr": "the QR code and the quorum counts, no list",
    "meetings:check_in": "the member's own check-in, no list",
    "meetings:officer_remove": _WRITE, "meetings:officer_hand_over": _WRITE,
    "meetings:held": _FORM, "meetings:minutes": _FORM, "meetings:publish": _WRITE,
    "meetings:report": "the report form with the year's figures, no list",
    "meeting_documents:upload": _FORM, "meeting_documents:download": _FILE, "meeting_documents:supersede": _FORM,
    "meeting_documents:delete": _FORM,
    "shu:year": "the year's SHU, percentages and volume totals (aggregates), no list",
    "shu:volumes_import": "an upload form; its preview lists the uploaded file's rows",
    "shu:volumes_import_confirm": _WRITE,
    "shu:approve": "the approval form with the distribution's totals (aggregates)",
    "shu:credit": "the crediting form with the number of shares to credit (a count), no list",
    "shu:post": "the posting's lines: one per fund and account, bounded by the chart (at most 8)",
    "ledger:entry_add": _FORM, "ledger:entry_totals": "the entry form's live totals (htmx fragment)",
    "ledger:draft_detail": "a draft entry's form: lines as typed, bounded by the form's line count",
    "ledger:draft_post": _WRITE, "ledger:draft_delete": _WRITE, "ledger:entry_reverse": _FORM,
    "ledger:account_add": _FORM, "ledger:account_edit": _FORM, "ledger:account_delete": _FORM,
    "ledger:year_prepare": _WRITE, "ledger:year_close": "the closing confirmation: the year's income and expense totals",
    "ledger:year_reopen": _FORM,
    "ledger:opening_import": "an upload form; its preview lists the uploaded file's rows",
    "ledger:opening_confirm": _WRITE,
    "ledger_reports:index": "links to the four reports, no list",
    "city:registry_add": _FORM, "city:registry_edit": _FORM, "city:registry_status": _FORM,
    "city:registry_invitation": "the first manager's invitation link for one cooperative, no list",
    "city:registry_invitation_revoke": _WRITE,
    "open_data": "the public aggregates by kecamatan and jenis (fixed tables of regions and kinds), no row per cooperative",
    "role_invitations:accept": "the invitation's own page (anonymous), no list",
    "deletion_requests:detail": _ONE,
    "personal_data:page": "the member's own personal-data page: their memberships and requests, no list that grows with the cooperative",
    "personal_data:download": _FILE, "personal_data:request": _FORM, "personal_data:withdraw": _WRITE,
    "city:rat_document_download": _FILE,
    "city:registry_export": _FILE, "city:compliance_export": _FILE, "city:ods_export": _FILE,
    "city:breakdown": "the city's aggregates by kecamatan, kelurahan or jenis: rows per region or kind (a fixed table), not per cooperative",
}


def _page_url_names():
    """Every named URL pattern with its path, outside the exempt prefixes."""
    found = {}

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            path = prefix + str(pattern.pattern)
            if any(path.startswith(p) for p in PAGE_EXEMPT_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern, path, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[namespace + pattern.name] = path
    walk(get_resolver(), "", "")
    return found


def test_every_page_url_is_classified():
    names = _page_url_names()
    listed = {key.split(" (")[0] for key in LIST_PAGES}
    missing = sorted(set(names) - listed - set(NOT_A_LIST_PAGE))
    assert not missing, (
        "pages neither in LIST_PAGES (with a row builder: measured at 1 and 50 rows) nor in NOT_A_LIST_PAGE (with the "
        "reason) in tests/test_query_budgets.py: " + ", ".join(f"{n} ({names[n]})" for n in missing))
    stale = sorted((listed | set(NOT_A_LIST_PAGE)) - set(names))
    assert not stale, f"classified URL names that no longer exist: {stale}"


def _measure(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), len(response.content)


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_list_page_costs_the_same_at_1_and_50_rows(client, make_user, name):
    page = LIST_PAGES[name]
    world = World(make_user)
    client.force_login(world.users[page.who])
    url = page.build(world, 1)
    one, one_size = _measure(client, url)
    url = page.build(world, 50 if page.fresh else 49)
    fifty, fifty_size = _measure(client, url)
    # the rows are really on the page: it grew (a builder that added nothing visible proves nothing)
    assert fifty_size > one_size + 1000, f"{name}: the page did not grow from 1 to 50 rows ({one_size} → {fifty_size} bytes)"
    assert one <= page.budget, f"{name}: {one} queries with 1 row (budget {page.budget})"
    assert fifty <= page.budget, f"{name}: {fifty} queries with 50 rows (budget {page.budget})"
    assert fifty == one, f"{name}: {one} queries with 1 row but {fifty} with 50: a query per row"
    print(f"{name}: {one} queries at 1 row and at 50 (budget {page.budget})")  # shown with -s


# The meetings API's list endpoints (the other APIs' lists are measured in their own API tests).
API_LISTS = {
    "api meetings": ListPage(lambda w, n: (_meetings(w, n), f"/api/v1/c/{w.slug}/meetings/")[1]),
    "api attendance": ListPage(lambda w, n: (_attendance(w, n), f"/api/v1/c/{w.slug}/meetings/{w.door_meeting.pk}/attendance/")[1]),
    "api documents": ListPage(lambda w, n: (_documents(w, n), f"/api/v1/c/{w.slug}/meetings/{w.doc_meeting.pk}/documents/")[1]),
    "api shu shares": ListPage(lambda w, n: (_preview(w, n), f"/api/v1/c/{w.slug}/meetings/shu/{w.today.year - 1}/shares/")[1]),
    "api shu volumes": ListPage(lambda w, n: (_volumes(w, n), f"/api/v1/c/{w.slug}/meetings/shu/{w.today.year - 1}/volumes/")[1]),
    "api my meetings": ListPage(lambda w, n: (_meetings(w, n), "/api/v1/me/meetings/")[1], who="member"),
    "api my shu": ListPage(lambda w, n: (_my_shu(w, n), "/api/v1/me/shu/")[1], who="member"),
}


@pytest.mark.parametrize("name", sorted(API_LISTS))
def test_meetings_api_list_costs_the_same_at_1_and_50_rows(client, make_user, name):
    page = API_LISTS[name]
    world = World(make_user)
    client.force_login(world.users[page.who])
    one, one_size = _measure(client, page.build(world, 1))
    fifty, fifty_size = _measure(client, page.build(world, 49))
    assert fifty_size > one_size + 1000, f"{name}: the answer did not grow from 1 to 50 rows ({one_size} → {fifty_size} bytes)"
    assert one <= page.budget and fifty <= page.budget, f"{name}: {one} / {fifty} queries (budget {page.budget})"
    assert fifty == one, f"{name}: {one} queries with 1 row but {fifty} with 50: a query per row"
    print(f"{name}: {one} queries at 1 row and at 50 (budget {page.budget})")
