"""The member's own pages (/c/<slug>/saya/…): own data only, budgets, passbook, statement PDF."""

import datetime
import gzip
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from members import savings, self_selectors, statements
from members.models import SavingsBalance, SavingsTransaction
from portal.models import AuditEvent
from tests.factories import MemberFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MEMBER_BUDGET = 8
PAGE_WEIGHT_BUDGET = 30 * 1024


@pytest.fixture
def me(ksp):
    """A logged-in member of the ksp with a little savings history."""
    user = UserFactory(full_name="Siti Aminah")
    member = MemberFactory(cooperative=ksp, user=user, full_name="Siti Aminah", joined_on=D(2024, 1, 10))
    return member


@pytest.fixture
def neighbour(ksp):
    """Another member of the same cooperative, with a login and savings of their own."""
    return MemberFactory(cooperative=ksp, user=UserFactory(full_name="Budi Santoso"), full_name="Budi Santoso",
                         joined_on=D(2024, 1, 10))


def deposit(member, savings_type, amount, day, **extra):
    return savings.savings_deposit(actor=None, member=member, savings_type=savings_type, amount=amount, date=day, **extra)


def bulk_transactions(member, n, savings_type="sukarela", amount=Decimal("1000")):
    """n sukarela deposits for the page budgets: one real posting, the rest share its entry
    (the pages only read the member's transactions and balance)."""
    first = deposit(member, savings_type, amount, D(2024, 2, 1))
    with scope(cooperative=member.cooperative):
        rows = [
            SavingsTransaction(cooperative=member.cooperative, number=f"BULK-{member.pk}-{i:05d}", member=member,
                               savings_type=savings_type, direction="deposit", amount=amount,
                               date=D(2024, 2, 1) + datetime.timedelta(days=i % 300), journal_entry=first.journal_entry,
                               balance_after=amount * (i + 2), description=f"Setoran {i}")
            for i in range(n - 1)
        ]
        SavingsTransaction.objects.bulk_create(rows)
        SavingsBalance.objects.filter(member=member, savings_type=savings_type).update(balance=amount * n)


def login(client, member):
    client.force_login(member.user)
    return client


def url(member, name=""):
    return f"/c/{member.cooperative.slug}/saya/{name}"


# --- who may open the pages -----------------------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "bookkeeper", "supervisor"])
def test_staff_get_403_unless_they_are_members(client, ksp, role):
    user = UserFactory()
    RoleAssignmentFactory(cooperative=ksp, user=user, role=role)
    client.force_login(user)
    for name in ("", "mutasi/", "laporan/"):
        assert client.get(f"/c/{ksp.slug}/saya/{name}").status_code == 403
    MemberFactory(cooperative=ksp, user=user)
    from cooperatives.access import forget_cached_roles

    forget_cached_roles(user)
    for name in ("", "mutasi/", "laporan/"):
        assert client.get(f"/c/{ksp.slug}/saya/{name}").status_code == 200


def test_member_of_another_cooperative_gets_404(client, ksp, other_cooperative):
    outsider = MemberFactory(cooperative=other_cooperative, user=UserFactory())
    client.force_login(outsider.user)
    assert client.get(f"/c/{ksp.slug}/saya/").status_code == 404
    assert client.get(f"/c/{ksp.slug}/saya/mutasi/").status_code == 404


# --- the dashboard ----------------------------------------------------------------------------------

