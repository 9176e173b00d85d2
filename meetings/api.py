"""The meetings API (issue 5, item 10; docs/API.md): /api/v1/c/<slug>/meetings/… and the
member's own /api/v1/me/meetings/ and /api/v1/me/shu/.

Staff (manager, bookkeeper, supervisor) read; the manager writes. Views parse with a serializer,
call the same services and selectors as the pages, and render; a service's ValidationError
comes back field by field (portal.api.exception_handler). The SHU posting and crediting move
money and need an Idempotency-Key.
"""

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from django_scopes import scope
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperatives import access
from ledger.api.serializers import LedgerDetailErrorSerializer
from members.models import Member
from portal.api import PAGE_NOT_FOUND, UNAUTHENTICATED, CooperativeRolePermission
from portal.idempotency import IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_RESPONSES, idempotent

from . import api_serializers as s
from . import selectors, services, shu_exports, shu_services
from .document_types import TYPES_BY_CONTENT_TYPE as DOCUMENT_CONTENT_TYPES
from .models import AgendaItem, Attendance, Meeting

MANAGERS = frozenset({access.MANAGER})

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=(
        'Field errors: {"field": ["message", …]}, e.g. {"date": ["The RAT of book year 2025 is held after the year '
        'ends (31 Dec 2025)."]}; errors of no single field under "non_field_errors".')),
    401: OpenApiResponse(LedgerDetailErrorSerializer, description="Not logged in: no session and no valid token."),
    403: OpenApiResponse(LedgerDetailErrorSerializer, description="Your role in this cooperative may not do this."),
    404: OpenApiResponse(LedgerDetailErrorSerializer, description="No such cooperative for you, or no such object in it."),
}
READ_ERRORS = {code: ERRORS[code] for code in (401, 403, 404)}


def _cooperative(request):
    return request._request.cooperative


def _parse(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class TenantAPIView(APIView):
    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    write_roles = MANAGERS
    parser_classes = [JSONParser]


# --- meetings ----------------------------------------------------------------------------------

def _meeting(request, pk) -> Meeting:
    cooperative = _cooperative(request)
    meeting = Meeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    meeting.cooperative = cooperative
    return meeting


def _detail(meeting):
    quorum = selectors.quorum_status(meeting)
    with scope(cooperative=meeting.cooperative):
        agenda = list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))
    meeting.quorum = {"registered": quorum.registered, "present": quorum.present, "in_person": quorum.in_person,
                      "online": quorum.online, "by_delegate": quorum.by_delegate, "needed": quorum.needed, "met": quorum.met}
    meeting.agenda = agenda
    return s.MeetingDetailSerializer(meeting).data


