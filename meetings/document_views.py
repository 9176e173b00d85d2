"""Pages for a meeting's documents (/c/<slug>/rapat/<meeting_id>/dokumen/…): the list with the
RAT checklist, upload (a plain multipart form: works without JavaScript, offers the camera on a
phone), replacement by a new version, deletion and the access-checked download.

Managers write; supervisors and bookkeepers read every document; members read the current
documents of meetings whose minutes are published (others are 404 to them). The services and
the type checks live in meetings/documents.py; `document_response` is shared with the API."""

import re
import unicodedata
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from cooperatives import access
from portal.forms import apply_validation_error

from . import documents
from .models import DocumentKind

MANAGERS = {access.MANAGER}


# --- forms -----------------------------------------------------------------------------------

def _file_field():
    return forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx), at most 20 MB. On a phone you can take a photo of the paper."),
        widget=forms.ClearableFileInput(attrs={"accept": documents.ACCEPT}),
    )


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What is it?"), choices=[("", "—")] + DocumentKind.choices)
    title = forms.CharField(label=gettext_lazy("Document title (optional)"), required=False, max_length=200,
                            help_text=gettext_lazy("e.g. Laporan pertanggungjawaban pengurus 2025"))
    file = _file_field()


class DocumentSupersedeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Document title (optional)"), required=False, max_length=200)
    file = _file_field()


# --- uploads: refuse an oversized file while it streams in, before it reaches the disk -------

class _UploadLimit(FileUploadHandler):
    """First in the chain: counts the bytes of each file and skips one past the limit (the
    rest of it is read and thrown away, never stored); the view then says it was too large."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.document_upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request):
    """Put the size limit first among the request's upload handlers. Only possible before the
    body is read: the upload views are CSRF-exempt on the outside and check CSRF themselves
    (csrf_protect) once the limit is in place. The services check the size again anyway."""
    if request.method == "POST" and not hasattr(request, "_files"):
        request.upload_handlers.insert(0, _UploadLimit(request, documents.max_bytes()))


def _too_large_error(request, form):
    if getattr(request, "document_upload_too_large", False):
        form.errors.pop("file", None)
        form.add_error("file", _("The file is larger than %(size)s. Scan at a lower resolution, or split it, and upload it again.")
                       % {"size": documents.size_text(documents.max_bytes())})
        return True
    return False


# --- the download --------------------------------------------------------------------------

def content_disposition(name: str) -> str:
    """attachment, with an ASCII fallback name and the exact name as RFC 5987 UTF-8."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r'[^\x20-\x7e]|["\\%;]', "_", fallback).strip() or "dokumen"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def document_response(document) -> FileResponse:
    """The stored file as a download: always an attachment, the detected type, never sniffed,
    never cached by a shared cache, sandboxed should a browser still render it."""
    try:
        handle = document.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition(documents.download_name(document))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- views ---------------------------------------------------------------------------------

def _roles(request):
    return access.roles_in(request.user, request.cooperative)


def _meeting_or_404(request, meeting_id):
    meeting = documents.meeting_for_documents(cooperative=request.cooperative, meeting_id=meeting_id, roles=_roles(request))
    if meeting is None:
        raise Http404
    return meeting


def _document_or_404(request, meeting, document_id):
    document = documents.document_get(meeting=meeting, document_id=document_id, roles=_roles(request))
    if document is None:
        raise Http404
    return document


def _list_url(request, meeting):
    return redirect("meeting_documents:list", slug=request.cooperative.slug, meeting_id=meeting.pk)


@access.cooperative_view(roles=access.ALL_COOPERATIVE_ROLES)
def document_list(request, slug, meeting_id):
    roles = _roles(request)
    meeting = _meeting_or_404(request, meeting_id)
    current = documents.with_earlier_versions(documents.document_list(meeting=meeting, roles=roles))
    is_staff = bool(roles & access.STAFF_ROLES)
    can_manage = access.MANAGER in roles
    return render(request, "meetings/documents/list.html", {
        "meeting": meeting,
        "documents": current,
        "checklist": documents.document_checklist(current) if is_staff and meeting.kind == "rat" else None,
        "can_manage": can_manage,
        "reported": documents.is_reported_rat(meeting),
        "form": DocumentUploadForm() if can_manage else None,
    })


@access.cooperative_view(roles=MANAGERS)
@csrf_exempt
def document_upload(request, slug, meeting_id):
    limit_uploads(request)
    return _document_upload(request, meeting_id)


@csrf_protect
def _document_upload(request, meeting_id):
    meeting = _meeting_or_404(request, meeting_id)
    initial = {"kind": request.GET.get("jenis")} if request.GET.get("jenis") in DocumentKind.values else {}
    form = DocumentUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        valid = form.is_valid()
        if not _too_large_error(request, form) and valid:
            data = form.cleaned_data
            try:
                document = documents.document_upload(actor=request.user, meeting=meeting, kind=data["kind"], file=data["file"], title=data["title"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("“%(name)s” was uploaded.") % {"name": document.title or document.original_name})
                return _list_url(request, meeting)
    return render(request, "meetings/documents/upload.html", {"meeting": meeting, "form": form}, status=200)


@access.cooperative_view(roles=access.ALL_COOPERATIVE_ROLES)
def document_download(request, slug, meeting_id, document_id):
    meeting = _meeting_or_404(request, meeting_id)
    document = _document_or_404(request, meeting, document_id)
    response = document_response(document)
    documents.document_download_record(actor=request.user, document=document)
    return response


@access.cooperative_view(roles=MANAGERS)
@csrf_exempt
def document_supersede(request, slug, meeting_id, document_id):
    limit_uploads(request)
    return _document_supersede(request, meeting_id, document_id)


@csrf_protect
def _document_supersede(request, meeting_id, document_id):
    meeting = _meeting_or_404(request, meeting_id)
    document = _document_or_404(request, meeting, document_id)
    if not document.is_current:
        raise Http404
    form = DocumentSupersedeForm(request.POST or None, request.FILES or None, initial={"title": document.title})
    if request.method == "POST":
        valid = form.is_valid()
        if not _too_large_error(request, form) and valid:
            try:
                new = documents.document_supersede(actor=request.user, document=document, file=form.cleaned_data["file"],
                                                   title=form.cleaned_data["title"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("A new version of “%(name)s” was uploaded; the earlier one is kept.") % {"name": new.title or new.original_name})
                return _list_url(request, meeting)
    return render(request, "meetings/documents/supersede.html", {
        "meeting": meeting, "document": document, "form": form, "reported": documents.is_reported_rat(meeting),
    })


@access.cooperative_view(roles=MANAGERS)
def document_delete(request, slug, meeting_id, document_id):
    meeting = _meeting_or_404(request, meeting_id)
    document = _document_or_404(request, meeting, document_id)
    if request.method == "POST":
        try:
            documents.document_delete(actor=request.user, document=document)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": document.title or document.original_name})
        return _list_url(request, meeting)
    return render(request, "meetings/documents/delete.html", {
        "meeting": meeting, "document": document, "reported": documents.is_reported_rat(meeting),
    })
