"""Documents of a members' meeting (issue 5, item 7; DESIGN.md §9).

- The type is detected from the content, never from the name or the browser's claim: PDF
  (`%PDF-` at byte 0, without JavaScript, Launch actions, embedded files or encryption), JPEG
  and PNG (magic bytes, then read by Pillow), XLSX and DOCX (a ZIP with `[Content_Types].xml`
  and `xl/workbook.xml` / `word/document.xml`, unpacking to at most 100 MB at a sane ratio, no
  macros). Anything else — programs, HTML, SVG, old .doc/.xls — is refused with a message
  that says what to do.
- At most `PORTAL_DOCUMENT_MAX_BYTES` (20 MB).
- The server chooses the stored name (`uuid4` + the detected extension) in the default
  storage, which no URL serves; the person's file name is kept only as data.
- File names: a name that reaches the service with folders (`/`, `\\`, `..`), NUL or other
  control characters, or more than 255 characters is **refused** (nothing stored). Over HTTP,
  Django's multipart parser has already cut such a name to its last part, dropped
  non-printable characters and shortened it to 255 characters before any code of ours runs;
  the refusal protects every other caller (API, commands).
- A document of a RAT reported to the city cannot be deleted, only superseded: the new version
  points to the old one, which stays with `is_current=False`.
- Uploads, replacements, deletions and downloads are audited.
"""

import hashlib
import io
import re
import unicodedata
import uuid
import warnings
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from django_scopes import scope

from cooperatives import access
from portal.audit import audit_record

from .models import DocumentKind, Meeting, MeetingDocument, MeetingKind, MeetingStatus

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_MAX_UNPACKED_BYTES = 100 * MB
MAX_NAME_LENGTH = 255
MAX_ZIP_ENTRIES = 5000
# A deflated entry over 1 MB unpacking more than this many times its packed size is a bomb:
# real XLSX/DOCX parts pack 5–30×; deflate's ceiling is about 1,000×.
MAX_ZIP_RATIO = 200
# Object streams of a PDF are unpacked to look for scripts inside them, up to this much.
MAX_PDF_INFLATE_BYTES = 64 * MB

# Members see the documents once the minutes are published.
PUBLISHED_STATUSES = (MeetingStatus.MINUTES_PUBLISHED, MeetingStatus.REPORTED)

# The papers a RAT usually has (the checklist on the documents page).
RAT_CHECKLIST = (
    DocumentKind.ACCOUNTABILITY, DocumentKind.SUPERVISION, DocumentKind.FINANCIAL_STATEMENTS,
    DocumentKind.WORK_PLAN, DocumentKind.MINUTES_SIGNED, DocumentKind.ATTENDANCE_SHEET,
)

# For the file input: camera photos and the accepted document types.
ACCEPT = ",".join([
    "image/*", "application/pdf", ".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
])


def max_bytes() -> int:
    return int(getattr(settings, "PORTAL_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "PORTAL_DOCUMENT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES))


def size_text(size: int) -> str:
    """"20 MB", "1,5 KB": the limit as a person reads it, in the active language."""
    from django.template.defaultfilters import filesizeformat

    return re.sub(r"[.,]0(?=\s)", "", str(filesizeformat(size))).replace("\xa0", " ")


# --- content-type detection ------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str
    label: str
    extensions: tuple  # name endings that fit the type, for the download name


PDF = DocumentType("pdf", "application/pdf", "PDF", ("pdf",))
JPEG = DocumentType("jpg", "image/jpeg", "JPEG", ("jpg", "jpeg"))
PNG = DocumentType("png", "image/png", "PNG", ("png",))
XLSX = DocumentType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", ("xlsx",))
DOCX = DocumentType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", ("docx",))
TYPES_BY_CONTENT_TYPE = {t.content_type: t for t in (PDF, JPEG, PNG, XLSX, DOCX)}

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls, and password-protected Office files