def test_dashboard_shows_own_balances_and_latest_transactions(client, ksp, me):
    deposit(me, "pokok", "100000", D(2024, 1, 10))
    deposit(me, "wajib", "25000", D(2024, 1, 10), period=D(2024, 1, 1))
    deposit(me, "sukarela", "7500", D(2024, 2, 1))
    page = login(client, me).get(url(me), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="balance-pokok">Rp 100.000<' in html
    assert 'id="balance-wajib">Rp 25.000<' in html
    assert 'id="balance-sukarela">Rp 7.500<' in html
    assert 'id="balance-total">Rp 132.500<' in html
    assert "SMP-2024-000003" in html  # the newest transaction
    assert "SHU appears here after the RAT." in html
    assert "The RAT papers appear here when the cooperative publishes them." in html


def test_a_member_never_sees_another_members_data(client, ksp, me, neighbour):
    deposit(me, "sukarela", "1111", D(2024, 2, 1))
    theirs = deposit(neighbour, "sukarela", "987654", D(2024, 2, 2))
    bulk_transactions(neighbour, 30)
    login(client, me)
    for path in (url(me), url(me, "mutasi/"), url(me, "mutasi/?halaman=2"), url(me, "mutasi/?jenis=sukarela")):
        html = client.get(path, **EN).content.decode()
        assert "Budi Santoso" not in html and neighbour.number not in html, path
        assert "987.654" not in html and theirs.number not in html and "BULK-" not in html, path
    # there is no member number in these URLs: other query parameters change nothing
    html = client.get(url(me) + f"?number={neighbour.number}&member={neighbour.pk}", **EN).content.decode()
    assert "987.654" not in html and "Budi Santoso" not in html
    html = client.get(url(me, "mutasi/") + f"?anggota={neighbour.number}&member={neighbour.pk}", **EN).content.decode()
    assert "987.654" not in html
    # the statement too
    response = client.get(url(me, "laporan/"), {"year": 2024}, **EN)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = statements.statement_build(cooperative=ksp, member=me, date_from=D(2024, 1, 1), date_to=D(2024, 12, 31), period="2024")
    numbers = {line.number for section in document.sections for line in section.lines}
    assert numbers == {SavingsTransaction.objects.with_scopes_disabled().get(member=me).number}
    assert "Budi Santoso" not in statements.render_statement_html(document)


def test_left_member_loses_the_pages(client, ksp, me):
    savings.member_leave(actor=None, member=me, reason="resignation", date=TODAY)
    login(client, me)
    assert client.get(url(me)).status_code == 404


def months_ago(n):
    first = TODAY.replace(day=1)
    for _ in range(n):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def test_wajib_arrears_on_the_dashboard(client, ksp):
    """Joined four months ago, paid the first month only: this month and the three before are
    unpaid (the savings pages' rule: due from the start month through the current month)."""
    joined = months_ago(4)
    me = MemberFactory(cooperative=ksp, user=UserFactory(), joined_on=joined)
    deposit(me, "wajib", "25000", joined, period=joined)
    html = login(client, me).get(url(me), **EN).content.decode()
    assert "4 months unpaid: Rp 100.000." in html and "notice-warn" in html
    assert "Last month paid:" in html


@pytest.mark.parametrize("paid_months_ago, unpaid", [
    ((), 4), ((3,), 3), ((3, 2, 1, 0), 0),
    ((2, 0), None),  # whether the skipped first month counts is the savings rule's to say: agree with it
])
def test_wajib_arrears_agree_with_the_savings_pages(ksp, paid_months_ago, unpaid):
    from members.savings_selectors import member_arrears

    other = MemberFactory(cooperative=ksp, joined_on=months_ago(6))
    deposit(other, "wajib", "25000", months_ago(6), period=months_ago(6))  # the cooperative's wajib starts then
    me = MemberFactory(cooperative=ksp, user=UserFactory(), joined_on=months_ago(3))
    for n in paid_months_ago:
        deposit(me, "wajib", "25000", months_ago(n), period=months_ago(n))
    mine = self_selectors.wajib_arrears(member=self_selectors.own_member(cooperative=ksp, user=me.user))
    staff = member_arrears(cooperative=ksp, member=me)
    assert (mine.start, mine.months_due, mine.months_unpaid, mine.amount, mine.last_paid) == \
        (staff.start, staff.months_due, staff.months_unpaid, staff.amount, staff.last_paid)
    assert unpaid is None or mine.months_unpaid == unpaid


def test_no_wajib_no_arrears(client, ksp, me):
    ksp.simpanan_wajib_monthly_amount = Decimal("0")
    ksp.save()
    html = login(client, me).get(url(me), **EN).content.decode()
    assert "Your cooperative has no monthly simpanan wajib." in html


def test_shu_and_papers_come_from_registered_sources(client, ksp, me):
    """The RAT issue fills these by registering sources; the page shows what they return."""
    shu = lambda member: [self_selectors.ShuReceived(2025, Decimal("60000"), "credited to sukarela")]  # noqa: E731
    papers = lambda member: [self_selectors.PublishedPaper("Laporan pertanggungjawaban", 2025, "/berkas/1/")]  # noqa: E731
    self_selectors.register_shu_source(shu)
    self_selectors.register_paper_source(papers)
    try:
        html = login(client, me).get(url(me), **EN).content.decode()
    finally:
        self_selectors._shu_sources.remove(shu)
        self_selectors._paper_sources.remove(papers)
    assert "Book year 2025" in html and "Rp 60.000" in html
    assert 'href="/berkas/1/"' in html and "Laporan pertanggungjawaban (2025)" in html
    assert "SHU appears here after the RAT." not in html


def test_member_bottom_navigation(client, ksp, me):
    html = login(client, me).get(url(me), **EN).content.decode()
    nav = html[html.index('class="bottom-nav"'):]
    for href in ('href="/saya/"', f'href="/c/{ksp.slug}/saya/"', f'href="/c/{ksp.slug}/saya/mutasi/"', 'href="/akun/profil/"'):
        assert href in nav
    assert "/anggota/" not in nav and "/buku/" not in nav
    assert f'href="/c/{ksp.slug}/saya/" aria-current="page"' in nav


# --- the passbook ------------------------------------------------------------------------------------

def test_passbook_pages_with_plain_links_and_htmx(client, ksp, me):
    bulk_transactions(me, 45)
    login(client, me)
    first = client.get(url(me, "mutasi/"), **EN).content.decode()
    assert first.count('class="txn"') == 20
    assert 'href="?halaman=2"' in first and 'hx-get="?halaman=2"' in first and "Newer transactions" not in first
    # without JavaScript: page 2 is a page of its own with a way back
    second = client.get(url(me, "mutasi/"), {"halaman": 2}, **EN).content.decode()
    assert second.count('class="txn"') == 20 and "Newer transactions" in second and "<html" in second
    # htmx "load more": only the next rows and the next button
    more = client.get(url(me, "mutasi/"), {"halaman": 3}, headers={"HX-Request": "true", "HX-Target": "passbook-more"}, **EN)
    html = more.content.decode()
    assert "<html" not in html and html.count('class="txn"') == 5 and "passbook-more" not in html
    # nonsense page numbers never fail
    for bad in ("x", "-3", "0", "99999999999"):
        assert client.get(url(me, "mutasi/"), {"halaman": bad}).status_code == 200


def test_passbook_filters_by_type_and_shows_running_balances_in_date_order(client, ksp, me):
    deposit(me, "sukarela", "10000", D(2024, 3, 1))
    deposit(me, "sukarela", "5000", D(2024, 2, 1))  # recorded later for an earlier date
    deposit(me, "pokok", "100000", D(2024, 1, 10))
    login(client, me)
    html = client.get(url(me, "mutasi/"), {"jenis": "sukarela"}, **EN).content.decode()
    assert html.count('class="txn"') == 2 and "Simpanan pokok</span>" not in html
    # newest first: 1 Mar (balance 15.000) above 1 Feb (balance 5.000)
    assert html.index("balance Rp 15.000") < html.index("balance Rp 5.000")
    assert client.get(url(me, "mutasi/"), {"jenis": "bogus"}).status_code == 200


def test_empty_passbook(client, ksp, me):
    html = login(client, me).get(url(me, "mutasi/"), **EN).content.decode()
    assert "No savings transaction yet." in html


# --- budgets ---------------------------------------------------------------------------------------

def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["", "mutasi/", "laporan/"])
def test_member_pages_cost_at_most_8_queries_at_1_and_500_transactions(client, ksp, me, path):
    login(client, me)
    bulk_transactions(me, 1)
    one = count_queries(client, url(me, path))
    bulk_transactions(me, 499, savings_type="wajib", amount=Decimal("25000"))
    many = count_queries(client, url(me, path))
    assert one <= MEMBER_BUDGET and many == one, (one, many)