class MeetingListView(generics.ListAPIView):
    """The cooperative's meetings, newest book year first, 50 a page. POST schedules one (a RAT
    gets the standard agenda)."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    write_roles = MANAGERS
    parser_classes = [JSONParser]
    serializer_class = s.MeetingSerializer

    def get_queryset(self):
        return selectors.meeting_list(cooperative=_cooperative(self.request))

    @extend_schema(responses={200: s.MeetingSerializer(many=True), **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Schedule a meeting", description="Manager only. A RAT must be dated after its book year ends; one RAT per book year.",
                   request=s.MeetingCreateSerializer, responses={201: s.MeetingDetailSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        data = _parse(s.MeetingCreateSerializer, request.data)
        meeting = services.meeting_schedule(actor=request.user, cooperative=_cooperative(request), **data)
        meeting.cooperative = _cooperative(request)
        return Response(_detail(meeting), status=status.HTTP_201_CREATED)


SCHEDULE_FIELDS = frozenset(services.SCHEDULE_FIELDS)
MINUTES_FIELDS = ("chair_name", "secretary_name", "witnesses", "guests", "minutes_text")


class MeetingDetailView(TenantAPIView):
    @extend_schema(responses={200: s.MeetingDetailSerializer, **READ_ERRORS})
    def get(self, request, slug, pk):
        """One meeting with its live quorum and agenda (decisions included)."""
        return Response(_detail(_meeting(request, pk)))

    @extend_schema(summary="Change a meeting", description=(
        "Manager only. The schedule (kind, book year, title, mode, date, times, venue, link) until the meeting is held; "
        "the minutes' own fields (chair, secretary, witnesses, guests, text) until they are published. Fields left out keep their value."),
        request=s.MeetingUpdateSerializer, responses={200: s.MeetingDetailSerializer, **ERRORS})
    def patch(self, request, slug, pk):
        meeting = _meeting(request, pk)
        data = _parse(s.MeetingUpdateSerializer, request.data)
        schedule = {k: v for k, v in data.items() if k in SCHEDULE_FIELDS}
        minutes = {k: v for k, v in data.items() if k in MINUTES_FIELDS}
        with transaction.atomic():
            if schedule:
                meeting = services.meeting_update(actor=request.user, meeting=meeting, **schedule)
            if minutes:
                current = {name: getattr(meeting, name) for name in MINUTES_FIELDS}
                meeting = services.minutes_save(actor=request.user, meeting=meeting, **(current | minutes))
        meeting.cooperative = _cooperative(request)
        return Response(_detail(meeting))


class _TransitionView(TenantAPIView):
    allowed_roles = MANAGERS
    body = None

    def act(self, request, meeting, data):
        raise NotImplementedError

    def post(self, request, slug, pk):
        meeting = _meeting(request, pk)
        data = _parse(self.body, request.data) if self.body else {}
        result = self.act(request, meeting, data)
        if isinstance(result, Response):
            return result
        result.cooperative = _cooperative(request)
        return Response(_detail(result))


class MeetingInviteView(_TransitionView):
    body = s.InviteSerializer

    @extend_schema(summary="Send the invitations", description=(
        "Manager only. Members see the invitation on their phones. Later than the AD/ART's notice days needs "
        '"confirm_late": true (else 400 with a message under "confirm_late").'),
        request=s.InviteSerializer, responses={200: s.MeetingDetailSerializer, **ERRORS})
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def act(self, request, meeting, data):
        return services.invitations_send(actor=request.user, meeting=meeting, confirm_late=data["confirm_late"])


class MeetingHeldView(_TransitionView):
    body = s.HeldSerializer

    @extend_schema(summary="Record that the meeting was held", description="Manager only. Freezes the register count for the quorum.",
                   request=s.HeldSerializer, responses={200: s.MeetingDetailSerializer, **ERRORS})
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def act(self, request, meeting, data):
        return services.meeting_mark_held(actor=request.user, meeting=meeting, held_on=data["held_on"])


class MeetingPublishView(_TransitionView):
    @extend_schema(summary="Publish the minutes", description=(
        "Manager only. Only a meeting that was held, with its chair and secretary named (PATCH), is published; members "
        "then see the minutes and the documents."), request=None, responses={200: s.MeetingDetailSerializer, **ERRORS})
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def act(self, request, meeting, data):
        return services.minutes_publish(actor=request.user, meeting=meeting)


class MeetingReportView(_TransitionView):
    body = s.ReportSerializer

    @extend_schema(summary="Report the RAT to the city", description=(
        "Manager only, after the minutes are published. Members registered and present and the quorum come from the meeting."),
        request=s.ReportSerializer, responses={201: s.RatReportSerializer, **ERRORS})
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def act(self, request, meeting, data):
        report = services.rat_report_submit(actor=request.user, meeting=meeting, **data)
        return Response(s.RatReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- attendance ------------------------------------------------------------------------------

class AttendanceView(generics.ListAPIView):
    """Who is present (member number, name, mode), in check-in order, 50 a page. POST marks a
    member present (manager)."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    write_roles = MANAGERS
    parser_classes = [JSONParser]
    serializer_class = s.AttendanceSerializer

    def get_queryset(self):
        meeting = _meeting(self.request, self.kwargs["pk"])
        return Attendance.objects.filter(meeting=meeting).select_related("member").order_by("checked_in_at", "pk")

    @extend_schema(responses={200: s.AttendanceSerializer(many=True), **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Mark a member present", description=(
        "Manager only. In person, online or by delegate (name the delegate). Refused for someone who is not a member on "
        "the meeting date, twice, or after the minutes were published."),
        request=s.AttendanceMarkSerializer, responses={201: s.AttendanceSerializer, **ERRORS})
    def post(self, request, slug, pk):
        meeting = _meeting(request, pk)
        data = _parse(s.AttendanceMarkSerializer, request.data)
        member = Member.objects.filter(number=data["member"].strip()).first()
        if member is None:
            raise serializers.ValidationError({"member": [_("No member with number %(number)s.") % {"number": data["member"]}]})
        attendance = services.attendance_mark(actor=request.user, meeting=meeting, member=member, mode=data["mode"],
                                              delegate_name=data["delegate_name"])
        attendance.member = member
        return Response(s.AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)