class DocumentRefused(ValueError):
    """The file cannot be accepted; `message` says why and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _accepted_types() -> str:
    return _("Only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files are accepted.")


def _refuse_unknown(head: bytes):
    """A clear message for what the file is, when it is not one we accept."""
    sample = head[:1024].lstrip(b"\xef\xbb\xbf\xfe\xff\x00\t\r\n ").lower()
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or head[:4] in (b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe") or head.startswith(b"#!"):
        raise DocumentRefused(_("This file is a program, not a document, whatever its name says. %(accepted)s") % {"accepted": _accepted_types()})
    if b"<svg" in sample:
        raise DocumentRefused(_("SVG images are not accepted (they can carry scripts). Send the picture as PNG or JPEG."))
    if sample.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<?xml", b"<iframe", b"<")) or b"<html" in sample or b"<script" in sample:
        raise DocumentRefused(_("This file is a web page (HTML) or other markup, not a document. %(accepted)s") % {"accepted": _accepted_types()})
    if head.startswith(OLE2_MAGIC):
        raise DocumentRefused(_("This is an old Word or Excel file (.doc, .xls) or a password-protected one. Save it as .docx, .xlsx or PDF without a password and upload it again."))
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        raise DocumentRefused(_("HEIC photos are not accepted. Choose the photo from the camera (the phone then sends a JPEG) or save it as JPEG."))
    raise DocumentRefused(_("This file is not a PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx) document, whatever its name says."))


def detect_type(content: bytes) -> DocumentType:
    """The document's type from its first bytes and its structure; raises DocumentRefused."""
    if not content:
        raise DocumentRefused(_("The file is empty."))
    if content.startswith(PDF_MAGIC):
        _check_pdf(content)
        return PDF
    if content.startswith(JPEG_MAGIC):
        _check_image(content, "JPEG")
        return JPEG
    if content.startswith(PNG_MAGIC):
        _check_image(content, "PNG")
        return PNG
    if content.startswith(ZIP_MAGIC):
        return _check_office(content)
    _refuse_unknown(content[:4096])
    raise AssertionError("unreachable")  # pragma: no cover


# PDF: names may be written with #xx escapes (/J#61vaScript); a name ends at whitespace or a
# delimiter. Scripts and actions that start programs are refused, and so are files we cannot
# look into (encrypted) or that carry other files inside them.
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_REFUSED_NAMES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|EmbeddedFiles|Encrypt)(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
_PDF_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")


def _pdf_scan(text: bytes):
    found = _PDF_REFUSED_NAMES.search(_PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text))
    if not found:
        return
    name = found.group(1)
    if name == b"Encrypt":
        raise DocumentRefused(_("Password-protected (encrypted) PDFs are not accepted: they cannot be checked or opened by everyone. Save or print it as a PDF without a password."))
    if name.startswith(b"Embedded"):
        raise DocumentRefused(_("This PDF carries other files inside it. Save or print it as a plain PDF without attachments and upload that."))
    raise DocumentRefused(_("This PDF contains scripts or actions that start programs (JavaScript, Launch). Print it to a new PDF, or scan the paper, and upload that."))


def _check_pdf(content: bytes):
    """Scan the PDF's objects (outside the streams, so that image data cannot look like a
    keyword) and its compressed object streams, where objects of PDF 1.5+ may hide."""
    outside = []
    position = 0
    budget = MAX_PDF_INFLATE_BYTES
    while True:
        start = _PDF_STREAM_START.search(content, position)
        if start is None:
            outside.append(content[position:])
            break
        outside.append(content[position:start.start()])
        end = content.find(b"endstream", start.end())
        end = len(content) if end < 0 else end
        dictionary = content[max(position, start.start() - 4096):start.start()]
        dictionary = dictionary[dictionary.rfind(b"obj"):] if b"obj" in dictionary else dictionary
        if b"/ObjStm" in dictionary:
            data, budget = _pdf_inflate(dictionary, content[start.end():end], budget)
            _pdf_scan(data)
        position = end + len(b"endstream")
    _pdf_scan(b"\n".join(outside))


