"""Documents of a members' meeting (issue 5, item 7; DESIGN.md §9): services, selectors.

- The type is detected from the content, never from the name or the browser's claim
  (meetings/document_types.py: PDF, JPEG, PNG, XLSX, DOCX; scripts, macros, zip bombs,
  programs, HTML and SVG refused with a message that says what to do).
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
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from django_scopes import scope

from cooperatives import access
from portal.audit import audit_record

from .document_types import (  # noqa: F401  (re-exported: the views, the API and tests use them from here)
    DOCX, JPEG, PDF, PNG, TYPES_BY_CONTENT_TYPE, XLSX, DocumentRefused, DocumentType, clean_original_name, detect_type,
    max_bytes, max_unpacked_bytes, size_text,
)
from .models import DocumentKind, Meeting, MeetingDocument, MeetingKind, MeetingStatus

# Members see the documents once the minutes are published.
PUBLISHED_STATUSES = (MeetingStatus.MINUTES_PUBLISHED, MeetingStatus.REPORTED)

# The papers a RAT usually has (the checklist on the documents page).
RAT_CHECKLIST = (
    DocumentKind.ACCOUNTABILITY, DocumentKind.SUPERVISION, DocumentKind.FINANCIAL_STATEMENTS,
    DocumentKind.WORK_PLAN, DocumentKind.MINUTES_SIGNED, DocumentKind.ATTENDANCE_SHEET,
)

# What the city may see of a reported RAT (decided in issue 6): papers about the cooperative —
# financial statements, the pengurus' and pengawas' reports, the work plan, the signed minutes
# (berita acara). Not the attendance sheet nor photos, which name or show members, nor "other"
# papers, whose content nobody vouches for.
CITY_DOCUMENT_KINDS = (
    DocumentKind.ACCOUNTABILITY, DocumentKind.SUPERVISION, DocumentKind.FINANCIAL_STATEMENTS,
    DocumentKind.WORK_PLAN, DocumentKind.MINUTES_SIGNED,
)

# For the file input: camera photos and the accepted document types.
ACCEPT = ",".join([
    "image/*", "application/pdf", ".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
])


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


def city_document_list(*, meeting) -> list[MeetingDocument]:
    """The documents of a reported RAT the city may see (CITY_DOCUMENT_KINDS), every version."""
    if not is_reported_rat(meeting):
        return []
    return [d for d in document_list(meeting=meeting, roles=frozenset(), current_only=False) if d.kind in CITY_DOCUMENT_KINDS]


def city_document(*, meeting, document_id):
    """A document (any version, of CITY_DOCUMENT_KINDS) of a reported RAT from `city_meeting`,
    or None."""
    if not is_reported_rat(meeting):
        return None
    with scope(cooperative=meeting.cooperative):
        document = MeetingDocument.objects.filter(meeting=meeting, pk=document_id, kind__in=CITY_DOCUMENT_KINDS).first()
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