# --- documents (meetings/documents.py) -----------------------------------------------------------

def _documents():
    from . import documents

    return documents


def _document_row(request, document):
    document.download = reverse("api:meetings_api:document_download", kwargs={
        "slug": _cooperative(request).slug, "pk": document.meeting_id, "doc_id": document.pk})
    return s.DocumentSerializer(document).data


def _roles(request):
    return access.roles_in(request.user, _cooperative(request))


def _documents_meeting(request, pk):
    meeting = _documents().meeting_for_documents(cooperative=_cooperative(request), meeting_id=pk, roles=_roles(request))
    if meeting is None:
        raise Http404
    return meeting


class DocumentListView(TenantAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: s.DocumentSerializer(many=True), **READ_ERRORS})
    def get(self, request, slug, pk):
        """The meeting's documents, every version (current ones first within a kind)."""
        documents = _documents()
        meeting = _documents_meeting(request, pk)
        return Response([_document_row(request, d) for d in documents.document_list(meeting=meeting, roles=_roles(request))])

    @extend_schema(summary="Upload a document", description=(
        "Manager only; multipart/form-data with kind, title and file. PDF, JPEG, PNG, XLSX or DOCX up to 20 MB; the type "
        "is detected from the content, the stored name is chosen by the server."),
        request={"multipart/form-data": s.DocumentUploadSerializer}, responses={201: s.DocumentSerializer, **ERRORS})
    def post(self, request, slug, pk):
        documents = _documents()
        meeting = _documents_meeting(request, pk)
        data = _parse(s.DocumentUploadSerializer, request.data)
        document = documents.document_upload(actor=request.user, meeting=meeting, kind=data["kind"], file=data["file"],
                                             title=data["title"], original_name=getattr(data["file"], "name", None))
        return Response(_document_row(request, document), status=status.HTTP_201_CREATED)