def _pdf_unreadable():
    return DocumentRefused(_("This PDF could not be checked (its objects are packed in an unusual way). Print it to a new PDF and upload that."))


def _pdf_inflate(dictionary: bytes, data: bytes, budget: int) -> tuple[bytes, int]:
    """An object stream's content: as is, or inflated (the one filter object streams use in
    practice); any other filter cannot be checked and is refused."""
    filters = re.findall(rb"/([A-Za-z0-9]+)", dictionary.split(b"/Filter", 1)[1][:200]) if b"/Filter" in dictionary else []
    filters = [f for f in filters if f.endswith(b"Decode") or f in (b"Fl", b"AHx", b"A85", b"LZW", b"RL", b"CCF", b"DCT")]
    if not filters:
        return data, budget
    if filters not in ([b"FlateDecode"], [b"Fl"]):
        raise _pdf_unreadable()
    try:
        inflated = zlib.decompressobj().decompress(data, budget)
    except zlib.error:
        raise _pdf_unreadable() from None
    budget -= len(inflated)
    if budget <= 0:
        raise DocumentRefused(_("This PDF unpacks to far more than its size; it is not accepted. Print it to a new PDF and upload that."))
    return inflated, budget


def _check_image(content: bytes, expected: str):
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format != expected:
                    raise DocumentRefused(_("The image could not be read; it may be damaged. Take the photo again or save it as JPEG or PNG."))
                image.verify()
    except DocumentRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DocumentRefused(_("The image has far too many pixels. Send a smaller photo or scan.")) from None
    except Exception:  # Pillow raises many kinds on a damaged or disguised file
        raise DocumentRefused(_("The image could not be read; it may be damaged. Take the photo again or save it as JPEG or PNG.")) from None


def _office_damaged():
    return DocumentRefused(_("The Word or Excel document could not be read; it may be damaged. Open it, save it again as .docx or .xlsx and upload it again."))


def _check_office(content: bytes) -> DocumentType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError):
        raise _office_damaged() from None
    with archive:
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise DocumentRefused(_("This ZIP archive is not a Word (.docx) or Excel (.xlsx) document. %(accepted)s") % {"accepted": _accepted_types()})
        if "xl/workbook.xml" in names:
            document_type = XLSX
        elif "word/document.xml" in names:
            document_type = DOCX
        else:
            raise DocumentRefused(_("This Office file is not a Word (.docx) or Excel (.xlsx) document. %(accepted)s") % {"accepted": _accepted_types()})
        limit = max_unpacked_bytes()
        unpacked = sum(entry.file_size for entry in entries)
        if len(entries) > MAX_ZIP_ENTRIES or unpacked > limit:
            raise DocumentRefused(_("The document unpacks to more than %(size)s; it is not accepted. Save a smaller document, or a PDF of it.") % {"size": size_text(limit)})
        for entry in entries:
            if entry.file_size > MB and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
                raise DocumentRefused(_("The document is packed suspiciously tightly (a “zip bomb”); it is not accepted. Save it again from Word or Excel, or send a PDF."))
            if entry.flag_bits & 0x1:
                raise DocumentRefused(_("Password-protected documents are not accepted. Save it without a password and upload it again."))
            lowered = entry.filename.lower()
            if lowered.endswith(("vbaproject.bin", "vbadata.xml")) or lowered.startswith(("xl/activex/", "word/activex/")):
                raise _macros_refused()
        try:
            content_types = archive.read("[Content_Types].xml")
            if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
                raise _macros_refused()
            # Read every part: the declared sizes bound the work (checked above) and the CRC
            # check proves they were not lies.
            for entry in entries:
                with archive.open(entry) as part:
                    while part.read(1024 * 1024):
                        pass
        except DocumentRefused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError, EOFError, zlib.error, RuntimeError):
            raise _office_damaged() from None
    return document_type


def _macros_refused():
    return DocumentRefused(_("Documents with macros (.xlsm, .docm) are not accepted. Save it as a plain .xlsx or .docx without macros and upload it again."))


