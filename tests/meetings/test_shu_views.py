"""SHU pages (/c/<slug>/shu/…) and the member's own SHU: roles, every step, bad input, budgets."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scope
from openpyxl import Workbook, load_workbook

from meetings import services as meeting_services
from meetings import shu_services
from meetings.models import AgendaItem, MemberTransactionVolume, ShuDistribution, ShuMemberShare
from portal.models import AuditEvent
from tests.factories import MemberFactory
from tests.meetings import shu_samples

pytestmark = pytest.mark.django_db
D = datetime.date
EN = {"Accept-Language": "en"}
YEAR = shu_samples.YEAR
PERCENTAGES = {k: str(v) for k, v in shu_samples.WORKED_EXAMPLE.items()}


@pytest.fixture
def manager(cooperative, make_user):
    return make_user(cooperative, "manager")


@pytest.fixture
def books(cooperative, manager):
    """Closed 2024 with SHU 2.000.000; returns the two members (a: the worked example)."""
    return shu_samples.closed_year(cooperative, actor=manager)


def url(cooperative, name="", year=YEAR):
    base = f"/c/{cooperative.slug}/shu/"
    return f"{base}{name}" if year is None else f"{base}{year}/{name}"


def get(client, path, **kwargs):
    return client.get(path, headers=EN, **kwargs)


def post(client, path, data=None, **kwargs):
    return client.post(path, data or {}, headers={**EN, **kwargs.pop("headers", {})}, **kwargs)


def distribution_of(cooperative):
    with scope(cooperative=cooperative):
        return ShuDistribution.objects.filter(book_year=YEAR).first()


# --- roles -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["bookkeeper", "supervisor"])
def test_bookkeeper_and_supervisor_read_but_do_not_write(client, cooperative, manager, make_user, role):
    shu_samples.prepared(cooperative, actor=manager)
    client.force_login(make_user(cooperative, role))
    for path in (url(cooperative, year=None), url(cooperative), url(cooperative, "volume/"), url(cooperative, "pratinjau/")):
        assert get(client, path).status_code == 200, path
    assert 'name="reserve_percent"' not in get(client, url(cooperative)).content.decode()
    assert 'class="volume-input"' not in get(client, url(cooperative, "volume/")).content.decode()
    assert "/setujui/" not in get(client, url(cooperative, "pratinjau/")).content.decode()
    assert post(client, url(cooperative), PERCENTAGES | {"savings_basis": "year_end"}).status_code == 403
    assert post(client, url(cooperative, "volume/"), {}).status_code == 403
    for name in ("setujui/", "posting/", "kreditkan/", "volume/impor/"):
        assert get(client, url(cooperative, name)).status_code == 403


def test_a_member_cannot_open_the_staff_pages(client, cooperative, manager, make_user):
    shu_samples.prepared(cooperative, actor=manager)
    client.force_login(make_user(cooperative, "member"))
    assert get(client, url(cooperative)).status_code == 403
    assert get(client, url(cooperative, "pratinjau/")).status_code == 403


def test_an_unknown_year_is_404(client, cooperative, manager, books):
    client.force_login(manager)
    assert get(client, url(cooperative, year=1999)).status_code == 404
    assert get(client, url(cooperative, "volume/", year=1999)).status_code == 404
    assert get(client, url(cooperative, "pratinjau/", year=1999)).status_code == 404


# --- the year: SHU from the ledger, percentages, compute -----------------------------------

def test_the_year_page_shows_the_ledgers_shu_and_the_ad_art_defaults(client, cooperative, manager, books):
    client.force_login(manager)
    page = get(client, url(cooperative)).content.decode()
    assert 'id="shu-total">Rp 2.000.000<' in page
    assert 'name="reserve_percent"' in page and 'value="40' in page
    assert "No RAT is scheduled" in page


def test_compute_the_shares_then_preview(client, cooperative, manager, books):
    client.force_login(manager)
    response = post(client, url(cooperative), PERCENTAGES | {"savings_basis": "year_end"})
    assert response.status_code == 302 and response["Location"].endswith("/pratinjau/")
    distribution = distribution_of(cooperative)
    assert distribution.status == "draft" and distribution.shu_total == Decimal("2000000")
    page = get(client, url(cooperative, "pratinjau/")).content.decode()
    a, b = books
    assert a.full_name in page and "Rp 60.000" in page
    assert 'id="shu-remainder">Rp 0<' in page  # the worked example divides exactly
    # the next year's page offers the same percentages (the AD/ART rarely changes)
    from ledger.services import entry_post

    entry_post(actor=manager, cooperative=cooperative, date=D(2025, 5, 1), description="Jasa",
               lines=[{"account": "1-101", "debit": "1000"}, {"account": "4-101", "credit": "1000"}])
    assert get(client, url(cooperative, year=2025)).context["form"].initial["sosial_percent"] == Decimal("2.5")


@pytest.mark.parametrize(("changes", "field"), [
    ({"reserve_percent": "50"}, None),  # 110 %: the overall error
    ({"reserve_percent": "-10", "jasa_modal_percent": "70"}, "reserve_percent"),
    ({"reserve_percent": "101"}, "reserve_percent"),
    ({"sosial_percent": "abc"}, "sosial_percent"),
    ({"sosial_percent": "2.555"}, "sosial_percent"),
    ({"sosial_percent": ""}, "sosial_percent"),
])
def test_bad_percentages_are_refused_per_field_and_overall(client, cooperative, manager, books, changes, field):
    client.force_login(manager)
    response = post(client, url(cooperative), PERCENTAGES | changes | {"savings_basis": "year_end"})
    assert response.status_code == 400
    form = response.context["form"]
    if field:
        assert field in form.errors
    else:
        assert "must add up to 100 %" in " ".join(form.non_field_errors()) and "110" in " ".join(form.non_field_errors())
        assert 'id="settings-errors"' in response.content.decode()
    assert distribution_of(cooperative) is None


def test_bad_savings_basis_is_refused(client, cooperative, manager, books):
    client.force_login(manager)
    response = post(client, url(cooperative), PERCENTAGES | {"savings_basis": "forever"})
    assert response.status_code == 400 and "savings_basis" in response.context["form"].errors


def test_no_shu_on_an_open_year(client, cooperative, manager, books):
    from ledger.services import entry_post

    entry_post(actor=manager, cooperative=cooperative, date=D(2025, 5, 1), description="Jasa",
               lines=[{"account": "1-101", "debit": "1000"}, {"account": "4-101", "credit": "1000"}])
    client.force_login(manager)
    page = get(client, url(cooperative, year=2025)).content.decode()
    assert 'id="year-not-closed"' in page and 'name="reserve_percent"' not in page
    response = post(client, url(cooperative, year=2025), PERCENTAGES | {"savings_basis": "year_end"})
    assert response.status_code == 400
    assert "must be closed" in " ".join(response.context["form"].non_field_errors())
    with scope(cooperative=cooperative):
        assert not ShuDistribution.objects.exists()


def test_average_savings_basis(client, cooperative, manager, books):
    client.force_login(manager)
    assert post(client, url(cooperative), PERCENTAGES | {"savings_basis": "average"}).status_code == 302
    distribution = distribution_of(cooperative)
    a, b = books
    with scope(cooperative=cooperative):
        share = distribution.shares.get(member=a)
    # a's 500.000 stood at every month end of 2024; b's 9.500.000 from February (11 month ends)
    assert share.savings_basis == Decimal("500000.00")
    with scope(cooperative=cooperative):
        assert distribution.shares.get(member=b).savings_basis == (Decimal("9500000") * 11 / 12).quantize(Decimal("0.01"))


# --- volumes: the table (htmx and plain) -----------------------------------------------------

def volume_field(member):
    return f"v-{member.pk}"


def test_volumes_table_saves_the_page_without_javascript(client, cooperative, manager, books):
    a, b = books
    client.force_login(manager)
    page = get(client, url(cooperative, "volume/")).content.decode()
    assert f'name="{volume_field(a)}"' in page and 'value="1000000"' in page
    response = post(client, url(cooperative, "volume/"), {volume_field(a): "1.250.000", volume_field(b): "2500000,50"})
    assert response.status_code == 302
    with scope(cooperative=cooperative):
        volumes = dict(MemberTransactionVolume.objects.values_list("member_id", "volume"))
    assert volumes[a.pk] == Decimal("1250000") and volumes[b.pk] == Decimal("2500000.50")


def test_a_negative_or_bad_volume_saves_nothing(client, cooperative, manager, books):
    a, b = books
    client.force_login(manager)
    response = post(client, url(cooperative, "volume/"), {volume_field(a): "5000", volume_field(b): "-20"})
    assert response.status_code == 400
    assert volume_field(b) in response.context["form"].errors
    response = post(client, url(cooperative, "volume/"), {volume_field(a): "lima ribu"})
    assert response.status_code == 400
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("1000000")


def test_htmx_saves_one_row(client, cooperative, manager, books):
    a, _b = books
    client.force_login(manager)
    htmx = {"HX-Request": "true", "HX-Target": f"volume-row-{a.pk}"}
    response = post(client, url(cooperative, "volume/"), {"row": a.pk, volume_field(a): "750.000"}, headers=htmx)
    html = response.content.decode()
    assert response.status_code == 200 and html.strip().startswith(f'<tr id="volume-row-{a.pk}"') and "Saved" in html
    assert "<html" not in html
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("750000")
    response = post(client, url(cooperative, "volume/"), {"row": a.pk, volume_field(a): "-1"}, headers=htmx)
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("750000")
    # a member who was not on the register at the year end, or of another cooperative: 404
    late = MemberFactory(cooperative=cooperative, joined_on=D(2025, 2, 1))
    assert post(client, url(cooperative, "volume/"), {"row": late.pk, f"v-{late.pk}": "1"}, headers=htmx).status_code == 404
    assert post(client, url(cooperative, "volume/"), {"row": "x"}, headers=htmx).status_code == 404


def test_volumes_are_locked_after_approval(client, cooperative, manager):
    distribution = shu_samples.approved(cooperative, actor=manager)
    client.force_login(manager)
    page = get(client, url(cooperative, "volume/")).content.decode()
    assert "cannot change" in page and 'class="volume-input"' not in page
    with scope(cooperative=cooperative):
        a = distribution.shares.order_by("member__number").first().member
    htmx = {"HX-Request": "true"}
    response = post(client, url(cooperative, "volume/"), {"row": a.pk, volume_field(a): "1"}, headers=htmx)
    assert "cannot change" in response.content.decode()
    assert get(client, url(cooperative, "volume/impor/")).status_code == 200  # the page; the service refuses a save


# --- volumes: import ------------------------------------------------------------------------

def csv_upload(text, name="volume.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_upload(rows, name="volume.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def test_import_preview_then_confirm(client, cooperative, manager, books):
    a, b = books
    client.force_login(manager)
    upload = xlsx_upload([["Volume transaksi koperasi 2024"], ["No. Anggota", "Nama", "Volume"],
                          [a.number, a.full_name, 2000000], [int(b.number), b.full_name, "3.500.000"]])
    response = post(client, url(cooperative, "volume/impor/"), {"file": upload})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok and len(preview.rows) == 2 and preview.total == Decimal("5500000")
    with scope(cooperative=cooperative):  # nothing written yet
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("1000000")
    token = response.context["token"]
    response = post(client, url(cooperative, "volume/impor/simpan/"), {"token": token})
    assert response.status_code == 302 and response["Location"].endswith("/volume/")
    with scope(cooperative=cooperative):
        volumes = dict(MemberTransactionVolume.objects.values_list("member_id", "volume"))
    assert volumes == {a.pk: Decimal("2000000"), b.pk: Decimal("3500000")}
    # the token is used up
    response = post(client, url(cooperative, "volume/impor/simpan/"), {"token": token})
    assert response.status_code == 302 and response["Location"].endswith("/volume/impor/")


def test_import_lists_every_bad_row_and_writes_nothing(client, cooperative, manager, books):
    a, b = books
    left = MemberFactory(cooperative=cooperative, joined_on=D(2020, 1, 1), status="left", left_on=D(2024, 6, 30))
    late = MemberFactory(cooperative=cooperative, joined_on=D(2025, 1, 10))
    client.force_login(manager)
    text = "\n".join([
        "No. Anggota;Volume",
        f"{a.number};-5.000",  # negative
        "99999;1000",  # unknown member
        f"{left.number};1000",  # left before the year end
        f"{late.number};1000",  # joined after it
        f"{b.number};1000",
        f"{b.number};2000",  # twice
        ";1000",  # no number
        f"{a.number};banyak",  # not a number
    ])
    response = post(client, url(cooperative, "volume/impor/"), {"file": csv_upload(text)})
    preview = response.context["preview"]
    assert not preview.ok and not response.context["token"]
    rows_with_errors = sorted({e.row for e in preview.errors})
    assert rows_with_errors == [2, 3, 4, 5, 7, 8, 9]
    page = response.content.decode()
    assert "negative" in page and "no member with number 99999" in page and "also on row 6" in page
    assert "Nothing was written" in page
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=b).volume == Decimal("14000000")


@pytest.mark.parametrize(("content", "message"), [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "not an Excel workbook"),
    (b"", "empty"),
    (b"Nama;Alamat\nBudi;Jl. Mawar\n", "No header row found"),
    (b"No. Anggota;Volume\n", "no members"),
])
def test_import_refuses_files_that_are_not_a_volume_table(client, cooperative, manager, books, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager)
    response = post(client, url(cooperative, "volume/impor/"), {"file": SimpleUploadedFile("volume.xlsx", content)})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])


def test_import_confirm_without_a_preview(client, cooperative, manager, books):
    client.force_login(manager)
    response = post(client, url(cooperative, "volume/impor/simpan/"), {"token": "../../etc/passwd"})
    assert response.status_code == 302 and response["Location"].endswith("/volume/impor/")


def test_import_confirm_checks_the_register_again(client, cooperative, manager, books):
    a, _b = books
    client.force_login(manager)
    response = post(client, url(cooperative, "volume/impor/"), {"file": csv_upload(f"No. Anggota,Volume\n{a.number},5000\n")})
    token = response.context["token"]
    shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=YEAR)
    shu_services.shu_approve(actor=manager, distribution=distribution_of(cooperative))
    response = post(client, url(cooperative, "volume/impor/simpan/"), {"token": token}, follow=True)
    assert "already approved" in response.content.decode()
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("1000000")


# --- preview and XLSX ---------------------------------------------------------------------------

def test_preview_shows_the_rounding_remainder_and_downloads_xlsx(client, cooperative, manager, books):
    a, b = books
    shu_services.transaction_volume_set(actor=manager, cooperative=cooperative, book_year=YEAR, volumes={a: 1, b: 2})
    distribution = shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=YEAR)
    assert distribution.remainder > 0
    client.force_login(manager)
    page = get(client, url(cooperative, "pratinjau/")).content.decode()
    from portal.formatting import format_rupiah

    assert f'id="shu-remainder">{format_rupiah(distribution.remainder)}<' in page
    response = get(client, url(cooperative, "pratinjau/"), data={"format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith('attachment; filename="shu-2024-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    numbers = [row[0] for row in values]
    assert a.number in numbers and b.number in numbers
    text = " ".join(str(c) for row in values for c in row if c)
    assert "rounding remainder" in text
    with scope(cooperative=cooperative):
        assert AuditEvent.objects.filter(action="shu.export").exists()
    assert get(client, url(cooperative, "pratinjau/"), data={"format": "pdfx"}).status_code == 400


def test_preview_search_with_htmx(client, cooperative, manager):
    shu_samples.prepared(cooperative, actor=manager)
    with scope(cooperative=cooperative):
        member = ShuMemberShare.objects.select_related("member").first().member
    client.force_login(manager)
    response = client.get(url(cooperative, "pratinjau/"), {"q": member.number},
                          headers={**EN, "HX-Request": "true", "HX-Target": "share-results"})
    html = response.content.decode()
    assert member.full_name in html and "<html" not in html


def test_preview_without_a_distribution_redirects_to_the_year(client, cooperative, manager, books):
    client.force_login(manager)
    response = get(client, url(cooperative, "pratinjau/"))
    assert response.status_code == 302 and response["Location"].endswith(f"/shu/{YEAR}/")


# --- approve, post, credit -----------------------------------------------------------------------

def test_approve_without_a_rat(client, cooperative, manager):
    shu_samples.prepared(cooperative, actor=manager)
    client.force_login(manager)
    page = get(client, url(cooperative, "setujui/")).content.decode()
    assert "No RAT is scheduled" in page and 'name="decision_text"' not in page
    response = post(client, url(cooperative, "setujui/"))
    assert response.status_code == 302
    assert distribution_of(cooperative).status == "approved"
    # approve twice: the page says so, nothing changes
    response = get(client, url(cooperative, "setujui/"), follow=True)
    assert "already approved" in response.content.decode()


def rat_invited(cooperative, manager):
    meeting = meeting_services.meeting_schedule(actor=manager, cooperative=cooperative, book_year=YEAR,
                                                date=timezone.localdate() + datetime.timedelta(days=20), venue="Aula")
    return meeting_services.invitations_send(actor=manager, meeting=meeting, confirm_late=True)


def test_approve_records_the_rats_decision_on_the_shu_item(client, cooperative, manager):
    shu_samples.prepared(cooperative, actor=manager)
    meeting = rat_invited(cooperative, manager)
    client.force_login(manager)
    page = get(client, url(cooperative, "setujui/")).content.decode()
    assert "recorded as the decision of RAT 2024" in page and "jasa modal 20 %" in page
    # a vote with more votes than members present is refused: nothing approved
    response = post(client, url(cooperative, "setujui/"), {"decision_method": "vote", "votes_for": 5, "votes_against": 0,
                                                           "votes_abstain": 0, "decision_text": "Disetujui"})
    assert response.status_code == 400 and "votes_for" in response.context["form"].errors
    assert distribution_of(cooperative).status == "draft"
    response = post(client, url(cooperative, "setujui/"), {"decision_method": "mufakat", "decision_text": ""})
    assert response.status_code == 302
    distribution = distribution_of(cooperative)
    assert distribution.status == "approved" and distribution.meeting_id == meeting.pk
    with scope(cooperative=cooperative):
        item = AgendaItem.objects.get(meeting=meeting, kind="shu")
    assert item.decision_method == "mufakat" and "SHU of book year 2024" in item.decision_text


def test_approve_links_a_published_rat_without_writing_its_minutes(cooperative, manager):
    distribution = shu_samples.prepared(cooperative, actor=manager)
    meeting = rat_invited(cooperative, manager)
    with scope(cooperative=cooperative):
        type(meeting).objects.filter(pk=meeting.pk).update(status="minutes_published")
    distribution, item = shu_services.shu_approve_as_rat_decision(actor=manager, distribution=distribution)
    assert item is None and distribution.meeting_id == meeting.pk and distribution.status == "approved"


def test_post_before_approve_is_refused(client, cooperative, manager):
    shu_samples.prepared(cooperative, actor=manager)
    client.force_login(manager)
    assert 'id="not-approved"' in get(client, url(cooperative, "posting/")).content.decode()
    response = post(client, url(cooperative, "posting/"), {"date": "2025-03-20"})
    assert response.status_code == 400
    assert "Only an approved" in " ".join(response.context["form"].non_field_errors())
    assert distribution_of(cooperative).journal_entry_id is None


def test_post_shows_the_lines_then_posts_once(client, cooperative, manager):
    shu_samples.approved(cooperative, actor=manager)
    client.force_login(manager)
    page = get(client, url(cooperative, "posting/")).content.decode()
    assert "3-107" in page and "2-108" in page and "Rp 1.000.000" in page
    assert post(client, url(cooperative, "posting/"), {"date": "2024-12-01"}).status_code == 400  # a closed year
    assert post(client, url(cooperative, "posting/"), {"date": "tomorrow"}).status_code == 400
    response = post(client, url(cooperative, "posting/"), {"date": "2025-03-20"})
    assert response.status_code == 302
    distribution = distribution_of(cooperative)
    assert distribution.status == "posted" and distribution.journal_entry.date == D(2025, 3, 20)
    response = post(client, url(cooperative, "posting/"), {"date": "2025-03-20"})  # a double tap
    assert response.status_code == 302
    from ledger.models import JournalEntry

    with scope(cooperative=cooperative):
        assert JournalEntry.objects.filter(description__contains="SHU").count() == 1


def test_credit_to_sukarela(client, cooperative, manager):
    shu_samples.approved(cooperative, actor=manager)
    client.force_login(manager)
    assert 'id="not-posted"' in get(client, url(cooperative, "kreditkan/")).content.decode()
    assert post(client, url(cooperative, "kreditkan/"), {"date": "2025-03-21"}).status_code == 400
    shu_services.shu_post(actor=manager, distribution=distribution_of(cooperative), date=D(2025, 3, 20))
    assert 'id="pending"' in get(client, url(cooperative, "kreditkan/")).content.decode()
    response = post(client, url(cooperative, "kreditkan/"), {"date": "2025-03-21"}, follow=True)
    assert "2 members&#x27; shares were credited" in response.content.decode()
    with scope(cooperative=cooperative):
        assert not ShuMemberShare.objects.filter(paid_transaction__isnull=True, total__gt=0).exists()
    assert 'id="nothing-pending"' in get(client, url(cooperative, "kreditkan/")).content.decode()
    response = post(client, url(cooperative, "kreditkan/"), {"date": "2025-03-21"}, follow=True)
    assert "Nothing left to credit" in response.content.decode()
    from members.reconcile import savings_reconcile

    assert savings_reconcile(cooperative=cooperative) == []


# --- the member's own SHU ----------------------------------------------------------------------

def test_the_member_sees_their_shu_with_the_formula_in_their_numbers(client, cooperative, manager, make_user):
    user = make_user(None, "outsider")
    shu_samples.posted(cooperative, actor=manager, user=user)
    client.force_login(user)
    page = get(client, url(cooperative, "saya/", year=None)).content.decode()
    assert "Rp 500.000 ÷ Rp 10.000.000 × 20 % × Rp 2.000.000 = <strong>Rp 20.000</strong>" in page
    assert "Rp 1.000.000 ÷ Rp 15.000.000 × 30 % × Rp 2.000.000 = <strong>Rp 40.000</strong>" in page
    assert "Rp 20.000 + Rp 40.000 = <strong>Rp 60.000</strong>" in page
    assert "Pokok + wajib at the end of the book year" in page
    assert "not credited yet" in page
    shu_services.shu_credit_to_savings(actor=manager, distribution=distribution_of(cooperative), date=D(2025, 3, 21))
    page = get(client, url(cooperative, "saya/", year=None)).content.decode()
    assert "Credited to your simpanan sukarela on 21 Mar 2025" in page and "SMP-2025-" in page
    # the member's home links the year to this page
    home = get(client, f"/c/{cooperative.slug}/saya/").content.decode()
    assert f'href="/c/{cooperative.slug}/shu/saya/#shu-2024">Rp 60.000</a>' in home


def test_the_member_sees_no_draft_and_no_one_elses_share(client, cooperative, manager, make_user):
    user = make_user(None, "outsider")
    shu_samples.prepared(cooperative, actor=manager, user=user)
    client.force_login(user)
    page = get(client, url(cooperative, "saya/", year=None)).content.decode()
    assert "SHU appears here after the RAT." in page and "Rp 60.000" not in page
    shu_services.shu_approve(actor=manager, distribution=distribution_of(cooperative))
    page = get(client, url(cooperative, "saya/", year=None)).content.decode()
    assert "Rp 60.000" in page
    assert "Rp 1.940.000" not in page and "Rp 9.500.000" not in page  # b's share and savings


def test_staff_without_membership_cannot_open_my_shu(client, cooperative, manager):
    client.force_login(manager)
    assert get(client, url(cooperative, "saya/", year=None)).status_code == 403


# --- query budgets -----------------------------------------------------------------------------

def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("which", ["", "volume/", "pratinjau/", "setujui/", "posting/", "kreditkan/", "index"])
def test_staff_pages_stay_in_budget_at_1_and_50_members(client, cooperative, manager, which):
    few, many = {}, {}
    from tests.factories import CooperativeFactory

    other = CooperativeFactory()
    other_manager = _manager_of(other)
    for coop, extra, out, actor in ((cooperative, 0, few, manager), (other, 49, many, other_manager)):
        distribution = shu_samples.prepared(coop, actor=actor, extra_members=extra)
        if which in ("posting/", "kreditkan/"):
            distribution = shu_services.shu_approve(actor=actor, distribution=distribution)
        if which == "kreditkan/":
            shu_services.shu_post(actor=actor, distribution=distribution, date=D(2025, 3, 20))
        client.force_login(actor)
        path = f"/c/{coop.slug}/shu/" if which == "index" else url(coop, which)
        out["n"] = count_queries(client, path)
    assert few["n"] <= 12 and many["n"] == few["n"], (few, many)


def _manager_of(cooperative):
    from tests.factories import RoleAssignmentFactory, UserFactory

    user = UserFactory()
    RoleAssignmentFactory(cooperative=cooperative, user=user, role="manager")
    return user


def test_my_shu_stays_in_the_member_budget_at_1_and_50_members(client, make_user):
    from tests.factories import CooperativeFactory

    counts = []
    for extra in (0, 49):
        cooperative = CooperativeFactory()
        user = make_user(None, "outsider")
        shu_samples.posted(cooperative, actor=None, user=user, extra_members=extra)
        shu_services.shu_credit_to_savings(actor=None, distribution=distribution_of(cooperative), date=D(2025, 3, 21))
        client.force_login(user)
        counts.append((count_queries(client, url(cooperative, "saya/", year=None)), count_queries(client, f"/c/{cooperative.slug}/saya/")))
    assert counts[0] == counts[1] and max(counts[0]) <= 8, counts


# --- services: the fixes made for these pages ---------------------------------------------------

def test_volumes_refuse_a_member_of_another_cooperative(cooperative, other_cooperative, manager, books):
    from django.core.exceptions import ValidationError

    a, _b = books
    theirs = MemberFactory(cooperative=other_cooperative)
    with pytest.raises(ValidationError) as err, translation.override("en"):
        shu_services.transaction_volume_set(actor=manager, cooperative=cooperative, book_year=YEAR, volumes={a: 5, theirs: 10})
    assert "not a member of this cooperative" in str(err.value)
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("1000000")
    with scope(cooperative=other_cooperative):
        assert not MemberTransactionVolume.objects.exists()


@pytest.mark.parametrize("bad", ["-1", "abc", "1.005", "1e20", "NaN", True, "99999999999999999"])
def test_volumes_refuse_bad_amounts_whole(cooperative, manager, books, bad):
    from django.core.exceptions import ValidationError

    a, b = books
    with pytest.raises(ValidationError) as err:
        shu_services.transaction_volume_set(actor=manager, cooperative=cooperative, book_year=YEAR, volumes={a: 7, b: bad})
    assert "volume" in err.value.message_dict
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("1000000")


def test_volumes_cannot_change_after_approval(cooperative, manager):
    from django.core.exceptions import ValidationError

    distribution = shu_samples.approved(cooperative, actor=manager)
    with scope(cooperative=cooperative):
        member = distribution.shares.first().member
    with pytest.raises(ValidationError) as err:
        shu_services.transaction_volume_set(actor=manager, cooperative=cooperative, book_year=YEAR, volumes={member: 1})
    assert "book_year" in err.value.message_dict


def test_percentages_with_three_decimals_are_refused_though_they_add_up(cooperative, manager, books):
    """33.333 would be stored as 33.33: the saved percentages would no longer make 100 %."""
    from django.core.exceptions import ValidationError

    thirds = {"reserve_percent": "33.333", "jasa_modal_percent": "33.333", "jasa_usaha_percent": "33.334", "pengurus_percent": 0,
              "karyawan_percent": 0, "pendidikan_percent": 0, "sosial_percent": 0}
    with pytest.raises(ValidationError) as err:
        shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=YEAR, **thirds)
    assert {"reserve_percent", "jasa_modal_percent", "jasa_usaha_percent"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=YEAR, sosial_percent="lima")
    assert "sosial_percent" in err.value.message_dict
    assert distribution_of(cooperative) is None


def test_prepare_refuses_a_meeting_of_another_cooperative_or_year(cooperative, other_cooperative, manager, books):
    from django.core.exceptions import ValidationError

    from tests.factories import MeetingFactory

    for meeting in (MeetingFactory(cooperative=other_cooperative, book_year=YEAR), MeetingFactory(cooperative=cooperative, book_year=2023)):
        with pytest.raises(ValidationError) as err:
            shu_services.shu_prepare(actor=manager, cooperative=cooperative, book_year=YEAR, meeting=meeting)
        assert "meeting" in err.value.message_dict


def test_approve_twice_is_refused(cooperative, manager):
    from django.core.exceptions import ValidationError

    distribution = shu_samples.approved(cooperative, actor=manager)
    for approve in (shu_services.shu_approve, shu_services.shu_approve_as_rat_decision):
        with pytest.raises(ValidationError):
            approve(actor=manager, distribution=distribution)


def test_the_posting_lines_shown_are_the_lines_posted(cooperative, manager):
    distribution = shu_samples.approved(cooperative, actor=manager)
    planned = shu_services.shu_posting_lines(distribution)
    assert sum(line["debit"] for line in planned) == sum(line["credit"] for line in planned) == Decimal("2000000")
    distribution = shu_services.shu_post(actor=manager, distribution=distribution, date=D(2025, 3, 20))
    with scope(cooperative=cooperative):
        posted = sorted((l.account.code, l.debit, l.credit) for l in distribution.journal_entry.lines.select_related("account"))
    assert posted == sorted((l["account"].code, l["debit"], l["credit"]) for l in planned)
