"""What an uploaded document really is, from its content (DESIGN.md §9; issue 5 item 7, issue 7
item 4). Pure functions: no database, no request; meetings/documents.py stores what passes.

- PDF: `%PDF-` at byte 0 (a file that starts with HTML is not a PDF, whatever follows), and no
  JavaScript, Launch actions, embedded files or encryption — looked for outside the streams
  (so image data cannot look like a keyword), with `#xx` name escapes decoded, and inside the
  compressed object streams where PDF 1.5+ keeps objects.
- JPEG, PNG: the magic bytes, then Pillow reads the header (a decompression bomb is refused).
- XLSX, DOCX: a ZIP with `[Content_Types].xml` and `xl/workbook.xml` / `word/document.xml`,
  unpacking to at most PORTAL_DOCUMENT_MAX_UNPACKED_BYTES (100 MB) at a sane ratio, with no
  macros (vbaProject.bin, macro-enabled content types, ActiveX) and no password; every part is
  read so the CRC proves the declared sizes.
- Anything else — programs (MZ, ELF, Mach-O, scripts), HTML, SVG, old .doc/.xls, HEIC — is
  refused with a message that says what to do.
- File names: refused with folders, `..`, NUL or other control characters (bidi overrides
  too), or over 255 characters.
"""

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

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