# --- names -----------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_original_name(name: str) -> str:
    """The person's file name as data: refused when it carries folders, control characters
    or more than 255 characters; otherwise NFC-normalised and trimmed."""
    name = unicodedata.normalize("NFC", str(name or ""))
    if _CONTROL.search(name):
        raise DocumentRefused(_("The file name contains invisible control characters. Rename the file and upload it again."))
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise DocumentRefused(_("The file name must not contain folders (/ or \\) or “..”. Rename the file and upload it again."))
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise DocumentRefused(_("The file name is longer than %(max)s characters. Give the file a shorter name and upload it again.") % {"max": MAX_NAME_LENGTH})
    return name


def download_name(document) -> str:
    """The name a download gets: the original name, with the detected type's extension when
    the original one does not fit (a JPEG named laporan.pdf downloads as laporan.jpg)."""
    document_type = TYPES_BY_CONTENT_TYPE.get(document.content_type)
    name = document.original_name or ""
    if document_type is None:
        return name or "dokumen"
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in document_type.extensions and stem:
        return name
    base = (stem if dot and stem and len(suffix) <= 5 else name) or str(DocumentKind(document.kind).label if document.kind in DocumentKind.values else "dokumen")
    return f"{base}.{document_type.extension}"


# --- services --------------------------------------------------------------------------------

def _read(file) -> bytes:
    """At most the limit + 1 bytes of an uploaded file (or bytes), refusing larger ones."""
    limit = max_bytes()
    if isinstance(file, (bytes, bytearray)):
        content = bytes(file)
    else:
        if file is None:
            raise DocumentRefused(_("Choose a file to upload."))
        size = getattr(file, "size", None)
        if size is not None and size > limit:
            raise DocumentRefused(_too_large(limit))
        if hasattr(file, "seek"):
            file.seek(0)
        content = file.read(limit + 1)
    if len(content) > limit:
        raise DocumentRefused(_too_large(limit))
    return content


def _too_large(limit) -> str:
    return _("The file is larger than %(size)s. Scan at a lower resolution, or split it, and upload it again.") % {"size": size_text(limit)}


@dataclass(frozen=True)
class _Checked:
    content: bytes
    document_type: DocumentType
    original_name: str
    sha256: str


def _check_file(file, original_name) -> _Checked:
    """Everything about the file, before anything is locked or written."""
    try:
        name = clean_original_name(original_name if original_name is not None else getattr(file, "name", ""))
        content = _read(file)
        document_type = detect_type(content)
    except DocumentRefused as exc:
        raise ValidationError({"file": exc.message}) from None
    if not name:
        name = f"dokumen.{document_type.extension}"
    return _Checked(content, document_type, name, hashlib.sha256(content).hexdigest())


def _locked_meeting(meeting) -> Meeting:
    with scope(cooperative=meeting.cooperative):
        return Meeting.objects.select_for_update().select_related("cooperative").get(pk=meeting.pk)


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _store(*, actor, meeting, kind, title, checked: _Checked, supersedes=None) -> MeetingDocument:
    document = MeetingDocument(
        cooperative=meeting.cooperative, meeting=meeting, kind=kind, title=" ".join((title or "").split())[:200],
        original_name=checked.original_name, content_type=checked.document_type.content_type, size=len(checked.content),
        sha256=checked.sha256, supersedes=supersedes, is_current=True, uploaded_by=_actor(actor),
    )
    # upload_to puts it under meetings/<cooperative>/<meeting>/; the name is ours alone
    document.file.save(f"{uuid.uuid4().hex}.{checked.document_type.extension}", ContentFile(checked.content), save=False)
    return document


def _duplicate_check(meeting, sha256):
    duplicate = MeetingDocument.objects.filter(meeting=meeting, sha256=sha256, is_current=True).first()
    if duplicate is not None:
        raise ValidationError({"file": _("This file is already on the meeting as “%(name)s”.") % {"name": duplicate.title or duplicate.original_name}})


