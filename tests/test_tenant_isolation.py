"""No view can leak another cooperative's data (DESIGN.md §5.6).

Every URL pattern under /c/<slug>/ and /api/v1/c/<slug>/ is enumerated from the URL
resolver and checked for: anonymous → login (pages) or 401/403 (API); a user with no role
in the cooperative → 404; a wrong role → 403; each right role → 200 (or the redirect of a
successful POST). A new tenant URL without an entry in SAMPLES fails the suite.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_scopes import ScopeError, scope, scopes_disabled

from cooperatives import access
from cooperatives.models import Cooperative
from tests.factories import CooperativeFactory, MemberFactory, RoleAssignmentFactory, UserFactory
from tests.ledger import api_samples as ledger_api

PAGE_PREFIX = "c/<slug:slug>/"
API_PREFIX = "api/v1/c/<slug:slug>/"


@dataclass
class Sample:
    """How to call one tenant URL: extra URL kwargs (built per request) and the method."""

    kwargs: object = None  # callable(ctx) -> dict
    method: str = "get"
    success: int = 200
    data: dict = None  # query (GET) or body (JSON for API POSTs)
    headers: dict = None  # e.g. an Idempotency-Key


SAMPLES = {
    # pages
    "coop:overview": Sample(),
    "cooperatives:profile_edit": Sample(),
    "cooperatives:roles": Sample(),
    "cooperatives:role_revoke": Sample(lambda ctx: {"pk": ctx.fresh_supervisor_assignment().pk}, "post", 302),
    "cooperatives:audit": Sample(),
    "members:list": Sample(),
    "members:add": Sample(),
    "members:detail": Sample(lambda ctx: {"number": ctx.member.number}),
    "members:edit": Sample(lambda ctx: {"number": ctx.member.number}),
    # member register pages
    "members:leave": Sample(lambda ctx: {"number": ctx.member.number}),
    "members:import": Sample(),
    "members:import_confirm": Sample(method="post", success=302),
    "members:export": Sample(data={"format": "csv"}),
    # members' deletion requests (UU 27/2022), for the manager
    "deletion_requests:list": Sample(),
    "deletion_requests:detail": Sample(lambda ctx: {"pk": ctx.deletion_request().pk}),
    # savings pages
    "savings:index": Sample(),
    "savings:member": Sample(lambda ctx: {"number": ctx.member.number}),
    "savings:deposit": Sample(lambda ctx: {"number": ctx.member.number}),
    "savings:withdraw": Sample(lambda ctx: {"number": ctx.member.number}),
    "savings:receipt": Sample(lambda ctx: {"number": ctx.savings_transaction().number}),
    "savings:receipt_pdf": Sample(lambda ctx: {"number": ctx.savings_transaction().number}),
    "savings:reverse": Sample(lambda ctx: {"number": ctx.savings_transaction().number}),
    "savings:wajib_collect": Sample(),
    "savings:collection": Sample(lambda ctx: {"entry": ctx.savings_collection()}),
    "savings:collection_pdf": Sample(lambda ctx: {"entry": ctx.savings_collection()}),
    "savings:arrears": Sample(),
    # member self-service pages
    "self:home": Sample(),
    "self:passbook": Sample(),
    "self:statement": Sample(),
    "invitation_manage:create": Sample(lambda ctx: {"number": ctx.member.number}),
    "invitation_manage:revoke": Sample(lambda ctx: {"pk": ctx.open_invitation().pk}, "post", 302),
    # meetings SHU pages
    "shu:index": Sample(),
    "shu:mine": Sample(),
    "shu:year": Sample(lambda ctx: ctx.shu_year("closed")),
    "shu:volumes": Sample(lambda ctx: ctx.shu_year("closed")),
    "shu:volumes_import": Sample(lambda ctx: ctx.shu_year("closed")),
    "shu:volumes_import_confirm": Sample(lambda ctx: ctx.shu_year("closed"), "post", 302),
    "shu:preview": Sample(lambda ctx: ctx.shu_year("draft")),
    "shu:approve": Sample(lambda ctx: ctx.shu_year("draft")),
    "shu:post": Sample(lambda ctx: ctx.shu_year("approved")),
    "shu:credit": Sample(lambda ctx: ctx.shu_year("posted")),
    # meetings documents
    "meeting_documents:list": Sample(lambda ctx: ctx.meeting_document_kwargs()),
    "meeting_documents:upload": Sample(lambda ctx: ctx.meeting_document_kwargs(), "post"),  # no file: the form again
    "meeting_documents:download": Sample(lambda ctx: ctx.meeting_document_kwargs(document=True)),
    "meeting_documents:supersede": Sample(lambda ctx: ctx.meeting_document_kwargs(document=True)),
    "meeting_documents:delete": Sample(lambda ctx: ctx.meeting_document_kwargs(document=True), "post", 302),
    # meetings pages
    "meetings:list": Sample(),
    "meetings:add": Sample(),
    "meetings:detail": Sample(lambda ctx: ctx.meeting_page()),
    "meetings:edit": Sample(lambda ctx: ctx.meeting_page("draft")),
    "meetings:agenda": Sample(lambda ctx: ctx.meeting_page("draft")),
    "meetings:invitations": Sample(lambda ctx: ctx.meeting_page("draft")),
    "meetings:invitation_pdf": Sample(lambda ctx: ctx.meeting_page()),
    "meetings:attendance": Sample(lambda ctx: ctx.meeting_page()),
    "meetings:attendance_remove": Sample(lambda ctx: ctx.meeting_page(extra="attendance"), "post", 302),
    "meetings:attendance_pdf": Sample(lambda ctx: ctx.meeting_page()),
    "meetings:qr": Sample(lambda ctx: ctx.meeting_page()),
    "meetings:check_in": Sample(lambda ctx: ctx.meeting_page()),
    "meetings:decision": Sample(lambda ctx: ctx.meeting_page(extra="item")),
    "meetings:officer_remove": Sample(lambda ctx: ctx.meeting_page(extra="officer"), "post", 302),
    "meetings:officer_hand_over": Sample(lambda ctx: ctx.meeting_page("held", extra="officer"), "post", 302),
    "meetings:held": Sample(lambda ctx: ctx.meeting_page()),
    "meetings:minutes": Sample(lambda ctx: ctx.meeting_page("held")),
    "meetings:minutes_pdf": Sample(lambda ctx: ctx.meeting_page("minutes_published")),
    "meetings:publish": Sample(lambda ctx: ctx.meeting_page("held"), "post", 302),
    "meetings:report": Sample(lambda ctx: ctx.meeting_page("minutes_published", kind="rat")),
    # ledger pages
    "ledger:entries": Sample(),
    "ledger:entry_add": Sample(),
    "ledger:entry_totals": Sample(method="post"),
    "ledger:entry_detail": Sample(lambda ctx: {"number": ctx.ledger_entry().number}),
    "ledger:entry_reverse": Sample(lambda ctx: {"number": ctx.ledger_entry().number}, "post", 302),
    "ledger:draft_detail": Sample(lambda ctx: {"pk": ctx.ledger_draft().pk}),
    "ledger:draft_post": Sample(lambda ctx: {"pk": ctx.ledger_draft().pk}, "post", 302),
    "ledger:draft_delete": Sample(lambda ctx: {"pk": ctx.ledger_draft().pk}, "post", 302),
    "ledger:accounts": Sample(lambda ctx: ctx.ledger_chart()),
    "ledger:account_add": Sample(lambda ctx: ctx.ledger_chart()),
    "ledger:account_edit": Sample(lambda ctx: ctx.ledger_chart() or {"code": "1-101"}),
    "ledger:account_delete": Sample(lambda ctx: {"code": ctx.ledger_unused_account().code}, "post", 302),
    "ledger:years": Sample(lambda ctx: ctx.ledger_year("closed") and {}),  # a closed year on the page
    "ledger:year_prepare": Sample(lambda ctx: {"year": ctx.ledger_year("open")}, "post", 302),
    "ledger:year_close": Sample(lambda ctx: {"year": ctx.ledger_year("prepared")}, "post", 302),
    "ledger:year_reopen": Sample(lambda ctx: {"year": ctx.ledger_year("closed")}),
    "ledger:opening": Sample(lambda ctx: ctx.ledger_chart()),
    "ledger:opening_import": Sample(),
    "ledger:opening_confirm": Sample(method="post", success=302),
    # ledger reports
    "ledger_reports:index": Sample(),
    "ledger_reports:general_ledger": Sample(),
    "ledger_reports:trial_balance": Sample(),
    "ledger_reports:balance_sheet": Sample(),
    "ledger_reports:income_statement": Sample(),
    # API
    "api:cooperative": Sample(),
    # meetings API
    "api:meetings_api:meetings": Sample(),
    "api:meetings_api:meeting": Sample(lambda ctx: ctx.api_meeting("draft")),
    "api:meetings_api:meeting_invite": Sample(lambda ctx: ctx.api_meeting("draft"), "post", 200, data={"confirm_late": True}),
    "api:meetings_api:meeting_held": Sample(lambda ctx: ctx.api_meeting("invited"), "post", 200, data={}),
    "api:meetings_api:meeting_publish": Sample(lambda ctx: ctx.api_meeting("held"), "post", 200, data={}),
    "api:meetings_api:meeting_report": Sample(lambda ctx: ctx.api_meeting("minutes_published"), "post", 201, data={
        "total_assets": "1000", "own_capital": "600", "outside_capital": "400", "business_volume": "900", "shu": "50"}),
    "api:meetings_api:attendance": Sample(lambda ctx: ctx.api_meeting("held")),
    "api:meetings_api:documents": Sample(lambda ctx: ctx.api_meeting("held")),
    "api:meetings_api:document_download": Sample(lambda ctx: ctx.api_meeting_document()),
    "api:meetings_api:shu": Sample(lambda ctx: ctx.shu_year("draft")),
    "api:meetings_api:shu_shares": Sample(lambda ctx: ctx.shu_year("draft")),
    "api:meetings_api:shu_volumes": Sample(lambda ctx: ctx.shu_year("closed")),
    "api:meetings_api:shu_prepare": Sample(lambda ctx: ctx.shu_year("closed"), "post", 200, data={}),
    "api:meetings_api:shu_approve": Sample(lambda ctx: ctx.shu_year("draft"), "post", 200, data={}),
    "api:meetings_api:shu_post": Sample(lambda ctx: ctx.shu_year("approved"), "post", 200, data={"date": "2025-03-20"},
                                        headers=ledger_api.IDEMPOTENCY),
    "api:meetings_api:shu_credit": Sample(lambda ctx: ctx.shu_year("posted"), "post", 200, data={"date": "2025-03-21"},
                                          headers=ledger_api.IDEMPOTENCY),
    # ledger API
    # members API
    "api:members_api:list": Sample(),
    "api:members_api:detail": Sample(lambda ctx: {"number": ctx.member.number}),
    # savings API
    "api:savings_api:transactions": Sample(lambda ctx: ctx.savings_api_member(), "post", 201, headers=ledger_api.IDEMPOTENCY, data={
        "member": "90001", "type": "sukarela", "direction": "deposit", "amount": "25000.00", "date": "2024-03-01"}),
    "api:members_api:savings": Sample(lambda ctx: {"number": ctx.member.number}),
    "api:ledger_api:accounts": Sample(),
    "api:ledger_api:entries": Sample(),
    "api:ledger_api:entry": Sample(ledger_api.posted_entry),
    "api:ledger_api:entry_reverse": Sample(ledger_api.posted_entry, "post", 201, data={}, headers=ledger_api.IDEMPOTENCY),
    "api:ledger_api:trial_balance": Sample(data=ledger_api.AS_OF),
    "api:ledger_api:balance_sheet": Sample(data=ledger_api.AS_OF),
    "api:ledger_api:income_statement": Sample(data=ledger_api.PERIOD),
    "api:ledger_api:year_close": Sample(ledger_api.prepared_year, "post", 200),
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, route, ns)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else None


def tenant_url_names():
    names = []
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(PAGE_PREFIX) or route.startswith(API_PREFIX):
            names.append((route, name))
    return names


def test_every_tenant_url_has_a_sample():
    found = tenant_url_names()
    assert found, "no tenant URLs found: the resolver walk is broken"
    unnamed = [route for route, name in found if name is None]
    assert not unnamed, f"tenant URLs need a name to be tested: {unnamed}"
    missing = sorted(name for _, name in found if name not in SAMPLES)
    assert not missing, f"add these tenant URLs to SAMPLES in {__file__}: {missing}"
    stale = sorted(set(SAMPLES) - {name for _, name in found})
    assert not stale, f"SAMPLES names URLs that no longer exist: {stale}"


class Context:
    def __init__(self, cooperative):
        self.cooperative = cooperative
        self.member = MemberFactory(cooperative=cooperative)

    def fresh_supervisor_assignment(self):
        return RoleAssignmentFactory(cooperative=self.cooperative, role="supervisor")

    def deletion_request(self):
        """A pending deletion request of a fresh member with a login (members: personal data)."""
        from members.deletion import deletion_request_create

        member = MemberFactory(cooperative=self.cooperative, user=UserFactory())
        return deletion_request_create(actor=member.user, member=member, reason="Pindah")

    def open_invitation(self):
        """A fresh open invitation for a fresh member (members: self-service)."""
        from members.invitations import invitation_create

        return invitation_create(actor=None, member=MemberFactory(cooperative=self.cooperative)).invitation

    def meeting_document_kwargs(self, document=False):
        """A special meeting with published minutes (members see its documents) and, when
        asked, a fresh PNG on it (meetings: documents)."""
        import io

        from PIL import Image

        from meetings.documents import document_upload
        from tests.factories import MeetingFactory

        meeting = MeetingFactory(cooperative=self.cooperative, kind="ra_khusus", status="minutes_published")
        kwargs = {"meeting_id": meeting.pk}
        if document:
            image = io.BytesIO()
            Image.new("RGB", (4, 4), (11, 107, 58)).save(image, "PNG")
            kwargs["document_id"] = document_upload(actor=None, meeting=meeting, kind="photo", file=image.getvalue(), original_name="foto.png").pk
        return kwargs

    def meeting_page(self, status="invited", **options):
        """URL kwargs of a meeting today in `status` (meetings pages; tests/meetings/page_samples.py)."""
        from tests.meetings.page_samples import meeting_kwargs

        return meeting_kwargs(self.cooperative, status=status, **options)

    # ledger: factory cooperatives have no chart; these apply it on first use
    def ledger_chart(self):
        from ledger.services import chart_apply_template

        chart_apply_template(cooperative=self.cooperative)
        return {}

    def ledger_entry(self, day=None):
        """A fresh posted entry (dated in 2024 by default)."""
        import datetime

        from ledger.services import entry_post

        self.ledger_chart()
        return entry_post(actor=None, cooperative=self.cooperative, date=day or datetime.date(2024, 3, 1), description="Setoran",
                          lines=[{"account": "1-101", "debit": "1000", "credit": "0"}, {"account": "3-103", "debit": "0", "credit": "1000"}])

    def ledger_draft(self):
        import datetime

        from ledger.services import entry_save_draft

        self.ledger_chart()
        return entry_save_draft(actor=None, cooperative=self.cooperative, date=datetime.date(2024, 3, 2), description="Draf",
                                lines=[{"account": "1-101", "debit": "500", "credit": "0"}, {"account": "4-901", "debit": "0", "credit": "500"}])

    def ledger_unused_account(self):
        from ledger.services import account_create

        self.ledger_chart()
        self._ledger_accounts = getattr(self, "_ledger_accounts", 0) + 1
        return account_create(actor=None, cooperative=self.cooperative, code=f"1-9{self._ledger_accounts:02d}", name="Kas kecil", kind="asset")

    def ledger_year(self, state):
        """Book year 2024 (ended) in `state`: open, prepared or closed."""
        from ledger.services import book_year_close, book_year_prepare

        self.ledger_entry()
        if state in ("prepared", "closed"):
            book_year_prepare(actor=None, cooperative=self.cooperative, year=2024)
        if state == "closed":
            book_year_close(actor=None, cooperative=self.cooperative, year=2024)
        return 2024

    # savings: the chart is applied on first use
    def savings_transaction(self):
        """A fresh sukarela deposit of the context's member (joined 1 Mar 2020)."""
        import datetime

        from members.savings import savings_deposit

        self.ledger_chart()
        return savings_deposit(actor=None, member=self.member, savings_type="sukarela", amount="5000", date=datetime.date(2024, 3, 1))

    def savings_collection(self):
        """The journal entry number of a fresh wajib collection of two fresh members."""
        import datetime

        from members.savings import wajib_collect

        self.ledger_chart()
        members = MemberFactory.create_batch(2, cooperative=self.cooperative)
        return wajib_collect(actor=None, cooperative=self.cooperative, members=members, period=datetime.date(2024, 3, 1),
                             date=datetime.date(2024, 3, 5))[0].journal_entry.number

    def savings_api_member(self):
        """Member 90001 for the savings API's body (no URL kwargs)."""
        self.ledger_chart()
        MemberFactory(cooperative=self.cooperative, number="90001")
        return {}

    # meetings SHU: book year 2024 closed with an SHU of Rp 2.000.000 (tests/meetings/shu_samples.py)
    def shu_year(self, state):
        """{"year": 2024} with the SHU distribution in `state`: closed (none yet), draft, approved or posted."""
        from tests.meetings import shu_samples

        build = {"closed": shu_samples.closed_year, "draft": shu_samples.prepared, "approved": shu_samples.approved,
                 "posted": shu_samples.posted}[state]
        build(self.cooperative)
        return {"year": shu_samples.YEAR}

    # meetings API: a RAT of last book year in `status` (draft and invited ones dated so the
    # next step succeeds), and a document of one
    def api_meeting(self, status):
        import datetime

        from django.utils import timezone

        from tests.factories import MeetingFactory

        today = timezone.localdate()
        day = {"draft": today + datetime.timedelta(days=30), "invited": today - datetime.timedelta(days=1)}.get(status, today - datetime.timedelta(days=2))
        meeting = MeetingFactory(cooperative=self.cooperative, book_year=today.year - 1, status=status, date=day,
                                 held_on=None if status in ("draft", "invited") else day, chair_name="Ketua", secretary_name="Sekretaris")
        return {"pk": meeting.pk}

    def api_meeting_document(self):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django_scopes import scope

        from meetings import documents
        from meetings.models import Meeting
        from tests.meetings.test_api import pdf_bytes

        kwargs = self.api_meeting("held")
        with scope(cooperative=self.cooperative):
            meeting = Meeting.objects.get(pk=kwargs["pk"])
        document = documents.document_upload(actor=None, meeting=meeting, kind="accountability",
                                             file=SimpleUploadedFile("lpj.pdf", pdf_bytes()))
        return {"pk": meeting.pk, "doc_id": document.pk}


