"""The city's view of a reported RAT's documents (/kota/koperasi/<slug>/rat/<meeting_id>/dokumen/).

City staff and city admins see the documents of a cooperative's RAT once it was reported to the
city, and nothing else: any other meeting, or a meeting of another cooperative, is 404. Of those
documents only the kinds about the cooperative (`meetings.documents.CITY_DOCUMENT_KINDS`:
financial statements, the pengurus' and pengawas' reports, the work plan, the signed minutes);
attendance sheets, photos and other papers, which name or show members, are 404 too. Each
download is audited in the cooperative's trail. The checks and the response are the meetings
app's (meetings.documents, meetings.document_views); reads are scoped to the one cooperative
of the URL, so no cross-cooperative query is needed here."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path

from cooperatives import access
from cooperatives.models import Cooperative
from meetings import documents
from meetings.document_views import document_response


def _meeting_or_404(slug, meeting_id):
    cooperative = get_object_or_404(Cooperative, slug=slug)
    meeting = documents.city_meeting(cooperative=cooperative, meeting_id=meeting_id)
    if meeting is None:
        raise Http404
    return meeting


@access.city_view()
def rat_documents(request, slug, meeting_id):
    meeting = _meeting_or_404(slug, meeting_id)
    current = documents.with_earlier_versions(documents.city_document_list(meeting=meeting))
    checklist = [item for item in documents.document_checklist(current) if item.kind in documents.CITY_DOCUMENT_KINDS]
    return render(request, "meetings/documents/city_list.html", {
        "meeting": meeting, "cooperative": meeting.cooperative, "documents": current, "checklist": checklist, "city": True,
    })


@access.city_view()
def rat_document_download(request, slug, meeting_id, document_id):
    meeting = _meeting_or_404(slug, meeting_id)
    document = documents.city_document(meeting=meeting, document_id=document_id)
    if document is None:
        raise Http404
    response = document_response(document)
    documents.document_download_record(actor=request.user, document=document, as_city=True)
    return response


# Mounted by one line in city/urls.py.
urlpatterns = [
    path("koperasi/<slug:slug>/rat/<int:meeting_id>/dokumen/", rat_documents, name="rat_documents"),
    path("koperasi/<slug:slug>/rat/<int:meeting_id>/dokumen/<int:document_id>/unduh/", rat_document_download, name="rat_document_download"),
]