class DocumentDownloadView(TenantAPIView):
    @extend_schema(summary="Download a document", responses={
        **{(200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")
           for content_type in DOCUMENT_CONTENT_TYPES}, **READ_ERRORS})
    def get(self, request, slug, pk, doc_id):
        from .document_views import document_response

        documents = _documents()
        meeting = _documents_meeting(request, pk)
        document = documents.document_get(meeting=meeting, document_id=doc_id, roles=_roles(request))
        if document is None:
            raise Http404
        response = document_response(document)
        documents.document_download_record(actor=request.user, document=document)
        return response


# --- SHU -------------------------------------------------------------------------------------

def _distribution(request, year):
    distribution = selectors.shu_distribution(cooperative=_cooperative(request), book_year=year)
    if distribution is None:
        raise Http404
    distribution.cooperative = _cooperative(request)
    return distribution


def _shu_data(distribution, **extra):
    totals = selectors.shu_totals(cooperative=distribution.cooperative, distribution=distribution)
    distribution.totals = totals.__dict__
    distribution.allocation = [{"part": str(label), "percent": percent, "amount": amount}
                               for label, percent, amount in shu_exports.allocation_lines(distribution)]
    for key, value in extra.items():
        setattr(distribution, key, value)
    return distribution


def _check_year(year):
    if not s.MIN_YEAR <= year <= s.MAX_YEAR:
        raise serializers.ValidationError({"book_year": [_("Enter a book year between %(first)s and %(last)s.") % {
            "first": s.MIN_YEAR, "last": s.MAX_YEAR}]})


class ShuView(TenantAPIView):
    @extend_schema(responses={200: s.ShuDistributionSerializer, **READ_ERRORS})
    def get(self, request, slug, year):
        """The year's SHU distribution: the SHU, the allocation, the savings basis, the totals of
        the members' shares and the rounding remainder (404 until it is prepared)."""
        return Response(s.ShuDistributionSerializer(_shu_data(_distribution(request, year))).data)


class ShuSharesView(generics.ListAPIView):
    """Every member's share (preview): savings counted, transactions, jasa modal, jasa usaha,
    total and the receipt once credited, by member number, 50 a page."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    serializer_class = s.ShuShareSerializer

    def get_queryset(self):
        distribution = _distribution(self.request, self.kwargs["year"])
        return selectors.shu_share_list(cooperative=_cooperative(self.request), distribution=distribution)

    @extend_schema(responses={200: s.ShuShareSerializer(many=True), **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ShuVolumesView(generics.ListAPIView):
    """Members on the register at the year end with their transaction volume for jasa usaha
    (null when not entered), 50 a page. POST enters volumes (manager)."""

    permission_classes = [CooperativeRolePermission]
    allowed_roles = access.STAFF_ROLES
    write_roles = MANAGERS
    parser_classes = [JSONParser]
    serializer_class = s.VolumeSerializer

    def get_queryset(self):
        _check_year(self.kwargs["year"])
        return selectors.volume_rows(cooperative=_cooperative(self.request), book_year=self.kwargs["year"])

    @extend_schema(responses={200: s.VolumeSerializer(many=True), 400: ERRORS[400], **READ_ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Enter transaction volumes", description=(
        "Manager only. All or nothing: an unknown member, a member not on the register at the year end, a negative "
        "volume or a member named twice refuses the whole request, each problem under its item's index in \"volumes\"."),
        request=s.VolumesInSerializer, responses={200: s.VolumesResultSerializer, **ERRORS})
    def post(self, request, slug, year):
        _check_year(year)
        cooperative = _cooperative(request)
        data = _parse(s.VolumesInSerializer, request.data)
        numbers = [item["member"].strip() for item in data["volumes"]]
        eligible = {m.number: m for m in selectors.members_at_year_end(cooperative=cooperative, book_year=year).filter(number__in=numbers)}
        known = set(Member.objects.filter(number__in=numbers).values_list("number", flat=True))
        errors, volumes, seen = {}, {}, set()
        for index, (number, item) in enumerate(zip(numbers, data["volumes"])):
            member = eligible.get(number)
            if number in seen:
                errors[str(index)] = {"member": [_("Member %(number)s is named twice.") % {"number": number}]}
            elif member is None:
                message = (_("%(number)s was not on the register at the end of book year %(year)s.") if number in known
                           else _("No member with number %(number)s.")) % {"number": number, "year": year}
                errors[str(index)] = {"member": [message]}
            else:
                volumes[member] = item["volume"]
            seen.add(number)
        if errors:
            raise serializers.ValidationError({"volumes": errors})
        saved = shu_services.transaction_volume_set(actor=request.user, cooperative=cooperative, book_year=year, volumes=volumes)
        return Response({"saved": saved})


class ShuPrepareView(TenantAPIView):
    allowed_roles = MANAGERS

    @extend_schema(summary="Compute the members' shares", description=(
        "Manager only. The SHU of a closed book year from the ledger, shared by the percentages (which must add up to "
        "100 %) and the savings basis; computed again while it is a draft. Linked to the year's RAT if there is one."),
        request=s.ShuPrepareSerializer, responses={200: s.ShuDistributionSerializer, **ERRORS})
    def post(self, request, slug, year):
        _check_year(year)
        cooperative = _cooperative(request)
        data = _parse(s.ShuPrepareSerializer, request.data)
        basis = data.pop("savings_basis")
        distribution = shu_services.shu_prepare(actor=request.user, cooperative=cooperative, book_year=year, savings_basis=basis,
                                                meeting=shu_services.rat_of_year(cooperative=cooperative, book_year=year), **data)
        distribution.cooperative = cooperative
        return Response(s.ShuDistributionSerializer(_shu_data(_distribution(request, year))).data)


class ShuApproveView(TenantAPIView):
    allowed_roles = MANAGERS

    @extend_schema(summary="Approve as the RAT's decision", description=(
        "Manager only. Links the year's RAT; while that meeting is invited or held, the decision is recorded on its SHU "
        "agenda item (a vote needs the counts, at most the members present). Approving twice is refused."),
        request=s.ShuApproveSerializer, responses={200: s.ShuApproveResultSerializer, **ERRORS})
    def post(self, request, slug, year):
        distribution = _distribution(request, year)
        data = _parse(s.ShuApproveSerializer, request.data)
        distribution, item = shu_services.shu_approve_as_rat_decision(
            actor=request.user, distribution=distribution, method=data["decision_method"], decision_text=data["decision_text"],
            votes_for=data["votes_for"], votes_against=data["votes_against"], votes_abstain=data["votes_abstain"])
        return Response(s.ShuApproveResultSerializer(_shu_data(_distribution(request, year), decision_recorded=item is not None)).data)


class ShuPostView(TenantAPIView):
    allowed_roles = MANAGERS

    @extend_schema(summary="Post the SHU to the ledger", description=(
        "Manager only; requires an Idempotency-Key. One journal entry: debit SHU tahun berjalan; credit the reserve, the "
        "funds, SHU bagian anggota belum dibayar and the rounding remainder on its own line. Only an approved "
        "distribution is posted, and the date must be in an open book year."),
        request=s.DateBodySerializer, parameters=[IDEMPOTENCY_KEY_HEADER],
        responses={200: s.ShuDistributionSerializer, **ERRORS, **IDEMPOTENCY_RESPONSES})
    @idempotent
    def post(self, request, slug, year):
        distribution = _distribution(request, year)
        data = _parse(s.DateBodySerializer, request.data)
        shu_services.shu_post(actor=request.user, distribution=distribution, date=data["date"])
        return Response(s.ShuDistributionSerializer(_shu_data(_distribution(request, year))).data)


class ShuCreditView(TenantAPIView):
    allowed_roles = MANAGERS

    @extend_schema(summary="Credit the shares to simpanan sukarela", description=(
        "Manager only; requires an Idempotency-Key. Every unpaid share of a posted distribution is credited to the "
        "member's simpanan sukarela (one receipt each); members who left are paid by hand. 0 when nothing is left."),
        request=s.DateBodySerializer, parameters=[IDEMPOTENCY_KEY_HEADER],
        responses={200: s.ShuCreditResultSerializer, **ERRORS, **IDEMPOTENCY_RESPONSES})
    @idempotent
    def post(self, request, slug, year):
        distribution = _distribution(request, year)
        data = _parse(s.DateBodySerializer, request.data)
        credited = shu_services.shu_credit_to_savings(actor=request.user, distribution=distribution, date=data["date"])
        return Response(s.ShuCreditResultSerializer(_shu_data(_distribution(request, year), credited=credited)).data)


# --- the member's own: /api/v1/me/… ------------------------------------------------------------

def _my_memberships(user):
    from members.selectors import memberships_of_user

    return [m for m in memberships_of_user(user) if m.status == "active"]


@extend_schema_view(get=extend_schema(responses={200: s.MyMeetingSerializer(many=True), 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND}))
class MyMeetingsView(generics.ListAPIView):
    """Your cooperatives' upcoming meetings you are invited to, and their published minutes."""

    serializer_class = s.MyMeetingSerializer
    filter_backends = []

    def get_queryset(self):
        from .page_selectors import member_meetings

        rows = []
        for member in _my_memberships(self.request.user):
            cooperative = member.cooperative
            found = member_meetings(cooperative=cooperative)
            ref = {"slug": cooperative.slug, "name": cooperative.name}
            for what, meetings in (("invitation", found.upcoming), ("minutes", found.published)):
                for meeting in meetings:
                    meeting.what, meeting.cooperative_ref = what, ref
                    rows.append(meeting)
        return [_my_meeting(m) for m in rows]


def _my_meeting(meeting):
    data = {name: getattr(meeting, name) for name in ("id", "kind", "title", "book_year", "mode", "date", "start_time", "end_time",
                                                       "venue", "online_link", "status", "held_on", "what")}
    data["cooperative"] = meeting.cooperative_ref
    data["title"] = meeting.title or str(meeting)
    return data


@extend_schema_view(get=extend_schema(responses={200: s.MyShuSerializer(many=True), 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND}))
class MyShuView(generics.ListAPIView):
    """Your SHU per cooperative and book year, with the numbers of the formula: approved
    distributions only, newest first."""

    serializer_class = s.MyShuSerializer
    filter_backends = []

    def get_queryset(self):
        rows = []
        for member in _my_memberships(self.request.user):
            cooperative = member.cooperative
            for row in selectors.member_shu_history(cooperative=cooperative, member=member):
                rows.append({
                    "cooperative": {"slug": cooperative.slug, "name": cooperative.name}, "book_year": row.book_year,
                    "status": row.status, "shu_total": row.shu_total, "jasa_modal_percent": row.jasa_modal_percent,
                    "jasa_usaha_percent": row.jasa_usaha_percent, "savings_basis": row.savings_basis_kind, "savings": row.savings,
                    "total_savings": row.total_savings, "volume": row.volume, "total_volume": row.total_volume,
                    "jasa_modal": row.jasa_modal, "jasa_usaha": row.jasa_usaha, "total": row.total, "credited": row.credited,
                    "credited_on": row.paid_on, "receipt_number": row.receipt_number,
                })
        return rows