def allowed_roles(url):
    func = resolve(url).func
    cls = getattr(func, "cls", None) or getattr(func, "view_class", None)
    roles = getattr(cls, "allowed_roles", None) if cls is not None else getattr(func, "allowed_roles", None)
    assert roles, f"{url}: its view declares no allowed roles (use access.cooperative_view or allowed_roles)"
    return frozenset(roles)


def build_url(name, ctx):
    sample = SAMPLES[name]
    kwargs = {"slug": ctx.cooperative.slug}
    if sample.kwargs:
        kwargs.update(sample.kwargs(ctx))
    return reverse(name, kwargs=kwargs)


def call(client, name, url, **extra):
    sample = SAMPLES[name]
    if sample.data is not None:
        extra["data"] = sample.data
        if sample.method != "get" and is_api(name):
            extra["content_type"] = "application/json"
    if sample.headers:
        extra["headers"] = sample.headers
    return getattr(client, sample.method)(url, **extra)


@pytest.fixture
def ctx(db):
    return Context(CooperativeFactory())


def user_with_role(cooperative, role):
    user = UserFactory()
    if role == "member":
        MemberFactory(cooperative=cooperative, user=user)
    else:
        RoleAssignmentFactory(cooperative=cooperative, user=user, role=role)
    return user


def is_api(name):
    return name.startswith("api:")


