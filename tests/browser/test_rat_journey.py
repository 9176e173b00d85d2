"""Issue 5's "Done when" journey: a whole RAT at phone size (390×844) in a real Chromium.

A seeded cooperative with books (the demo city, `seed_demo --members-per-cooperative 3`, books
included) whose last book year is closed and has no RAT yet. Its manager schedules the RAT for
today (so the invitations go out late, with the confirmation the AD/ART's notice asks for), sends
the invitations, marks members present at the door until the live quorum panel says it is met,
enters the members' transaction volumes, computes the SHU (preview), approves it as the decision
on the SHU agenda item, posts it to the ledger, records the other decisions (one by vote, an
elected officer), uploads a real PDF to the meeting, records that the meeting was held, completes
and publishes the minutes and reports the RAT to the city. Then a member of that cooperative logs
in and reads the published minutes and their SHU with how it was computed.

Only clicks and form fills drive the portal; the database is read to check what the pages said.
Every page visited is styled, photographed (var/test-artifacts/screenshots/) and checked by axe
(no serious or critical violation); the browser must report no console error or failed request.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from cooperatives.book_years import book_year_end, last_closed_book_year
from cooperatives.models import Cooperative
from ledger.models import BookYear, BookYearState, JournalEntry
from meetings.models import AgendaItem, AgendaItemKind, Meeting, MeetingDocument, MeetingStatus, RatReport, ShuDistribution, ShuMemberShare, ShuStatus
from meetings.services import members_on_register
from meetings.shu_services import year_shu
from members.models import Member, MemberStatus
from tests.browser.conftest import REPO
from tests.factories import RoleAssignmentFactory, UserFactory, ensure_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/akun/login/"
PASSWORD = {"manager": "Ketua-rapat-2026!", "member": "Anggota-rapat-2026"}
FILES = REPO / "var" / "test-artifacts" / "upload-files"


def _user(full_name, password, phone):
    user = UserFactory(full_name=full_name, phone=phone, email=None)  # not the demo logins' 0812-1000-00xx
    user.set_password(password)
    user.save()
    return user


def _login_of(user):
    return "0" + user.phone.removeprefix("+62")


@pytest.fixture
def rat_setup(transactional_db, tmp_path):
    """The demo city with books; the first cooperative (by slug) whose last closed book year has a
    positive SHU, no RAT yet and at least two members on the register today. It gets a manager
    login, and one of its members a login of her own."""
    ensure_regions()
    call_command("seed_demo", "--members-per-cooperative", "3", "--logins-file", str(tmp_path / "logins.json"))
    today = timezone.localdate()
    with scopes_disabled():
        for cooperative in Cooperative.objects.order_by("slug"):
            year = last_closed_book_year(today, cooperative.book_year_end_month)
            if not BookYear.objects.filter(cooperative=cooperative, year=year, state=BookYearState.CLOSED).exists():
                continue
            if Meeting.objects.filter(cooperative=cooperative, kind="rat", book_year=year).exists():
                continue
            year_end = book_year_end(year, cooperative.book_year_end_month)
            members = list(Member.objects.filter(cooperative=cooperative, status=MemberStatus.ACTIVE, joined_on__lte=year_end, user=None).order_by("number"))
            if len(members) < 2 or year_shu(cooperative=cooperative, book_year=year) <= 0:
                continue
            break
        else:
            pytest.fail("the demo city has no cooperative with books, a closed year and no RAT for it")
    manager = _user("Ujang Permana", PASSWORD["manager"], "+6285799990001")
    RoleAssignmentFactory(cooperative=cooperative, user=manager, role="manager", title="Ketua")
    member = members[0]
    member_user = _user(member.full_name, PASSWORD["member"], "+6285799990002")
    with scope(cooperative=cooperative):
        Member.objects.filter(pk=member.pk).update(user=member_user)
    return cooperative, year, manager, member, member_user


@pytest.fixture
def visit(page, live_server, check_a11y, screenshot, assert_styled, browser_problems):
    class Visit:
        page = None

        def seen(self, name, p=None):
            p = p or self.page
            p.wait_for_load_state("load")
            assert_styled(p)
            screenshot(p, name)
            check_a11y(p, name)
            return p

        def login(self, p, login, password):
            p.goto(live_server.url + LOGIN_PATH)
            self.seen("login", p)
            form = p.locator("main form").filter(has=p.locator("input[name=password]"))
            form.locator("input[name=login]").fill(login)
            form.locator("input[name=password]").fill(password)
            form.locator("button[type=submit]").click()
            p.wait_for_load_state("load")

    v = Visit()
    v.page = page
    yield v
    assert not browser_problems, "the browser reported problems:\n" + "\n".join(browser_problems)


def _pdf_file() -> str:
    """A small real PDF (WeasyPrint, as the portal renders its own papers)."""
    from weasyprint import HTML

    FILES.mkdir(parents=True, exist_ok=True)
    path = FILES / "Laporan keuangan RAT.pdf"
    html = "<h1>Laporan keuangan</h1><p>Neraca dan laporan perhitungan hasil usaha, diaudit.</p>"
    path.write_bytes(HTML(string=html).write_pdf())
    return str(path)


def test_manager_holds_the_rat_and_a_member_reads_minutes_and_shu(rat_setup, page, browser, browser_context_args, live_server, visit):
    cooperative, year, manager, member, member_user = rat_setup
    slug = cooperative.slug
    today = timezone.localdate()

    # --- the manager schedules the RAT --------------------------------------------------------
    visit.login(page, _login_of(manager), PASSWORD["manager"])
    expect(page).to_have_url(re.compile(rf"/c/{re.escape(slug)}/$"))
    visit.seen("overview")
    page.locator("#open-meetings").click()
    expect(page).to_have_url(re.compile(rf"/c/{re.escape(slug)}/rapat/$"))
    # no RAT for the closed year yet, and its deadline has passed or is counting down
    expect(page.locator("#rat-deadline")).to_contain_text(str(year))
    visit.seen("meetings-none")
    page.locator("#schedule-meeting").click()
    visit.seen("schedule-form")
    form = page.locator("main form.form")
    expect(form.locator("select[name=kind]")).to_have_value("rat")
    expect(form.locator("input[name=book_year]")).to_have_value(str(year))
    form.locator("input[name=date]").fill(today.isoformat())
    form.locator("input[name=start_time]").fill("09:00")
    form.locator("input[name=end_time]").fill("12:00")
    form.locator("input[name=venue]").fill("Aula kantor koperasi")
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")
    with scope(cooperative=cooperative):
        meeting = Meeting.objects.get(kind="rat", book_year=year)
        items = {item.kind: item for item in AgendaItem.objects.filter(meeting=meeting)}
    expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    expect(page.locator("#meeting-status")).to_be_visible()
    assert len(items) == 8, items  # the standard agenda
    visit.seen("meeting-scheduled")

    # --- invitations: today is later than the AD/ART's notice, so it asks for a confirmation -----
    page.locator("#action-invite").click()
    expect(page.locator("#late-warning")).to_be_visible()
    registered = members_on_register(meeting)
    expect(page.locator("#invited-count")).to_have_text(str(registered))
    visit.seen("invitations")
    page.locator("#send-invitations").click()
    page.wait_for_load_state("load")
    expect(page.locator("main form .errorlist")).to_be_visible()  # refused without the confirmation
    visit.seen("invitations-need-confirmation")
    page.locator("input[name=confirm_late]").check()
    page.locator("#send-invitations").click()
    expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    with scope(cooperative=cooperative):
        assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.INVITED
    visit.seen("invitations-sent")

    # --- attendance at the door until the quorum is met (the panel updates live) ---------------
    page.locator("#action-attendance").click()
    expect(page).to_have_url(re.compile(r"/kehadiran/$"))
    expect(page.locator("#quorum-present")).to_have_text("0")
    needed = int(page.locator("#quorum-needed").inner_text())
    assert 0 < needed <= registered
    expect(page.locator("#quorum-registered")).to_have_text(str(registered))
    visit.seen("door-empty")
    with scope(cooperative=cooperative):
        on_register = list(Member.objects.filter(joined_on__lte=today, status=MemberStatus.ACTIVE).order_by("number"))
    present = 0
    for person in on_register:
        if present >= needed:
            break
        search = page.locator("#id_q")
        search.fill(person.number)
        button = page.locator(f"#present-{person.pk}")
        expect(button).to_be_visible()
        if present == 0:
            visit.seen("door-search")
        button.click()
        present += 1
        expect(page.locator("#quorum-present")).to_have_text(str(present))
        expect(page.locator("#attendees")).to_contain_text(person.full_name)
        if present < needed:
            expect(page.locator("#quorum-panel")).to_have_class(re.compile(r"\bnot-met\b"))
            visit.seen(f"door-{present}-present")
    assert present == needed, f"only {len(on_register)} members could be marked; {needed} needed"
    expect(page.locator("#quorum-panel")).to_have_class(re.compile(r"\bmet\b"))
    expect(page.locator("#quorum-panel")).not_to_have_class(re.compile(r"not-met"))
    visit.seen("door-quorum-met")

    # --- SHU: volumes, compute, preview, approve as the RAT's decision, post ----------------------
    page.locator("main p.crumbs a").first.click()  # back to the meeting
    expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    page.locator("#paper-shu").click()
    expect(page).to_have_url(re.compile(rf"/shu/{year}/$"))
    visit.seen("shu-year")
    page.locator("nav.shu-steps a[href$='/volume/']").click()
    expect(page).to_have_url(re.compile(rf"/shu/{year}/volume/$"))
    visit.seen("shu-volumes")
    inputs = page.locator("input.volume-input")
    count = inputs.count()
    assert count >= 2
    volumes = {}
    for i in range(count):
        field = inputs.nth(i)
        member_pk = int(field.get_attribute("name").removeprefix("v-"))
        amount = 1_500_000 + 250_000 * i
        volumes[member_pk] = amount
        field.fill(str(amount))
        field.press("Tab")  # htmx saves the row on change
        expect(page.locator(f"#volume-row-{member_pk} .saved")).to_be_visible()
    visit.seen("shu-volumes-saved")
    page.locator("nav.shu-steps a[href$='/shu/{year}/']".replace("{year}", str(year))).click()
    settings_form = page.locator("main form.shu-settings")
    settings_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/shu/{year}/pratinjau/$"))
    with scope(cooperative=cooperative):
        distribution = ShuDistribution.objects.get(book_year=year)
        shares = {s.member_id: s for s in ShuMemberShare.objects.filter(distribution=distribution)}
    assert distribution.status == ShuStatus.DRAFT and distribution.meeting_id == meeting.pk
    assert distribution.shu_total == year_shu(cooperative=cooperative, book_year=year)
    assert {pk: s.transaction_volume for pk, s in shares.items() if pk in volumes} == {pk: Decimal(v) for pk, v in volumes.items()}
    expect(page.locator("#shu-status")).to_be_visible()
    visit.seen("shu-preview")

    page.locator("main a.button-primary[href$='/setujui/']").click()
    expect(page.locator("#rat-decision")).to_be_visible()
    visit.seen("shu-approve")
    page.locator("input[name=decision_method][value=mufakat]").check()
    page.locator("main form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/shu/{year}/pratinjau/$"))
    with scope(cooperative=cooperative):
        assert ShuDistribution.objects.get(pk=distribution.pk).status == ShuStatus.APPROVED
        shu_item = AgendaItem.objects.get(pk=items[AgendaItemKind.SHU].pk)
    assert shu_item.decision_method == "mufakat" and str(year) in shu_item.decision_text
    visit.seen("shu-approved")

    page.locator("main a.button-primary[href$='/posting/']").click()
    expect(page.locator("table.posting-lines tbody tr").first).to_be_visible()
    visit.seen("shu-post")
    page.locator("main form.form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/shu/{year}/pratinjau/$"))
    with scope(cooperative=cooperative):
        distribution = ShuDistribution.objects.select_related("journal_entry").get(pk=distribution.pk)
        assert distribution.status == ShuStatus.POSTED
        entry = JournalEntry.objects.get(pk=distribution.journal_entry_id)
    expect(page.locator("main .messages")).to_contain_text(entry.number)
    visit.seen("shu-posted")

    # --- decisions on the other agenda items -------------------------------------------------------
    page.goto(f"{live_server.url}/c/{slug}/rapat/{meeting.pk}/")
    expect(page.locator("#agenda")).to_contain_text(shu_item.decision_text[:40])
    for kind, item in items.items():
        if kind == AgendaItemKind.SHU:
            continue
        page.locator(f"#decide-{item.pk}").click()
        expect(page).to_have_url(re.compile(rf"/acara/{item.pk}/keputusan/$"))
        if kind == AgendaItemKind.OPENING:
            visit.seen("decision-form")
        if kind == AgendaItemKind.FINANCIAL_STATEMENTS:
            page.locator("input[name=decision_method][value=vote]").check()
            page.locator("input[name=votes_for]").fill(str(present - 1))
            page.locator("input[name=votes_against]").fill("0")
            page.locator("input[name=votes_abstain]").fill("1")
        else:
            page.locator("input[name=decision_method][value=mufakat]").check()
        page.locator("textarea[name=decision_text]").fill(f"Rapat menerima: {item.title}.")
        if kind == AgendaItemKind.ELECTIONS:
            officers = page.locator("#officer-form")
            officers.locator("select[name=organ]").select_option("pengawas")
            officers.locator("input[name=position]").fill("Ketua Pengawas")
            officers.locator("input[name=name]").fill(member.full_name)
            officers.locator("input[name=member_number]").fill(member.number)
            officers.locator("#save-officer").click()
            expect(page.locator("#officers")).to_contain_text("Ketua Pengawas")
            visit.seen("elections-officer")
            page.locator("input[name=decision_method][value=mufakat]").check()
            page.locator("textarea[name=decision_text]").fill(f"Rapat menerima: {item.title}.")
        page.locator("#save-decision").click()
        expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    with scope(cooperative=cooperative):
        undecided = list(AgendaItem.objects.filter(meeting=meeting, decision_method=""))
        vote = AgendaItem.objects.get(pk=items[AgendaItemKind.FINANCIAL_STATEMENTS].pk)
    assert not undecided, undecided
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (present - 1, 0, 1)
    visit.seen("decisions-recorded")

    # --- a document: the audited financial statements as a PDF -------------------------------------
    page.locator("#paper-documents").click()
    expect(page).to_have_url(re.compile(r"/dokumen/$"))
    visit.seen("documents")
    page.goto(f"{live_server.url}/c/{slug}/rapat/{meeting.pk}/dokumen/unggah/")
    visit.seen("document-upload")
    page.select_option("select[name=kind]", "financial_statements")
    page.locator("input[type=file]").set_input_files(_pdf_file())
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message")).to_contain_text("Laporan keuangan RAT.pdf")
    with scope(cooperative=cooperative):
        document = MeetingDocument.objects.get(meeting=meeting)
    assert document.kind == "financial_statements" and document.content_type == "application/pdf"
    visit.seen("document-uploaded")

    # --- held, minutes, publish -------------------------------------------------------------------
    page.goto(f"{live_server.url}/c/{slug}/rapat/{meeting.pk}/")
    page.locator("#action-held").click()
    expect(page.locator("#held-no-quorum")).to_have_count(0)
    visit.seen("held-form")
    page.locator("#mark-held").click()
    expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    visit.seen("meeting-held")
    page.locator("#action-minutes").click()
    form = page.locator("main form.form")
    form.locator("input[name=chair_name]").fill(manager.full_name)
    form.locator("input[name=secretary_name]").fill("Yeni Rohaeni")
    form.locator("input[name=witness_1]").fill(member.full_name)
    form.locator("input[name=witness_2]").fill(on_register[1].full_name)
    form.locator("input[name=guests]").fill("Dinas Koperasi Kota Sukabumi")
    form.locator("textarea[name=minutes_text]").fill("Rapat dibuka pukul 09.00 dan ditutup pukul 11.45.")
    visit.seen("minutes-form")
    page.locator("#save-minutes").click()
    expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    page.locator("#action-publish").click()
    expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    with scope(cooperative=cooperative):
        assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.MINUTES_PUBLISHED
    visit.seen("minutes-published")
    minutes_pdf = page.request.get(f"{live_server.url}/c/{slug}/rapat/{meeting.pk}/berita-acara.pdf")
    assert minutes_pdf.ok and minutes_pdf.body().startswith(b"%PDF")

    # --- the report to the city ---------------------------------------------------------------------
    page.locator("#action-report").click()
    expect(page).to_have_url(re.compile(r"/laporan/$"))
    visit.seen("report-form")
    page.locator("#submit-report").click()
    expect(page).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    with scope(cooperative=cooperative):
        report = RatReport.objects.get(meeting=meeting)
        assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.REPORTED
    assert (report.members_registered, report.members_present, report.quorum_met) == (registered, present, True)
    assert report.shu == distribution.shu_total
    visit.seen("reported")

    # --- a member reads the published minutes and their SHU --------------------------------------
    context = browser.new_context(**browser_context_args)
    phone = context.new_page()
    problems = []
    phone.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    phone.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    visit.login(phone, _login_of(member_user), PASSWORD["member"])
    phone.goto(f"{live_server.url}/c/{slug}/")
    visit.seen("member-overview", phone)
    phone.locator("#open-meetings").click()
    expect(phone).to_have_url(re.compile(rf"/c/{re.escape(slug)}/rapat/$"))
    visit.seen("member-meetings", phone)
    phone.locator(f"main a[href='/c/{slug}/rapat/{meeting.pk}/']").first.click()
    expect(phone).to_have_url(re.compile(rf"/rapat/{meeting.pk}/$"))
    expect(phone.locator("#decisions-title")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Rapat menerima")
    expect(phone.locator("#shu-title")).to_contain_text(str(year))
    expect(phone.locator("#member-documents")).to_be_visible()
    visit.seen("member-minutes", phone)
    phone.locator("#member-documents").click()
    expect(phone.locator(".doc-card")).to_have_count(1)
    visit.seen("member-documents", phone)

    share = shares[member.pk]
    phone.goto(f"{live_server.url}/c/{slug}/saya/")
    visit.seen("member-home", phone)
    phone.locator(f"#shu-title + dl a[href^='/c/{slug}/shu/saya/']").first.click()  # "SHU received", per year
    expect(phone).to_have_url(re.compile(rf"/shu/saya/#shu-{year}$"))
    card = phone.locator(f"#shu-{year}")
    expect(card).to_be_visible()
    amount = f"Rp {int(share.total):,}".replace(",", ".")
    expect(card.locator(".shu-mine-total")).to_contain_text(amount)
    card.locator("summary").click()
    formulas = card.locator(".formula")
    expect(formulas).to_have_count(3)
    expect(formulas.nth(1)).to_contain_text(f"Rp {int(share.transaction_volume):,}".replace(",", "."))
    visit.seen("member-shu", phone)
    assert not problems, problems
    context.close()