def _static(path):
    return (Path(settings.BASE_DIR) / "static" / path).read_bytes()


@pytest.mark.parametrize("path", ["", "mutasi/", "laporan/"])
def test_first_load_is_at_most_30_kb_compressed(client, ksp, me, path):
    bulk_transactions(me, 500)
    html = login(client, me).get(url(me, path)).content
    total = len(gzip.compress(html, compresslevel=6))
    for asset in ("css/portal.css", "css/self.css", "vendor/htmx.min.js"):
        if f"/static/{asset}".encode() in html:
            total += len(gzip.compress(_static(asset), compresslevel=6))
    assert total <= PAGE_WEIGHT_BUDGET, total


# --- the statement ---------------------------------------------------------------------------------

def test_statement_form_then_pdf_and_audit(client, ksp, me):
    deposit(me, "pokok", "100000", D(2024, 1, 10))
    deposit(me, "sukarela", "50000", D(2024, 3, 5))
    savings.savings_withdraw(actor=None, member=me, savings_type="sukarela", amount="20000", date=D(2024, 3, 20))
    login(client, me)
    form = client.get(url(me, "laporan/"), **EN)
    assert form.status_code == 200 and 'name="year"' in form.content.decode() and 'name="month"' in form.content.decode()
    assert not AuditEvent.objects.with_scopes_disabled().filter(action="member.statement_export").exists()
    response = client.get(url(me, "laporan/"), {"year": 2024, "month": 3}, **EN)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="rekening-simpanan-')
    assert "2024-03-01-2024-03-31" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.with_scopes_disabled().get(action="member.statement_export")
    assert event.actor == me.user and event.cooperative == ksp and event.object_id == str(me.pk)
    assert event.changes["period"] == [None, "2024-03-01/2024-03-31"]