def _save_or_remove(document, then):
    """Save the row and run `then` (audit, …); remove the stored file when anything fails."""
    try:
        with transaction.atomic():
            document.save()
            then()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise


def document_upload(*, actor, meeting, kind, file, title="", original_name=None) -> MeetingDocument:
    """Add a document to a meeting. `file` is an uploaded file (or bytes with `original_name`)."""
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose what kind of document this is.")})
    checked = _check_file(file, original_name)
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        with scope(cooperative=meeting.cooperative):
            _duplicate_check(meeting, checked.sha256)
            document = _store(actor=actor, meeting=meeting, kind=kind, title=title, checked=checked)
            _save_or_remove(document, lambda: audit_record(
                actor=actor, action="meeting.document_upload", cooperative=meeting.cooperative, obj=meeting,
                changes={"document": [None, document.pk], "kind": [None, kind], "name": [None, document.original_name],
                         "type": [None, document.content_type], "size": [None, document.size], "sha256": [None, document.sha256]},
            ))
    return document


def document_supersede(*, actor, document, file, title=None, original_name=None) -> MeetingDocument:
    """Replace a document by a new version; the old one is kept (is_current False) and the new
    one points to it. The only way to change a document of a RAT reported to the city."""
    checked = _check_file(file, original_name)
    with transaction.atomic():
        meeting = _locked_meeting(document.meeting)
        with scope(cooperative=meeting.cooperative):
            old = MeetingDocument.objects.select_for_update().get(pk=document.pk, meeting=meeting)
            if not old.is_current:
                raise ValidationError(_("This is an earlier version; replace the current one instead."))
            if old.sha256 == checked.sha256:
                raise ValidationError({"file": _("The new file is the same as the current version.")})
            new = _store(actor=actor, meeting=meeting, kind=old.kind, title=old.title if title is None else title, checked=checked, supersedes=old)

            def then():
                MeetingDocument.objects.filter(pk=old.pk).update(is_current=False)
                audit_record(actor=actor, action="meeting.document_supersede", cooperative=meeting.cooperative, obj=meeting,
                             changes={"document": [old.pk, new.pk], "name": [old.original_name, new.original_name],
                                      "sha256": [old.sha256, new.sha256]})

            _save_or_remove(new, then)
            old.is_current = False
    return new


def document_delete(*, actor, document) -> None:
    """Remove a document (its file leaves the storage once the transaction commits). Refused
    for a RAT reported to the city (replace it instead) and for earlier versions; deleting the
    current version makes the one it replaced current again."""
    with transaction.atomic():
        meeting = _locked_meeting(document.meeting)
        with scope(cooperative=meeting.cooperative):
            document = MeetingDocument.objects.select_for_update().get(pk=document.pk, meeting=meeting)
            if meeting.status == MeetingStatus.REPORTED:
                raise ValidationError(_("The RAT was reported to the city: its documents cannot be deleted, only replaced by a new version."))
            if not document.is_current:
                raise ValidationError(_("Earlier versions are kept; delete the current version instead."))
            previous_id = document.supersedes_id
            audit_record(actor=actor, action="meeting.document_delete", cooperative=meeting.cooperative, obj=meeting,
                         changes={"document": [document.pk, None], "kind": [document.kind, None], "name": [document.original_name, None],
                                  "sha256": [document.sha256, None]})
            storage, stored_name = document.file.storage, document.file.name
            document.delete()
            if previous_id:
                MeetingDocument.objects.filter(pk=previous_id).update(is_current=True)
            transaction.on_commit(lambda: storage.delete(stored_name))


def document_download_record(*, actor, document, as_city=False) -> None:
    """Audit a download (members', staff's and the city's alike)."""
    audit_record(actor=actor, action="meeting.document_download", cooperative=document.cooperative, obj=document.meeting,
                 changes={"document": [None, document.pk], "name": [None, document.original_name],
                          **({"city": [None, True]} if as_city else {})})


# --- selectors -------------------------------------------------------------------------------

