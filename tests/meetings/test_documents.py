"""A meeting's documents (issue 5 item 7, issue 7 item 4): type detection from the content,
hostile files refused with nothing stored, private storage under server-chosen names, the
download role matrix (members, staff, city staff only for reported RATs) and its headers,
supersede-only for a reported RAT, the checklist, auditing and query budgets."""

import io
import os
import re
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scope, scopes_disabled

from meetings import documents
from meetings.models import MeetingDocument
from portal.models import AuditEvent
from tests.factories import CooperativeFactory, MeetingFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- files, built here --------------------------------------------------------------------

def pdf_bytes(extra=b"", body=b"BT /F1 12 Tf 20 100 Td (Laporan RAT) Tj ET"):
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + extra + b" >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>\nendobj\n"
        b"4 0 obj\n<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def image_bytes(fmt="PNG", size=(8, 8)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (11, 107, 58)).save(out, fmt)
    return out.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Neraca", 1250000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_bytes(extra=None, main=DOCX_MAIN):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         "<w:body><w:p><w:r><w:t>Berita acara RAT</w:t></w:r></w:p></w:body></w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb_xlsx(size=20 * 1024 * 1024):
    """An "xlsx" whose sheet is `size` zero bytes: a few kilobytes packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"))
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                sheet.write(chunk)
    return out.getvalue()


def object_stream_pdf(objects: bytes):
    packed = zlib.compress(objects)
    return (b"%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
            b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length " + str(len(packed)).encode() + b" >>\nstream\n"
            + packed + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


GOOD = {
    "pdf": (lambda: pdf_bytes(), "application/pdf"),
    "jpeg": (lambda: image_bytes("JPEG"), "image/jpeg"),
    "png": (lambda: image_bytes("PNG"), "image/png"),
    "xlsx": (xlsx_bytes, documents.XLSX.content_type),
    "docx": (lambda: docx_bytes(), documents.DOCX.content_type),
}

# name → (content, file name, the start of the message a person reads)
HOSTILE = {
    "executable renamed .pdf": (lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode", "laporan.pdf", "This file is a program"),
    "linux executable": (lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "neraca.xlsx", "This file is a program"),
    "html named .pdf": (lambda: b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>", "laporan.pdf", "This file is a web page"),
    "polyglot html first": (lambda: b"<html><script>alert(1)</script><!--\n" + pdf_bytes() + b"-->", "laporan.pdf", "This file is a web page"),
    "polyglot whitespace then html": (lambda: b"\n\n  <script>alert(1)</script>" + pdf_bytes(), "laporan.pdf", "This file is a web page"),
    "svg with script": (lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "foto.png", "SVG images are not accepted"),
    "jpeg magic then html": (lambda: b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", "foto.jpg", "The image could not be read"),
    "pdf with /JavaScript": (lambda: pdf_bytes(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "laporan.pdf", "This PDF contains scripts"),
    "pdf with escaped /JavaScript": (lambda: pdf_bytes(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), "laporan.pdf", "This PDF contains scripts"),
    "pdf with /Launch": (lambda: pdf_bytes(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "laporan.pdf", "This PDF contains scripts"),
    "pdf with /JS in an object stream": (lambda: object_stream_pdf(b"6 0 << /S /JavaScript /JS (app.alert(1)) >>"), "laporan.pdf", "This PDF contains scripts"),
    "pdf with an embedded file": (lambda: pdf_bytes(b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>"), "laporan.pdf", "This PDF carries other files"),
    "encrypted pdf": (lambda: pdf_bytes().replace(b"trailer\n<< /Root 1 0 R", b"trailer\n<< /Root 1 0 R /Encrypt 9 0 R"), "laporan.pdf", "Password-protected (encrypted) PDFs"),
    "zip bomb disguised as .xlsx": (zip_bomb_xlsx, "neraca.xlsx", "The document is packed suspiciously tightly"),
    "docx with macros": (lambda: docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), "notulen.docx", "Documents with macros"),
    "docm content type": (lambda: docx_bytes(main="application/vnd.ms-word.document.macroEnabled.main+xml"), "notulen.docx", "Documents with macros"),
    "zip that is not office": (lambda: _plain_zip(), "laporan.docx", "This ZIP archive is not a Word"),
    "old binary .doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "laporan.doc", "This is an old Word or Excel file"),
    "empty": (lambda: b"", "kosong.pdf", "The file is empty"),
    "plain text": (lambda: b"hello, not a document", "catatan.pdf", "This file is not a PDF, JPEG, PNG"),
}


def _plain_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.exe", b"MZ")
    return out.getvalue()


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (msgids), whatever the catalogue translates."""
    from django.utils import translation

    with translation.override("en"):
        yield

