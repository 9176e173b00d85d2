"""A meeting's documents at phone size in a real Chromium (issue 5 item 7): the manager uploads
with JavaScript switched off (the plain multipart form), a disguised file is refused with its
message, the checklist fills in, a download keeps the person's file name; once the RAT is
reported a document can only be replaced; a member sees the published documents; city staff
see the reported RAT's documents. Screenshots in var/test-artifacts/screenshots/, axe on every
page."""

import re
import io
import os

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.browser.conftest import REPO
from tests.factories import CityRoleFactory, CooperativeFactory, MeetingFactory, MemberFactory, RoleAssignmentFactory, UserFactory, ensure_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Dokumen-rapat-2026!"
FILES = REPO / "var" / "test-artifacts" / "upload-files"


def _user(**fields):
    user = UserFactory(**fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/akun/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill("0" + user.phone.removeprefix("+62"))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def _files():
    from PIL import Image

    FILES.mkdir(parents=True, exist_ok=True)
    photo = io.BytesIO()
    Image.new("RGB", (640, 480), (11, 107, 58)).save(photo, "JPEG")
    files = {
        "daftar-hadir.jpg": photo.getvalue(),
        "LPJ Pengurus 2025.pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        "LPJ Pengurus 2025 (revisi).pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Lang (id) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        "laporan.pdf": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    }
    for name, content in files.items():
        (FILES / name).write_bytes(content)
    return {name: str(FILES / name) for name in files}


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


def test_documents_journey(media, browser, browser_context_args, live_server, check_a11y, screenshot):
    ensure_regions()
    cooperative = CooperativeFactory()
    manager = _user(full_name="Ketua Koperasi")
    RoleAssignmentFactory(cooperative=cooperative, user=manager, role="manager")
    meeting = MeetingFactory(cooperative=cooperative, status="held", book_year=2025)
    files = _files()
    base = f"{live_server.url}/c/{cooperative.slug}/rapat/{meeting.pk}/dokumen/"

    # The manager, without JavaScript: the plain form does everything.
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False, "accept_downloads": True})
    page = context.new_page()
    _login(page, live_server, manager)
    page.goto(base)
    expect(page.locator(".doc-checklist .is-missing")).to_have_count(6)
    file_input = page.locator("input[type=file]")
    assert file_input.get_attribute("accept").startswith("image/*,application/pdf")
    screenshot(page, "documents-empty")

    page.select_option("select[name=kind]", "accountability")
    file_input.set_input_files(files["laporan.pdf"])
    page.locator("main form button[type=submit]").click()
    # the refusal in the UI language (Indonesian by default; "web page" in English)
    expect(page.locator(".errorlist")).to_contain_text(re.compile(r"halaman web|web page"))
    screenshot(page, "documents-refused")
    assert not any(files for _, _, files in os.walk(media))

    for kind, name in (("accountability", "LPJ Pengurus 2025.pdf"), ("attendance_sheet", "daftar-hadir.jpg")):
        page.goto(base + "unggah/")
        page.select_option("select[name=kind]", kind)
        page.locator("input[type=file]").set_input_files(files[name])
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".message")).to_contain_text(name)
    expect(page.locator(".doc-checklist .is-present")).to_have_count(2)
    screenshot(page, "documents-two-uploaded")

    with page.expect_download() as info:
        page.get_by_role("link", name="LPJ Pengurus 2025.pdf").click()
    assert info.value.suggested_filename == "LPJ Pengurus 2025.pdf"

    # Reported to the city: no delete, only a new version.
    Meeting.objects.with_scopes_disabled().filter(pk=meeting.pk).update(status="reported")
    page.goto(base)
    lpj = page.locator(".doc-card").filter(has_text="LPJ Pengurus 2025.pdf")
    expect(lpj.locator("a.button-danger")).to_have_count(0)
    lpj.locator("a.button").first.click()
    page.locator("input[type=file]").set_input_files(files["LPJ Pengurus 2025 (revisi).pdf"])
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".doc-versions summary")).to_be_visible()
    screenshot(page, "documents-reported-new-version")
    context.close()

    # axe needs scripts: the same pages in the ordinary phone context.
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    _login(page, live_server, manager)
    page.goto(base)
    check_a11y(page, "documents-manager")
    page.goto(base + "unggah/")
    check_a11y(page, "documents-upload")
    context.close()

    # A member sees the current documents of the published RAT, nothing else.
    member_user = _user(full_name="Anggota Satu")
    MemberFactory(cooperative=cooperative, user=member_user, full_name=member_user.full_name)
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    _login(page, live_server, member_user)
    page.goto(base)
    expect(page.locator(".doc-card")).to_have_count(2)
    expect(page.locator(".doc-checklist")).to_have_count(0)
    expect(page.locator(".doc-versions")).to_have_count(0)
    screenshot(page, "documents-member")
    check_a11y(page, "documents-member")
    context.close()

    # City staff: the reported RAT's non-personal documents (c450954: not the attendance sheet,
    # which names members), every version.
    city_user = _user(full_name="Staf Dinas")
    CityRoleFactory(user=city_user, role="city_staff")
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    _login(page, live_server, city_user)
    page.goto(f"{live_server.url}/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/")
    expect(page.locator(".doc-card")).to_have_count(1)
    expect(page.locator(".doc-card")).to_contain_text("LPJ Pengurus 2025")
    expect(page.locator("main")).not_to_contain_text("daftar-hadir.jpg")
    expect(page.locator(".doc-versions summary")).to_be_visible()
    screenshot(page, "documents-city")
    check_a11y(page, "documents-city")
    context.close()