ALL_NAMES = sorted(SAMPLES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL_NAMES)
def test_anonymous_is_sent_to_login_or_refused(client, ctx, name):
    url = build_url(name, ctx)
    response = call(client, name, url)
    if is_api(name):
        assert response.status_code in (401, 403), (url, response.status_code)
    else:
        assert response.status_code == 302 and "/akun/login/" in response["Location"], (url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL_NAMES)
def test_outsider_gets_404(client, ctx, name):
    """A user with roles elsewhere (even a manager of another cooperative) learns nothing."""
    elsewhere = CooperativeFactory()
    outsider = user_with_role(elsewhere, "manager")
    client.force_login(outsider)
    url = build_url(name, ctx)
    response = call(client, name, url)
    assert response.status_code == 404, (url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("role", sorted(access.ALL_COOPERATIVE_ROLES))
def test_each_role_gets_200_or_403(client, ctx, name, role):
    url = build_url(name, ctx)
    expected_ok = role in allowed_roles(url)
    client.force_login(user_with_role(ctx.cooperative, role))
    response = call(client, name, url)
    if expected_ok:
        assert response.status_code == SAMPLES[name].success, (url, role, response.status_code)
    else:
        assert response.status_code == 403, (url, role, response.status_code)


@pytest.mark.django_db
def test_unknown_cooperative_is_404_for_pages_and_api(client, make_user, cooperative):
    client.force_login(make_user(cooperative, "manager"))
    assert client.get("/c/tidak-ada/").status_code == 404
    assert client.get("/c/tidak-ada/anggota/").status_code == 404
    assert client.get("/api/v1/c/tidak-ada/").status_code == 404


@pytest.mark.django_db
def test_objects_of_another_cooperative_are_not_found_through_my_slug(client, make_user, cooperative, other_cooperative):
    """A manager of A asking A's URLs for B's objects gets 404: every query is scoped to A."""
    manager = make_user(cooperative, "manager")
    client.force_login(manager)
    theirs = MemberFactory(cooperative=other_cooperative, number="99999")
    their_role = RoleAssignmentFactory(cooperative=other_cooperative, role="supervisor")
    assert client.get(f"/c/{cooperative.slug}/anggota/{theirs.number}/").status_code == 404
    assert client.get(f"/c/{cooperative.slug}/anggota/{theirs.number}/ubah/").status_code == 404
    assert client.post(f"/c/{cooperative.slug}/peran/{their_role.pk}/hapus/").status_code == 404
    with scopes_disabled():
        assert type(their_role).objects.filter(pk=their_role.pk).exists()
    page = client.get(f"/c/{cooperative.slug}/anggota/", {"q": theirs.full_name}).content.decode()
    assert f"/anggota/{theirs.number}/" not in page


# --- every tenant model is scoped, every unique constraint includes the cooperative -------

# The city's precomputed aggregates name a cooperative but belong to no cooperative's space:
# only city/ reads them (across all cooperatives, by design: DESIGN.md §5.3), they hold counts
# and statutory figures (SharedPerson: a keyed NIK hash, never the NIK) and no page under
# /c/<slug>/ touches them. They are exempt from the tenant checks below, and only they.
CITY_AGGREGATES = {"city.CooperativeYearFigures", "city.SharedPerson"}


def tenant_models():
    found = []
    for model in apps.get_models():
        if model._meta.label in CITY_AGGREGATES:
            continue
        field = next((f for f in model._meta.get_fields() if f.name == "cooperative"), None)
        if field is not None and getattr(field, "related_model", None) is Cooperative and not field.auto_created:
            found.append(model)
    return found


def test_city_aggregates_exist_and_are_read_only_by_the_city():
    """The exemption names real models, and no module outside city/ (and the services that
    ask city/figures.py for a refresh) imports them."""
    from pathlib import Path

    from django.conf import settings

    for label in CITY_AGGREGATES:
        apps.get_model(label)
    root = Path(settings.BASE_DIR)
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("city/", "tests/", "bench/", ".venv/", "node_modules/")):
            continue
        source = path.read_text(encoding="utf-8")
        for label in CITY_AGGREGATES:
            name = label.split(".")[1]
            assert f"import {name}" not in source and f", {name}" not in source, (relative, name)