def can_see_documents(meeting, roles) -> bool:
    """Staff roles see every document of their cooperative's meetings; members only those of
    meetings whose minutes are published."""
    if roles & access.STAFF_ROLES:
        return True
    return access.MEMBER in roles and meeting.status in PUBLISHED_STATUSES


def meeting_for_documents(*, cooperative, meeting_id, roles):
    """The meeting, when these roles may see its documents; None otherwise."""
    with scope(cooperative=cooperative):
        meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not can_see_documents(meeting, roles):
        return None
    meeting.cooperative = cooperative
    return meeting


def document_list(*, meeting, roles, current_only=None) -> list[MeetingDocument]:
    """The meeting's documents these roles may see, current versions first within a kind.
    Members see current versions only; staff every version."""
    if current_only is None:
        current_only = not (roles & access.STAFF_ROLES)
    with scope(cooperative=meeting.cooperative):
        documents = MeetingDocument.objects.filter(meeting=meeting).select_related("uploaded_by").order_by("kind", "-is_current", "-uploaded_at", "-pk")
        if current_only:
            documents = documents.filter(is_current=True)
        documents = list(documents)
    for document in documents:
        document.meeting = meeting
        document.type_label = getattr(TYPES_BY_CONTENT_TYPE.get(document.content_type), "label", document.content_type)
    return documents


def document_get(*, meeting, document_id, roles):
    """One document these roles may download, or None."""
    if not can_see_documents(meeting, roles):
        return None
    with scope(cooperative=meeting.cooperative):
        documents = MeetingDocument.objects.filter(meeting=meeting, pk=document_id)
        if not (roles & access.STAFF_ROLES):
            documents = documents.filter(is_current=True)
        document = documents.first()
    if document is not None:
        document.meeting = meeting
    return document


def is_reported_rat(meeting) -> bool:
    return meeting.kind == MeetingKind.RAT and meeting.status == MeetingStatus.REPORTED


def city_document(*, meeting, document_id):
    """A document (any version) of a reported RAT from `city_meeting`, or None."""
    if not is_reported_rat(meeting):
        return None
    with scope(cooperative=meeting.cooperative):
        document = MeetingDocument.objects.filter(meeting=meeting, pk=document_id).first()
    if document is not None:
        document.meeting = meeting
    return document


def city_meeting(*, cooperative, meeting_id):
    """A RAT of this cooperative reported to the city, or None: the city sees nothing else."""
    with scope(cooperative=cooperative):
        meeting = Meeting.objects.filter(pk=meeting_id, kind=MeetingKind.RAT, status=MeetingStatus.REPORTED).first()
    if meeting is not None:
        meeting.cooperative = cooperative
    return meeting


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    present: bool
    count: int


def document_checklist(documents) -> list[ChecklistItem]:
    """Which of the usual RAT papers are present among these (current) documents."""
    counts = {}
    for document in documents:
        if document.is_current:
            counts[document.kind] = counts.get(document.kind, 0) + 1
    return [ChecklistItem(kind.value, str(kind.label), bool(counts.get(kind.value)), counts.get(kind.value, 0)) for kind in RAT_CHECKLIST]


def with_earlier_versions(documents) -> list[MeetingDocument]:
    """The current documents among `documents`, each with `.versions`: the versions it
    replaced, newest first."""
    chains = earlier_versions(documents)
    current = [d for d in documents if d.is_current]
    for document in current:
        document.versions = chains.get(document.pk, [])
    return current


def earlier_versions(documents) -> dict[int, list[MeetingDocument]]:
    """{current document id: [the versions it replaced, newest first]} among `documents`."""
    by_id = {d.pk: d for d in documents}
    chains = {}
    for document in documents:
        if not document.is_current:
            continue
        chain, seen = [], {document.pk}
        previous = by_id.get(document.supersedes_id)
        while previous is not None and previous.pk not in seen:
            chain.append(previous)
            seen.add(previous.pk)
            previous = by_id.get(previous.supersedes_id)
        chains[document.pk] = chain
    return chains