def test_statement_figures(ksp, me):
    deposit(me, "pokok", "100000", D(2024, 1, 10))
    deposit(me, "sukarela", "50000", D(2024, 2, 5))
    deposit(me, "sukarela", "30000", D(2024, 3, 5))
    savings.savings_withdraw(actor=None, member=me, savings_type="sukarela", amount="20000", date=D(2024, 3, 20))
    deposit(me, "sukarela", "1000", D(2024, 4, 1))
    document = statements.statement_build(cooperative=ksp, member=me, date_from=D(2024, 3, 1), date_to=D(2024, 3, 31), period="March 2024")
    sections = {s.savings_type: s for s in document.sections}
    sukarela = sections["sukarela"]
    assert sukarela.opening == Decimal("50000") and sukarela.closing == Decimal("60000")
    assert (sukarela.total_in, sukarela.total_out) == (Decimal("30000"), Decimal("20000"))
    assert [line.balance for line in sukarela.lines] == [Decimal("80000"), Decimal("60000")]
    assert sections["pokok"].opening == sections["pokok"].closing == Decimal("100000") and not sections["pokok"].lines
    assert sections["wajib"].closing == 0
    assert document.total_closing == Decimal("160000")
    html = statements.render_statement_html(document)
    assert "Rp 80.000" in html and "Rp 160.000" in html and me.number in html


@pytest.mark.parametrize("query, field", [
    ({"year": "abc"}, "year"),
    ({"year": "1999"}, "year"),
    ({"year": str(TODAY.year + 1)}, "year"),
    ({"year": "2024", "month": "13"}, "month"),
    ({"year": "2024", "month": "x"}, "month"),
    ({"year": "2023"}, "year"),  # before joining (10 Jan 2024)
])
def test_statement_bad_periods_say_so_and_write_nothing(client, ksp, me, query, field):
    response = login(client, me).get(url(me, "laporan/"), query, **EN)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert 'class="errorlist' in response.content.decode()
    assert not AuditEvent.objects.with_scopes_disabled().filter(action="member.statement_export").exists()


def test_statement_period_rules(ksp, me):
    from django.core.exceptions import ValidationError

    today = D(2026, 5, 20)
    assert statements.statement_period(member=me, year=2024, month=2, today=today)[:2] == (D(2024, 2, 1), D(2024, 2, 29))
    assert statements.statement_period(member=me, year="2025", today=today)[:2] == (D(2025, 1, 1), D(2025, 12, 31))
    with pytest.raises(ValidationError) as err:
        statements.statement_period(member=me, year=2026, month=6, today=today)
    assert "month" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        statements.statement_period(member=me, year=2023, month=12, today=today)
    assert "year" in err.value.message_dict
    # the month they joined is fine
    assert statements.statement_period(member=me, year=2024, month=1, today=today)[0] == D(2024, 1, 1)


def test_memberships_with_balances_only_reads_the_users_rows(ksp, other_cooperative, me, neighbour):
    MemberFactory(cooperative=other_cooperative, user=me.user)
    deposit(me, "pokok", "100000", D(2024, 1, 10))
    deposit(neighbour, "pokok", "100000", D(2024, 1, 10))
    with CaptureQueriesContext(connection) as ctx:
        rows = self_selectors.memberships_with_balances(me.user)
    assert len(ctx.captured_queries) == 1
    assert {m.cooperative_id for m in rows} == {ksp.pk, other_cooperative.pk}
    assert all(m.user_id == me.user_id for m in rows)
    with scopes_disabled():
        assert {m.pk: m.balance_pokok for m in rows}[me.pk] == Decimal("100000")


def test_every_role_of_a_user_is_read_in_one_query(ksp, other_cooperative):
    """Role assignments and memberships come in one UNION (the member pages' budget counts it)."""
    from cooperatives import access
    from tests.factories import CooperativeFactory

    third = CooperativeFactory()
    user = UserFactory()
    RoleAssignmentFactory(cooperative=ksp, user=user, role="bookkeeper")
    MemberFactory(cooperative=ksp, user=user)
    MemberFactory(cooperative=other_cooperative, user=user)
    MemberFactory(cooperative=third, user=user, status="left", left_on=D(2024, 1, 1))
    with CaptureQueriesContext(connection) as ctx:
        roles = access._all_roles(user)
    assert len(ctx.captured_queries) == 1
    assert roles == {ksp.pk: frozenset({"bookkeeper", "member"}), other_cooperative.pk: frozenset({"member"})}


def test_my_cooperatives_and_the_overview_link_to_my_savings(client, ksp, me):
    login(client, me)
    assert f'href="/c/{ksp.slug}/saya/"' in client.get("/saya/").content.decode()
    assert f'href="/c/{ksp.slug}/saya/" id="my-savings"' in client.get(f"/c/{ksp.slug}/").content.decode()