@pytest.fixture
def media(settings, tmp_path):
    """Private storage in a temporary folder for each test."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}
    return root


def stored_files(root):
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


@pytest.fixture
def manager(cooperative, make_user):
    return make_user(cooperative, "manager")


def meeting_with(cooperative, status="held", kind="rat", book_year=2025):
    return MeetingFactory(cooperative=cooperative, status=status, kind=kind, book_year=book_year)


def upload(manager, meeting, content, name="laporan.pdf", kind="accountability", **kwargs):
    return documents.document_upload(actor=manager, meeting=meeting, kind=kind, file=SimpleUploadedFile(name, content), **kwargs)


def count_documents(cooperative):
    with scope(cooperative=cooperative):
        return MeetingDocument.objects.count()


# --- detection ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(GOOD))
def test_good_files_are_accepted_and_stored_under_a_server_name(media, cooperative, manager, kind):
    build, content_type = GOOD[kind]
    meeting = meeting_with(cooperative)
    content = build()
    document = upload(manager, meeting, content, name=f"Laporan Pengurus.{kind}")
    assert document.content_type == content_type
    assert document.original_name == f"Laporan Pengurus.{kind}"
    assert re.fullmatch(rf"meetings/{cooperative.pk}/{meeting.pk}/[0-9a-f]{{32}}\.{documents.TYPES_BY_CONTENT_TYPE[content_type].extension}", document.file.name)
    files = stored_files(media)
    assert len(files) == 1 and files[0].endswith(document.file.name)
    with open(files[0], "rb") as stored:
        assert stored.read() == content
    assert AuditEvent.objects.with_scopes_disabled().filter(action="meeting.document_upload", object_id=str(meeting.pk)).count() == 1


def test_a_real_pdf_with_object_streams_is_accepted():
    import weasyprint

    pdf = weasyprint.HTML(string="<h1>Laporan pertanggungjawaban</h1><p>Rp 1.250.000</p>").write_pdf()
    assert b"/ObjStm" in pdf
    assert documents.detect_type(pdf) is documents.PDF


def test_the_type_comes_from_the_content_not_the_name(media, cooperative, manager):
    document = upload(manager, meeting_with(cooperative), image_bytes("PNG"), name="laporan.pdf")
    assert document.content_type == "image/png" and document.file.name.endswith(".png")
    assert documents.download_name(document) == "laporan.png"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_and_nothing_is_stored(media, cooperative, manager, name):
    build, file_name, message = HOSTILE[name]
    meeting = meeting_with(cooperative)
    with pytest.raises(ValidationError) as refused:
        upload(manager, meeting, build(), name=file_name)
    assert refused.value.message_dict["file"][0].startswith(message), refused.value.message_dict
    assert stored_files(media) == []
    assert count_documents(cooperative) == 0
    assert not AuditEvent.objects.with_scopes_disabled().filter(action="meeting.document_upload").exists()


def test_oversized_file_is_refused(media, settings, cooperative, manager):
    settings.PORTAL_DOCUMENT_MAX_BYTES = 2048
    with pytest.raises(ValidationError) as refused:
        upload(manager, meeting_with(cooperative), pdf_bytes(body=b"x" * 4000))
    assert refused.value.message_dict["file"][0].startswith("The file is larger than 2 KB")
    assert stored_files(media) == [] and count_documents(cooperative) == 0


def test_office_file_unpacking_past_the_limit_is_refused(media, settings, cooperative, manager):
    settings.PORTAL_DOCUMENT_MAX_UNPACKED_BYTES = 100_000
    content = docx_bytes({"word/media/image1.bin": os.urandom(150_000)})  # random: packs 1:1, no bomb ratio
    with pytest.raises(ValidationError) as refused:
        upload(manager, meeting_with(cooperative), content, name="notulen.docx")
    assert "unpacks to more than" in refused.value.message_dict["file"][0]
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "message"), [
    ("../../etc/passwd.pdf", "The file name must not contain folders"),
    ("..\\..\\laporan.pdf", "The file name must not contain folders"),
    ("laporan\x00.exe.pdf", "The file name contains invisible control characters"),
    ("lap\u202eoran.pdf", "The file name contains invisible control characters"),  # right-to-left override
    ("a" * 296 + ".pdf", "The file name is longer than 255 characters"),
])
def test_hostile_names_are_refused_by_the_service(media, cooperative, manager, name, message):
    with pytest.raises(ValidationError) as refused:
        documents.document_upload(actor=manager, meeting=meeting_with(cooperative), kind="other", file=pdf_bytes(), original_name=name)
    assert refused.value.message_dict["file"][0].startswith(message)
    assert stored_files(media) == [] and count_documents(cooperative) == 0


def test_a_255_character_name_is_kept():
    assert documents.clean_original_name("a" * 251 + ".pdf") == "a" * 251 + ".pdf"
    assert documents.clean_original_name("  Laporan RAT 2025.pdf ") == "Laporan RAT 2025.pdf"


def test_the_same_file_twice_is_refused(media, cooperative, manager):
    meeting = meeting_with(cooperative)
    upload(manager, meeting, pdf_bytes())
    with pytest.raises(ValidationError) as refused:
        upload(manager, meeting, pdf_bytes(), name="lagi.pdf")
    assert "already on the meeting" in refused.value.message_dict["file"][0]
    assert len(stored_files(media)) == 1


def test_unknown_kind_is_refused(media, cooperative, manager):
    with pytest.raises(ValidationError) as refused:
        upload(manager, meeting_with(cooperative), pdf_bytes(), kind="virus")
    assert "kind" in refused.value.message_dict and stored_files(media) == []


# --- supersede and delete -----------------------------------------------------------------

def test_reported_rat_documents_cannot_be_deleted_only_superseded(media, cooperative, manager, django_capture_on_commit_callbacks):
    meeting = meeting_with(cooperative, status="reported")
    old = upload(manager, meeting, pdf_bytes(), name="lpj-v1.pdf")
    with pytest.raises(ValidationError) as refused:
        with django_capture_on_commit_callbacks(execute=True):
            documents.document_delete(actor=manager, document=old)
    assert "cannot be deleted" in refused.value.messages[0]
    assert len(stored_files(media)) == 1

    new = documents.document_supersede(actor=manager, document=old, file=SimpleUploadedFile("lpj-v2.pdf", pdf_bytes(body=b"BT (v2) Tj ET")))
    with scope(cooperative=cooperative):
        old.refresh_from_db()
        new.refresh_from_db()
    assert (old.is_current, new.is_current, new.supersedes_id, new.kind) == (False, True, old.pk, old.kind)
    assert len(stored_files(media)) == 2  # the old file is kept
    assert AuditEvent.objects.with_scopes_disabled().filter(action="meeting.document_supersede").count() == 1
    with pytest.raises(ValidationError):
        documents.document_supersede(actor=manager, document=old, file=pdf_bytes(body=b"v3"), original_name="v3.pdf")


def test_supersede_refuses_a_hostile_file(media, cooperative, manager):
    old = upload(manager, meeting_with(cooperative, status="reported"), pdf_bytes())
    with pytest.raises(ValidationError):
        documents.document_supersede(actor=manager, document=old, file=SimpleUploadedFile("v2.pdf", b"MZ\x90\x00"))
    with scope(cooperative=cooperative):
        old.refresh_from_db()
    assert old.is_current and len(stored_files(media)) == 1


def test_delete_removes_the_file_after_commit_and_restores_the_earlier_version(media, cooperative, manager, django_capture_on_commit_callbacks):
    meeting = meeting_with(cooperative, status="held")
    first = upload(manager, meeting, pdf_bytes())
    second = documents.document_supersede(actor=manager, document=first, file=SimpleUploadedFile("v2.png", image_bytes()))
    with pytest.raises(ValidationError):  # earlier versions stay
        documents.document_delete(actor=manager, document=first)
    with django_capture_on_commit_callbacks(execute=True):
        documents.document_delete(actor=manager, document=second)
    files = stored_files(media)
    assert len(files) == 1 and files[0].endswith(first.file.name)
    with scope(cooperative=cooperative):
        first.refresh_from_db()
        assert first.is_current and MeetingDocument.objects.count() == 1
    assert AuditEvent.objects.with_scopes_disabled().filter(action="meeting.document_delete").count() == 1


def test_a_failed_save_leaves_no_file(media, cooperative, manager, monkeypatch):
    import meetings.documents as module

    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(module, "audit_record", broken)
    with pytest.raises(RuntimeError):
        upload(manager, meeting_with(cooperative), pdf_bytes())
    assert stored_files(media) == [] and count_documents(cooperative) == 0


# --- pages ------------------------------------------------------------------------------

def url(meeting, name="list", document=None):
    base = f"/c/{meeting.cooperative.slug}/rapat/{meeting.pk}/dokumen/"
    if name == "list":
        return base
    if name == "upload":
        return base + "unggah/"
    return base + f"{document.pk}/" + {"download": "unduh/", "supersede": "ganti/", "delete": "hapus/"}[name]


def test_upload_through_the_page(media, client, cooperative, manager):
    meeting = meeting_with(cooperative)
    client.force_login(manager)
    page = client.get(url(meeting), **EN).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'accept="image/*,application/pdf' in page
    response = client.post(url(meeting, "upload"), {"kind": "financial_statements", "title": "Neraca 2025",
                                                    "file": SimpleUploadedFile("neraca.xlsx", xlsx_bytes(), "application/octet-stream")}, **EN)
    assert response.status_code == 302 and response["Location"] == url(meeting)
    with scope(cooperative=cooperative):
        document = MeetingDocument.objects.get()
    assert (document.kind, document.title, document.content_type) == ("financial_statements", "Neraca 2025", documents.XLSX.content_type)
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize("name", ["executable renamed .pdf", "html named .pdf", "svg with script", "polyglot html first", "zip bomb disguised as .xlsx", "docx with macros"])
def test_hostile_uploads_through_the_page_show_the_message(media, client, cooperative, manager, name):
    build, file_name, message = HOSTILE[name]
    meeting = meeting_with(cooperative)
    client.force_login(manager)
    response = client.post(url(meeting, "upload"), {"kind": "other", "file": SimpleUploadedFile(file_name, build(), "application/pdf")}, **EN)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert stored_files(media) == [] and count_documents(cooperative) == 0


def test_an_oversized_upload_is_skipped_while_it_streams(media, settings, client, cooperative, manager):
    settings.PORTAL_DOCUMENT_MAX_BYTES = 4096
    meeting = meeting_with(cooperative)
    client.force_login(manager)
    response = client.post(url(meeting, "upload"), {"kind": "photo", "file": SimpleUploadedFile("besar.pdf", pdf_bytes(body=b"x" * 100_000))}, **EN)
    assert response.status_code == 200
    assert "The file is larger than 4 KB" in response.content.decode()
    assert stored_files(media) == [] and count_documents(cooperative) == 0


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../../etc/laporan.pdf", "laporan.pdf"),
    ("..\\..\\laporan.pdf", "laporan.pdf"),
    ("lapo\x00ran.pdf", "laporan.pdf"),
    ("b" * 300 + ".pdf", "b" * 251 + ".pdf"),
])
def test_hostile_names_over_http_arrive_cut_down_and_stay_data(media, client, cooperative, manager, sent, kept):
    """Django's multipart parser keeps only the last part of a name, drops non-printable
    characters and shortens it to 255 before any code of ours; the stored name is ours."""
    meeting = meeting_with(cooperative)
    client.force_login(manager)
    response = client.post(url(meeting, "upload"), {"kind": "other", "file": SimpleUploadedFile(sent, pdf_bytes())})
    assert response.status_code == 302
    with scope(cooperative=cooperative):
        document = MeetingDocument.objects.get()
    assert document.original_name == kept
    assert re.fullmatch(r"meetings/\d+/\d+/[0-9a-f]{32}\.pdf", document.file.name)
    assert all(os.path.realpath(f).startswith(os.path.realpath(media)) for f in stored_files(media))


def test_uploads_check_csrf(media, cooperative, manager):
    meeting = meeting_with(cooperative)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    response = strict.post(url(meeting, "upload"), {"kind": "other", "file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert response.status_code == 403
    assert stored_files(media) == []


def test_checklist_shows_present_and_missing_papers(media, client, cooperative, manager):
    meeting = meeting_with(cooperative)
    upload(manager, meeting, pdf_bytes(), kind="accountability")
    upload(manager, meeting, image_bytes(), name="hadir.png", kind="attendance_sheet")
    client.force_login(manager)
    page = client.get(url(meeting), **EN).content.decode()
    checklist = page[page.index('id="checklist-title"'):page.index('id="documents-title"')]
    assert checklist.count('class="is-present"') == 2 and checklist.count('class="is-missing"') == 4
    assert "?jenis=supervision" in checklist
    assert "Report of the pengawas" in checklist


def test_delete_and_supersede_pages(media, client, cooperative, manager):
    reported = meeting_with(cooperative, status="reported")
    held = meeting_with(cooperative, status="held", kind="ra_khusus")
    locked = upload(manager, reported, pdf_bytes())
    free = upload(manager, held, pdf_bytes())
    client.force_login(manager)
    page = client.get(url(reported), **EN).content.decode()
    assert url(reported, "supersede", locked) in page and url(reported, "delete", locked) not in page
    response = client.post(url(reported, "delete", locked), **EN)
    assert response.status_code == 302
    assert count_documents(cooperative) == 2
    response = client.post(url(reported, "supersede", locked), {"file": SimpleUploadedFile("v2.pdf", pdf_bytes(body=b"v2"))})
    assert response.status_code == 302
    response = client.post(url(held, "delete", free))
    assert response.status_code == 302 and count_documents(cooperative) == 2


# --- downloads: the role matrix and the headers ------------------------------------------

STAFF = ("manager", "bookkeeper", "supervisor")


@pytest.mark.parametrize("status", ["draft", "held", "minutes_published", "reported"])
@pytest.mark.parametrize("role", [*STAFF, "member", "other_member", "city_staff", "city_admin", "outsider"])
def test_download_role_matrix(media, client, make_user, cooperative, other_cooperative, manager, status, role):
    meeting = meeting_with(cooperative, status=status)
    document = upload(manager, meeting, pdf_bytes())
    if role == "other_member":
        user = make_user(other_cooperative, "member")
    else:
        user = make_user(cooperative, role) if role not in ("city_staff", "city_admin") else make_user(None, role)
    client.force_login(user)
    coop_response = client.get(url(meeting, "download", document))
    city_response = client.get(f"/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/{document.pk}/unduh/")
    published = status in ("minutes_published", "reported")
    expected_coop = 200 if role in STAFF or (role == "member" and published) else 404
    expected_city = 200 if role in ("city_staff", "city_admin") and status == "reported" else (404 if role in ("city_staff", "city_admin") else 403)
    assert (coop_response.status_code, city_response.status_code) == (expected_coop, expected_city)


def test_members_see_only_current_versions_and_staff_every_version(media, client, make_user, cooperative, manager):
    meeting = meeting_with(cooperative, status="reported")
    old = upload(manager, meeting, pdf_bytes(), name="v1.pdf")
    new = documents.document_supersede(actor=manager, document=old, file=pdf_bytes(body=b"v2"), original_name="v2.pdf")
    member = make_user(cooperative, "member")
    client.force_login(member)
    assert client.get(url(meeting, "download", old)).status_code == 404
    assert client.get(url(meeting, "download", new)).status_code == 200
    page = client.get(url(meeting), **EN).content.decode()
    assert "v2.pdf" in page and "v1.pdf" not in page and "Usual RAT papers" not in page and "Upload" not in page
    client.force_login(make_user(cooperative, "supervisor"))
    assert client.get(url(meeting, "download", old)).status_code == 200
    page = client.get(url(meeting), **EN).content.decode()
    assert "1 earlier version" in page and "Usual RAT papers" in page and "unggah/" not in page
    client.force_login(make_user(None, "city_staff"))
    city_page = client.get(f"/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/", **EN)
    assert city_page.status_code == 200 and "v1.pdf" in city_page.content.decode() and "v2.pdf" in city_page.content.decode()


def test_members_list_of_an_unpublished_meeting_is_404(client, make_user, cooperative):
    meeting = meeting_with(cooperative, status="held")
    client.force_login(make_user(cooperative, "member"))
    assert client.get(url(meeting)).status_code == 404


def test_city_cannot_reach_another_cooperatives_rat_through_a_slug(media, client, make_user, cooperative, other_cooperative, manager):
    meeting = meeting_with(cooperative, status="reported")
    document = upload(manager, meeting, pdf_bytes())
    client.force_login(make_user(None, "city_staff"))
    assert client.get(f"/kota/koperasi/{other_cooperative.slug}/rat/{meeting.pk}/dokumen/").status_code == 404
    assert client.get(f"/kota/koperasi/{other_cooperative.slug}/rat/{meeting.pk}/dokumen/{document.pk}/unduh/").status_code == 404
    assert client.get(f"/c/{cooperative.slug}/rapat/{meeting.pk}/dokumen/").status_code == 404  # no role in the cooperative
    special = meeting_with(cooperative, status="reported", kind="ra_khusus")
    assert client.get(f"/kota/koperasi/{cooperative.slug}/rat/{special.pk}/dokumen/").status_code == 404
    client.logout()
    assert client.get(f"/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/").status_code == 302


def test_a_document_of_another_meeting_is_404_through_this_meeting(media, client, cooperative, manager):
    first = meeting_with(cooperative, status="held")
    second = meeting_with(cooperative, status="held", kind="ra_khusus")
    document = upload(manager, first, pdf_bytes())
    client.force_login(manager)
    assert client.get(url(second, "download", document)).status_code == 404
    other = CooperativeFactory()
    theirs = meeting_with(other, status="held")
    assert client.get(f"/c/{cooperative.slug}/rapat/{theirs.pk}/dokumen/").status_code == 404


@pytest.mark.parametrize(("name", "build", "content_type", "expected_name"), [
    ("Laporan RAT 2025.pdf", pdf_bytes, "application/pdf", "Laporan RAT 2025.pdf"),
    ("Foto rapat – Sukabumi ✓.jpg", lambda: image_bytes("JPEG"), "image/jpeg", "Foto rapat – Sukabumi ✓.jpg"),
    ('neraca "final";.xlsx', xlsx_bytes, documents.XLSX.content_type, 'neraca "final";.xlsx'),
    ("scan.heic", lambda: image_bytes("PNG"), "image/png", "scan.png"),
])
def test_download_headers(media, client, cooperative, manager, name, build, content_type, expected_name):
    from urllib.parse import quote

    meeting = meeting_with(cooperative)
    content = build()
    document = upload(manager, meeting, content, name=name)
    client.force_login(manager)
    response = client.get(url(meeting, "download", document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert disposition.endswith(f"filename*=UTF-8''{quote(expected_name, safe='')}")
    assert '"' not in disposition.split('filename="', 1)[1].split('";', 1)[0]  # the ASCII fallback has no quote inside
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    event = AuditEvent.objects.with_scopes_disabled().get(action="meeting.document_download")
    assert event.actor == manager and event.changes["document"] == [None, document.pk]


def test_city_downloads_are_audited_with_the_same_headers(media, client, make_user, cooperative, manager):
    meeting = meeting_with(cooperative, status="reported")
    document = upload(manager, meeting, pdf_bytes(), name="lpj.pdf")
    staff = make_user(None, "city_staff")
    client.force_login(staff)
    response = client.get(f"/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/{document.pk}/unduh/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.with_scopes_disabled().get(action="meeting.document_download")
    assert event.actor == staff and event.cooperative == cooperative and event.changes["city"] == [None, True]


# --- private storage: no URL serves the files ----------------------------------------------

def _all_patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_url_serves_the_media_root(media, client, settings, cooperative, manager):
    from django.views.static import serve

    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"  # never a public prefix
    for route, callback in _all_patterns(get_resolver().url_patterns):
        assert callback is not serve, f"{route} serves files straight from disk"
    document = upload(manager, meeting_with(cooperative), pdf_bytes())
    client.force_login(manager)
    for path in (f"/{document.file.name}", f"/media/{document.file.name}", f"/static/{document.file.name}"):
        assert client.get(path).status_code == 404, path
    from django.conf import settings as live

    assert str(live.MEDIA_ROOT) not in [str(p) for p in live.STATICFILES_DIRS] and live.MEDIA_ROOT != live.STATIC_ROOT


# --- query budgets --------------------------------------------------------------------------

def _bulk_documents(meeting, rows, uploader):
    with scopes_disabled():
        MeetingDocument.objects.bulk_create([
            MeetingDocument(cooperative=meeting.cooperative, meeting=meeting, kind=documents.RAT_CHECKLIST[i % 6], title=f"Dokumen {i}",
                            file=f"meetings/{meeting.cooperative_id}/{meeting.pk}/{i:032x}.pdf", original_name=f"dokumen-{i}.pdf",
                            content_type="application/pdf", size=1000 + i, sha256=f"{i:064x}", uploaded_by=uploader)
            for i in range(rows)
        ])


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(("role", "budget"), [("manager", 12), ("supervisor", 12), ("member", 8)])
def test_documents_page_query_budget_at_1_and_50_rows(client, make_user, cooperative, manager, role, budget):
    meeting = meeting_with(cooperative, status="minutes_published")
    client.force_login(manager if role == "manager" else make_user(cooperative, role))
    _bulk_documents(meeting, 1, manager)
    one = _queries(client, url(meeting))
    with scopes_disabled():
        MeetingDocument.objects.all().delete()
    _bulk_documents(meeting, 50, manager)
    fifty = _queries(client, url(meeting))
    assert one <= budget and fifty == one, (one, fifty)


def test_city_documents_page_query_budget(client, make_user, cooperative, manager):
    meeting = meeting_with(cooperative, status="reported")
    client.force_login(make_user(None, "city_staff"))
    _bulk_documents(meeting, 1, manager)
    path = f"/kota/koperasi/{cooperative.slug}/rat/{meeting.pk}/dokumen/"
    one = _queries(client, path)
    _bulk_documents(meeting, 49, manager)
    assert one <= 12 and _queries(client, path) == one
