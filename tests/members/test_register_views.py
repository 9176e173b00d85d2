"""The member register pages: list (search as you type, filters, pagination, cards), detail (NIK
masked but for managers, leaving shown), add (every field, consent, simpanan pokok in the same
transaction), edit, leaving with the refund preview, roles and query budgets."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from cooperatives.models import Kelurahan
from ledger.models import JournalEntry
from members import savings
from members.models import Member, SavingsTransaction
from members.services import CONSENT_VERSION
from portal.models import AuditEvent
from tests.factories import CooperativeFactory, MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()
STAFF_BUDGET = 12
HTMX = {"HX-Request": "true", "HX-Target": "member-results"}
NIK = "3272015508850001"  # a woman born 15 Aug 1985, Kota Sukabumi


def url(cooperative, name, **kwargs):
    return reverse(f"members:{name}", kwargs={"slug": cooperative.slug, **kwargs})


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def en(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def as_manager(en, manager):
    en.force_login(manager)
    return en


@pytest.fixture
def as_role(en, ksp, make_user):
    def login(role):
        en.force_login(make_user(ksp, role))
        return en

    return login


def members_of(cooperative, **filters):
    with scope(cooperative=cooperative):
        return list(Member.objects.filter(**filters))


def count_queries(client, target):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200, target
    return len(ctx.captured_queries)


# --- list ------------------------------------------------------------------------------------

def test_search_by_name_number_and_phone_as_typed(as_manager, ksp):
    siti = MemberFactory(cooperative=ksp, full_name="Siti Aminah", number="00007", phone="+6281234567890")
    budi = MemberFactory(cooperative=ksp, full_name="Budi Santoso", number="00012", phone="+6285711112222")
    listing = url(ksp, "list")

    def found(q):
        html = as_manager.get(listing, {"q": q}).content.decode()
        return {m.full_name for m in (siti, budi) if m.full_name in html}

    assert found("siti") == {"Siti Aminah"}
    assert found("00012") == {"Budi Santoso"}
    assert found("0812 3456") == {"Siti Aminah"}  # typed the way people say it
    assert found("0857-1111") == {"Budi Santoso"}
    assert found("62857") == {"Budi Santoso"}
    assert found("+62812") == {"Siti Aminah"}
    assert found("4567890") == {"Siti Aminah"}  # a part of the number
    assert found("tidak ada") == set()


def test_filters_by_status_and_year_joined(as_manager, ksp, manager):
    old = MemberFactory(cooperative=ksp, full_name="Anggota Lama", joined_on=D(2019, 5, 1))
    MemberFactory(cooperative=ksp, full_name="Anggota Baru", joined_on=D(2024, 2, 1))
    gone = MemberFactory(cooperative=ksp, full_name="Sudah Keluar", joined_on=D(2024, 3, 1))
    savings.member_leave(actor=manager, member=gone, reason="resignation", date=D(2024, 6, 1))
    listing = url(ksp, "list")
    html = as_manager.get(listing, {"year": "2019"}).content.decode()
    assert "Anggota Lama" in html and "Anggota Baru" not in html
    assert '<option value="2024"' in html and '<option value="2019" selected' in html
    html = as_manager.get(listing, {"status": "left"}).content.decode()
    assert "Sudah Keluar" in html and "Anggota Baru" not in html
    html = as_manager.get(listing, {"status": "active", "year": "2024"}).content.decode()
    assert "Anggota Baru" in html and "Sudah Keluar" not in html and old.full_name not in html
    # a stale bookmark with a bad filter still shows the list
    assert as_manager.get(listing, {"year": "1850", "status": "x"}).status_code == 200


def test_htmx_gets_only_the_results_and_the_page_paginates(as_manager, ksp):
    for i in range(30):
        MemberFactory(cooperative=ksp, full_name=f"Anggota {i:02d}", number=f"{i + 1:05d}")
    listing = url(ksp, "list")
    partial = as_manager.get(listing, {"q": "Anggota"}, headers=HTMX).content.decode()
    assert "<html" not in partial and "Anggota 00" in partial and "Page 1 of 2" in partial
    assert 'class="responsive-table member-table"' in partial  # cards on phones
    page2 = as_manager.get(listing, {"q": "Anggota", "halaman": "2"}).content.decode()
    assert "Anggota 29" in page2 and "Anggota 00" not in page2
    assert "<html" in page2 and 'hx-get="' in page2  # works as a plain page too


def test_list_links_to_downloads_with_the_filters(as_manager, ksp):
    MemberFactory(cooperative=ksp)
    html = as_manager.get(url(ksp, "list"), {"status": "active"}).content.decode()
    assert f'{url(ksp, "export")}?status=active&amp;format=pdf' in html
    html = as_manager.get(url(ksp, "list")).content.decode()
    assert f'{url(ksp, "export")}?format=xlsx' in html


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_budget(as_manager, ksp, rows):
    MemberFactory.create_batch(rows, cooperative=ksp)
    assert count_queries(as_manager, url(ksp, "list")) <= STAFF_BUDGET
    assert count_queries(as_manager, url(ksp, "list") + "?q=08123&status=active&year=2020") <= STAFF_BUDGET


def test_list_cost_does_not_grow(as_manager, ksp):
    MemberFactory(cooperative=ksp)
    one = count_queries(as_manager, url(ksp, "list"))
    MemberFactory.create_batch(49, cooperative=ksp, joined_on=D(2021, 1, 1))
    assert count_queries(as_manager, url(ksp, "list")) == one


# --- detail ----------------------------------------------------------------------------------

def test_detail_shows_every_register_field_and_the_full_nik_to_managers(as_manager, ksp):
    kelurahan = Kelurahan.objects.get(name="Cikole")
    member = MemberFactory(cooperative=ksp, nik_ktp=NIK, gender="P", place_of_birth="Sukabumi", date_of_birth=D(1985, 8, 15),
                           occupation="Pedagang", address="Jl. Siliwangi 12", kelurahan=kelurahan, phone="+6281234567890")
    html = text(as_manager.get(url(ksp, "detail", number=member.number)).content.decode())
    for expected in (member.number, member.full_name, NIK, "Female", "Sukabumi, 15 Aug 1985", "Pedagang", "Jl. Siliwangi 12",
                     "Kel. Cikole, Kec. Cikole", "0812-3456-7890", "1 Mar 2020"):
        assert expected in html, expected
    assert "Leaving" in html and "Edit" in html


@pytest.mark.parametrize("role", ["supervisor", "bookkeeper"])
def test_other_staff_see_the_nik_masked_and_cannot_edit(as_role, ksp, role):
    member = MemberFactory(cooperative=ksp, nik_ktp=NIK)
    client = as_role(role)
    html = client.get(url(ksp, "detail", number=member.number)).content.decode()
    assert "3272********0001" in html and NIK not in html
    assert url(ksp, "edit", number=member.number) not in html and url(ksp, "leave", number=member.number) not in html
    assert client.get(url(ksp, "edit", number=member.number)).status_code == 403
    assert client.get(url(ksp, "leave", number=member.number)).status_code == 403
    assert client.get(url(ksp, "add")).status_code == 403


def test_detail_of_a_member_who_left_shows_date_reason_and_note(as_manager, ksp, manager, member):
    savings.member_leave(actor=manager, member=member, reason="death", date=D(2024, 5, 2), note="Surat kematian kelurahan")
    html = text(as_manager.get(url(ksp, "detail", number=member.number)).content.decode())
    assert "Left the cooperative on 2 May 2024" in html and "Death" in html and "Surat kematian kelurahan" in html
    assert "Leaving" not in html


def test_unknown_member_is_404(as_manager, ksp):
    assert as_manager.get(url(ksp, "detail", number="99999")).status_code == 404


def test_detail_query_budget(as_manager, ksp, member):
    assert count_queries(as_manager, url(ksp, "detail", number=member.number)) <= STAFF_BUDGET


# --- add -------------------------------------------------------------------------------------

def add_data(**overrides):
    kelurahan = Kelurahan.objects.get(name="Nanggeleng")
    data = {
        "full_name": "Siti Aminah", "gender": "P", "nik_ktp": NIK, "phone": "0812-3456-7890",
        "place_of_birth": "Sukabumi", "date_of_birth": "1985-08-15", "occupation": "Pedagang",
        "address": "Jl. Siliwangi 12, RT 02/RW 05", "kelurahan": str(kelurahan.pk), "joined_on": "2024-01-10",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_add_shows_every_field_and_the_consent_text(as_manager, ksp):
    html = as_manager.get(url(ksp, "add")).content.decode()
    for name in ("full_name", "gender", "nik_ktp", "phone", "place_of_birth", "date_of_birth", "occupation", "address",
                 "kelurahan", "joined_on", "consent", "pay_pokok", "via"):
        assert f'name="{name}"' in html, name
    assert "agree that " + ksp.name in html and CONSENT_VERSION in html
    assert "<optgroup" in html and "Nanggeleng" in html  # the city's kelurahan, by kecamatan
    assert "Rp 100.000" in html


def test_add_enters_the_member_with_every_field_and_the_consent(as_manager, ksp):
    response = as_manager.post(url(ksp, "add"), add_data())
    [member] = members_of(ksp)
    assert response.status_code == 302 and response["Location"] == url(ksp, "detail", number=member.number)
    assert (member.full_name, member.gender, member.nik_ktp, member.phone) == ("Siti Aminah", "P", NIK, "+6281234567890")
    assert (member.place_of_birth, member.date_of_birth, member.occupation) == ("Sukabumi", D(1985, 8, 15), "Pedagang")
    assert member.kelurahan.name == "Nanggeleng" and member.joined_on == D(2024, 1, 10)
    assert member.consent_at is not None and member.consent_version == CONSENT_VERSION
    with scope(cooperative=ksp):
        assert not SavingsTransaction.objects.exists()


def test_add_without_consent_writes_nothing(as_manager, ksp):
    response = as_manager.post(url(ksp, "add"), add_data(consent=None))
    assert response.status_code == 200
    assert "must agree to the processing" in response.content.decode()
    assert members_of(ksp) == []


def test_add_with_simpanan_pokok_posts_it_in_the_same_step(as_manager, ksp):
    as_manager.post(url(ksp, "add"), add_data(pay_pokok="on", via="bank"))
    [member] = members_of(ksp)
    with scope(cooperative=ksp):
        [txn] = SavingsTransaction.objects.filter(member=member)
        lines = {(l.account.purpose, l.debit, l.credit) for l in txn.journal_entry.lines.select_related("account")}
    assert (txn.savings_type, txn.amount, txn.date) == ("pokok", Decimal("100000"), D(2024, 1, 10))
    assert lines == {("bank", Decimal("100000"), 0), ("savings_pokok", 0, Decimal("100000"))}


def test_pokok_that_cannot_be_posted_leaves_no_member_behind(en, make_user):
    """A cooperative without a chart of accounts: the deposit fails, so the admission is undone."""
    bare = CooperativeFactory()
    en.force_login(make_user(bare, "manager"))
    response = en.post(url(bare, "add"), add_data(pay_pokok="on"))
    assert response.status_code == 200
    assert "chart of accounts has no active account" in response.content.decode()
    assert members_of(bare) == []
    with scope(cooperative=bare):
        assert not JournalEntry.objects.exists()


def test_pokok_in_a_closed_book_year_is_refused_and_nothing_written(as_manager, ksp, manager):
    from ledger import services as ledger

    ledger.entry_post(actor=manager, cooperative=ksp, date=D(2023, 3, 1), description="Modal",
                      lines=[{"account": "1-101", "debit": "1000"}, {"account": "3-103", "credit": "1000"}])
    ledger.book_year_prepare(actor=manager, cooperative=ksp, year=2023)
    ledger.book_year_close(actor=manager, cooperative=ksp, year=2023)
    response = as_manager.post(url(ksp, "add"), add_data(joined_on="2023-06-01", pay_pokok="on"))
    assert response.status_code == 200 and members_of(ksp) == []


@pytest.mark.parametrize("field, value, message", [
    ("nik_ktp", "123", "16 digits"),
    ("phone", "12345", "valid Indonesian phone number"),
    ("full_name", "  ", "required"),
    ("joined_on", "2999-01-01", "cannot be in the future"),
    ("date_of_birth", "1850-01-01", "plausible date of birth"),
    ("gender", "X", "valid choice"),
    ("kelurahan", "999999", "valid choice"),
])
def test_bad_fields_get_a_message_each_and_nothing_is_written(as_manager, ksp, field, value, message):
    response = as_manager.post(url(ksp, "add"), add_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[:3000]
    assert members_of(ksp) == []


def test_duplicate_nik_is_refused(as_manager, ksp):
    MemberFactory(cooperative=ksp, nik_ktp=NIK)
    response = as_manager.post(url(ksp, "add"), add_data())
    assert "already has this NIK KTP" in response.content.decode()
    assert len(members_of(ksp)) == 1


# --- edit ------------------------------------------------------------------------------------

def test_edit_changes_the_fields_and_records_them(as_manager, ksp, member):
    data = add_data(full_name="Siti Aminah Rahayu", occupation="Guru", nik_ktp=member.nik_ktp, gender=member.gender,
                    joined_on=member.joined_on.isoformat())
    data.pop("consent")
    response = as_manager.post(url(ksp, "edit", number=member.number), data)
    assert response.status_code == 302
    [member] = members_of(ksp)
    assert member.full_name == "Siti Aminah Rahayu" and member.occupation == "Guru" and member.kelurahan.name == "Nanggeleng"
    with scope(cooperative=ksp):
        event = AuditEvent.objects.get(action="member.update")
    assert event.changes["occupation"] == ["", "Guru"]


def test_edit_form_has_no_consent_or_pokok(as_manager, ksp, member):
    html = as_manager.get(url(ksp, "edit", number=member.number)).content.decode()
    assert 'name="consent"' not in html and 'name="pay_pokok"' not in html and 'name="occupation"' in html


def test_edit_with_a_bad_phone_keeps_the_old_data(as_manager, ksp, member):
    data = add_data(phone="999", nik_ktp=member.nik_ktp, gender=member.gender, joined_on=member.joined_on.isoformat())
    response = as_manager.post(url(ksp, "edit", number=member.number), data)
    assert response.status_code == 200 and "valid Indonesian phone number" in response.content.decode()
    assert members_of(ksp)[0].phone == member.phone


# --- leaving ---------------------------------------------------------------------------------

def test_leave_page_shows_the_refund_and_confirming_posts_it(as_manager, ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 2, 1))
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="40000", date=D(2024, 2, 1))
    leave = url(ksp, "leave", number=member.number)
    html = text(as_manager.get(leave).content.decode())
    assert "Rp 100.000" in html and "Rp 25.000" in html and "Rp 40.000" in html and "Total refund Rp 165.000" in html
    assert "Dissolution" not in html  # a member leaves by resignation, dismissal or death
    response = as_manager.post(leave, {"reason": "resignation", "date": "2024-06-30", "note": "Pindah kota", "via": "cash"})
    assert response.status_code == 302
    [member] = members_of(ksp)
    assert (member.status, member.left_on, member.left_reason, member.left_note) == ("left", D(2024, 6, 30), "resignation", "Pindah kota")
    with scope(cooperative=ksp):
        refunds = SavingsTransaction.objects.filter(member=member, kind="refund")
        assert sum(t.amount for t in refunds) == Decimal("165000")
    again = text(as_manager.get(leave).content.decode())
    assert "already left on 30 Jun 2024" in again and "Confirm leaving" not in again
    assert as_manager.post(leave, {"reason": "resignation", "date": "2024-07-01", "via": "cash"}).status_code == 200
    with scope(cooperative=ksp):
        assert SavingsTransaction.objects.filter(member=member, kind="refund").count() == refunds.count()


@pytest.mark.parametrize("data, message", [
    ({"reason": "dissolution", "date": "2024-06-30", "via": "cash"}, "valid choice"),
    ({"reason": "resignation", "date": "2023-01-01", "via": "cash"}, "before"),
    ({"reason": "resignation", "date": "2999-01-01", "via": "cash"}, "future"),
    ({"reason": "resignation", "date": "", "via": "cash"}, "required"),
    ({"reason": "resignation", "date": "2024-06-30", "via": "kas"}, "valid choice"),
])
def test_bad_leaving_input_changes_nothing(as_manager, ksp, member, data, message):
    response = as_manager.post(url(ksp, "leave", number=member.number), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert members_of(ksp)[0].status == "active"


def test_leave_page_query_budget(as_manager, ksp, member):
    assert count_queries(as_manager, url(ksp, "leave", number=member.number)) <= STAFF_BUDGET


def test_detail_links_to_the_members_savings_and_invitation(as_manager, ksp, member):
    html = as_manager.get(url(ksp, "detail", number=member.number)).content.decode()
    assert reverse("savings:member", kwargs={"slug": ksp.slug, "number": member.number}) in html
    assert reverse("invitation_manage:create", kwargs={"slug": ksp.slug, "number": member.number}) in html