def test_tenant_models_are_found():
    names = {m._meta.label for m in tenant_models()}
    assert {"members.Member", "cooperatives.RoleAssignment", "meetings.Meeting", "portal.AuditEvent"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_every_manager_of_a_tenant_model_fails_closed(model, cooperative):
    assert model._meta.managers, model
    for manager in model._meta.managers:
        with pytest.raises(ScopeError):
            list(manager.all())
        with pytest.raises(ScopeError):
            manager.filter(pk=1).exists()
        with scope(cooperative=cooperative):
            list(manager.all())  # works inside a scope


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_unique_constraints_include_the_cooperative(model):
    for field in model._meta.local_fields:
        if field.unique and not field.primary_key:
            pytest.fail(f"{model._meta.label}.{field.name} is unique across cooperatives")
    for fields in model._meta.unique_together:
        assert "cooperative" in fields, (model, fields)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert "cooperative" in constraint.fields, (model, constraint.name)


def test_tenant_foreign_keys_stay_inside_the_tenant():
    """No tenant table points at another tenant table through anything but a same-cooperative
    relation checked by services; global tables (users, regions) are allowed."""
    tenant = set(tenant_models())
    for model in tenant:
        for field in model._meta.local_fields:
            if isinstance(field, models.ForeignKey) and field.related_model in tenant:
                # allowed, but the related model must itself be a tenant model (same scope)
                assert field.related_model in tenant
