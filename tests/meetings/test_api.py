"""The meetings API (/api/v1/c/<slug>/meetings/…) and the member's own /api/v1/me/meetings/ and
/api/v1/me/shu/: roles, the workflow, SHU with Idempotency-Key, field errors, never a 500."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from meetings import shu_services
from meetings.models import Meeting, MemberTransactionVolume, ShuDistribution
from tests.factories import MeetingFactory, MemberFactory
from tests.meetings import shu_samples

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()
YEAR = shu_samples.YEAR
EN = {"Accept-Language": "en"}


@pytest.fixture
def manager(cooperative, make_user):
    return make_user(cooperative, "manager")


@pytest.fixture
def api(client, manager):
    client.force_login(manager)
    return client


def base(cooperative):
    return f"/api/v1/c/{cooperative.slug}/meetings/"


def post(client, path, body=None, key=None, **kwargs):
    headers = dict(EN)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(path, json.dumps(body if body is not None else {}), content_type="application/json", headers=headers, **kwargs)


def patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json", headers=EN)


def get(client, path, **kwargs):
    return client.get(path, headers=EN, **kwargs)


def schedule_body(**changes):
    body = {"kind": "rat", "book_year": TODAY.year - 1, "date": (TODAY + datetime.timedelta(days=30)).isoformat(),
            "start_time": "09:00", "end_time": "12:00", "mode": "in_person", "venue": "Aula Koperasi"}
    body.update(changes)
    return body


def create(api, cooperative, **changes):
    response = post(api, base(cooperative), schedule_body(**changes))
    assert response.status_code == 201, response.json()
    return response.json()


# --- meetings ----------------------------------------------------------------------------------

def test_schedule_list_and_detail(api, cooperative):
    meeting = create(api, cooperative)
    assert meeting["status"] == "draft" and len(meeting["agenda"]) == 8
    assert [item["kind"] for item in meeting["agenda"]][4] == "shu"
    assert meeting["quorum"]["present"] == 0
    listing = get(api, base(cooperative)).json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == meeting["id"]
    assert get(api, f"{base(cooperative)}{meeting['id']}/").json()["venue"] == "Aula Koperasi"


@pytest.mark.parametrize(("body", "field"), [
    (schedule_body(date=f"{TODAY.year - 1}-06-30"), "date"),  # before the book year ends
    (schedule_body(date=None), "date"),
    (schedule_body(date="30/06/2026"), "date"),
    (schedule_body(mode="telepathy"), "mode"),
    (schedule_body(mode="online", online_link="not a link"), "online_link"),
    (schedule_body(mode="hybrid", venue=""), "venue"),
    (schedule_body(book_year="dua ribu"), "book_year"),
    (schedule_body(book_year=99999), "book_year"),
    (schedule_body(end_time="08:00"), "end_time"),
    (schedule_body(kind="arisan"), "kind"),
    (schedule_body(venue="x" * 301), "venue"),
])
def test_schedule_refuses_bad_bodies_per_field(api, cooperative, body, field):
    response = post(api, base(cooperative), body)
    assert response.status_code == 400 and field in response.json(), response.json()
    with scope(cooperative=cooperative):
        assert not Meeting.objects.exists()


def test_one_rat_per_year(api, cooperative):
    create(api, cooperative)
    response = post(api, base(cooperative), schedule_body())
    assert response.status_code == 400 and "book_year" in response.json()


def test_staff_read_and_only_the_manager_writes(client, cooperative, make_user):
    meeting = MeetingFactory(cooperative=cooperative, status="draft", held_on=None, date=TODAY + datetime.timedelta(days=30))
    for role in ("bookkeeper", "supervisor"):
        client.force_login(make_user(cooperative, role))
        assert get(client, base(cooperative)).status_code == 200
        assert get(client, f"{base(cooperative)}{meeting.pk}/").status_code == 200
        assert post(client, base(cooperative), schedule_body()).status_code == 403
        assert patch(client, f"{base(cooperative)}{meeting.pk}/", {"venue": "Balai"}).status_code == 403
        assert post(client, f"{base(cooperative)}{meeting.pk}/invite/", {"confirm_late": True}).status_code == 403
        assert post(client, f"{base(cooperative)}shu/{YEAR}/prepare/").status_code == 403
    client.force_login(make_user(cooperative, "member"))
    assert get(client, base(cooperative)).status_code == 403
    client.logout()
    assert get(client, base(cooperative)).status_code in (401, 403)


def test_another_cooperatives_meeting_is_not_found(api, cooperative, other_cooperative):
    theirs = MeetingFactory(cooperative=other_cooperative)
    assert get(api, f"{base(cooperative)}{theirs.pk}/").status_code == 404
    assert patch(api, f"{base(cooperative)}{theirs.pk}/", {"venue": "x"}).status_code == 404
    assert post(api, f"{base(cooperative)}{theirs.pk}/held/").status_code == 404


def test_patch_schedule_and_minutes(api, cooperative):
    meeting = create(api, cooperative)
    path = f"{base(cooperative)}{meeting['id']}/"
    response = patch(api, path, {"venue": "Balai Kelurahan", "chair_name": "Hj. Siti", "minutes_text": "Dibuka pukul 09.00"})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["venue"] == "Balai Kelurahan" and data["chair_name"] == "Hj. Siti" and data["minutes_text"] == "Dibuka pukul 09.00"
    assert patch(api, path, {}).status_code == 400
    response = patch(api, path, {"mode": "online", "online_link": ""})
    assert response.status_code == 400 and "online_link" in response.json()
    assert get(api, path).json()["mode"] == "in_person"  # nothing half-written


def test_the_workflow_from_invitation_to_report(api, cooperative):
    members = MemberFactory.create_batch(3, cooperative=cooperative, joined_on=D(2020, 1, 1))
    meeting = create(api, cooperative, date=(TODAY + datetime.timedelta(days=3)).isoformat())
    path = f"{base(cooperative)}{meeting['id']}/"
    response = post(api, path + "invite/")
    assert response.status_code == 400 and "confirm_late" in response.json()
    assert post(api, path + "invite/", {"confirm_late": True}).json()["status"] == "invited"
    response = post(api, path + "invite/", {"confirm_late": True})
    assert response.status_code == 400 and "non_field_errors" in response.json()
    # attendance
    assert post(api, path + "attendance/", {"member": members[0].number}).status_code == 201
    response = post(api, path + "attendance/", {"member": members[0].number})
    assert response.status_code == 400 and "already checked in" in response.json()["member"][0]
    response = post(api, path + "attendance/", {"member": "no-such"})
    assert response.status_code == 400 and "member" in response.json()
    response = post(api, path + "attendance/", {"member": members[1].number, "mode": "delegate"})
    assert response.status_code == 400 and "delegate_name" in response.json()
    assert post(api, path + "attendance/", {"member": members[1].number, "mode": "delegate", "delegate_name": "Ujang"}).status_code == 201
    attendance = get(api, path + "attendance/").json()
    assert attendance["count"] == 2 and attendance["results"][1]["delegate_name"] == "Ujang"
    # held: not in the future
    response = post(api, path + "held/", {"held_on": (TODAY + datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "held_on" in response.json()
    with scope(cooperative=cooperative):
        Meeting.objects.filter(pk=meeting["id"]).update(date=TODAY)
    assert post(api, path + "held/").json()["status"] == "held"
    response = post(api, path + "publish/")
    assert response.status_code == 400 and {"chair_name", "secretary_name"} <= set(response.json())
    # the report needs published minutes
    figures = {"total_assets": "150000000.00", "own_capital": "90000000", "outside_capital": "60000000",
               "business_volume": "45000000", "shu": "-2000000"}
    response = post(api, path + "report/", figures)
    assert response.status_code == 400 and "non_field_errors" in response.json()
    patch(api, path, {"chair_name": "Hj. Siti", "secretary_name": "Dedi"})
    assert post(api, path + "publish/").json()["status"] == "minutes_published"
    response = post(api, path + "report/", figures | {"total_assets": "-1"})
    assert response.status_code == 400 and "total_assets" in response.json()
    response = post(api, path + "report/", figures)
    assert response.status_code == 201, response.json()
    assert response.json()["members_present"] == 2 and response.json()["shu"] == "-2000000.00"
    assert get(api, path).json()["status"] == "reported"


# --- documents ---------------------------------------------------------------------------------

def pdf_bytes():
    body = b"BT /F1 12 Tf 20 100 Td (Laporan RAT) Tj ET"
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>\nendobj\n"
            b"4 0 obj\n<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def test_documents_upload_list_download(api, cooperative, make_user, client):
    meeting = MeetingFactory(cooperative=cooperative)
    path = f"{base(cooperative)}{meeting.pk}/documents/"
    upload = SimpleUploadedFile("LPJ pengurus.pdf", pdf_bytes(), content_type="application/pdf")
    response = api.post(path, {"kind": "accountability", "title": "LPJ 2025", "file": upload}, headers=EN)
    assert response.status_code == 201, response.json()
    document = response.json()
    assert document["content_type"] == "application/pdf" and document["original_name"] == "LPJ pengurus.pdf"
    listing = get(api, path).json()
    assert [d["id"] for d in listing] == [document["id"]]
    response = get(api, document["download"])
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == pdf_bytes()
    # not what it claims: refused, nothing stored
    fake = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
    response = api.post(path, {"kind": "accountability", "file": fake}, headers=EN)
    assert response.status_code == 400 and "file" in response.json()
    response = api.post(path, {"kind": "bogus", "file": SimpleUploadedFile("a.pdf", pdf_bytes())}, headers=EN)
    assert response.status_code == 400 and "kind" in response.json()
    assert api.post(path, {"kind": "photo"}, headers=EN).status_code == 400
    assert len(get(api, path).json()) == 1
    assert get(api, f"{path}999999/download/").status_code == 404
    client.force_login(make_user(cooperative, "bookkeeper"))
    assert get(client, document["download"]).status_code == 200
    assert client.post(path, {"kind": "photo", "file": SimpleUploadedFile("a.pdf", pdf_bytes())}).status_code == 403


# --- SHU -----------------------------------------------------------------------------------------

def shu(cooperative, name=""):
    return f"{base(cooperative)}shu/{YEAR}/{name}"


def test_shu_prepare_approve_post_credit(api, cooperative, manager):
    a, b = shu_samples.closed_year(cooperative, actor=manager)
    assert get(api, shu(cooperative)).status_code == 404  # not prepared yet
    response = post(api, shu(cooperative, "prepare/"), {k: str(v) for k, v in shu_samples.WORKED_EXAMPLE.items()})
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["shu_total"] == "2000000.00" and data["status"] == "draft" and data["remainder"] == "0.00"
    assert data["totals"]["total"] == "1000000.00" and data["totals"]["members"] == 2
    assert [line["percent"] for line in data["allocation"]] == ["40.00", "20.00", "30.00", "2.50", "2.50", "2.50", "2.50"]
    shares = get(api, shu(cooperative, "shares/")).json()
    mine = next(row for row in shares["results"] if row["member"] == a.number)
    assert (mine["jasa_modal"], mine["jasa_usaha"], mine["total"]) == ("20000.00", "40000.00", "60000.00")
    # post before approve
    response = post(api, shu(cooperative, "post/"), {"date": "2025-03-20"}, key="post-early")
    assert response.status_code == 400 and "Only an approved" in response.json()["non_field_errors"][0]
    response = post(api, shu(cooperative, "approve/"), {"decision_method": "mufakat"})
    assert response.status_code == 200 and response.json()["status"] == "approved" and response.json()["decision_recorded"] is False
    response = post(api, shu(cooperative, "approve/"), {})
    assert response.status_code == 400 and "already approved" in response.json()["non_field_errors"][0]
    # post: the Idempotency-Key is required; a replay answers the same
    response = post(api, shu(cooperative, "post/"), {"date": "2025-03-20"})
    assert response.status_code == 400 and "idempotency_key" in response.json()
    first = post(api, shu(cooperative, "post/"), {"date": "2025-03-20"}, key="post-2024")
    assert first.status_code == 200 and first.json()["status"] == "posted" and first.json()["journal_entry"]
    again = post(api, shu(cooperative, "post/"), {"date": "2025-03-20"}, key="post-2024")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert post(api, shu(cooperative, "post/"), {"date": "2025-03-21"}, key="post-2024").status_code == 409
    # credit
    response = post(api, shu(cooperative, "credit/"), {"date": "2025-03-21"}, key="credit-2024")
    assert response.status_code == 200 and response.json()["credited"] == 2 and response.json()["totals"]["unpaid"] == 0
    response = post(api, shu(cooperative, "credit/"), {"date": "2025-03-21"}, key="credit-2024-again")
    assert response.status_code == 200 and response.json()["credited"] == 0
    shares = get(api, shu(cooperative, "shares/")).json()["results"]
    assert all(row["paid_transaction"] for row in shares)


def test_shu_prepare_refusals(api, cooperative, manager):
    from ledger.services import entry_post

    shu_samples.closed_year(cooperative, actor=manager)
    response = post(api, shu(cooperative, "prepare/"), {"reserve_percent": "50"})  # 110 %
    assert response.status_code == 400 and "100 %" in response.json()["non_field_errors"][0]
    response = post(api, shu(cooperative, "prepare/"), {"reserve_percent": "40.005", "sosial_percent": "-1", "savings_basis": "x"})
    assert response.status_code == 400 and {"reserve_percent", "sosial_percent", "savings_basis"} <= set(response.json())
    entry_post(actor=manager, cooperative=cooperative, date=D(2025, 5, 1), description="Jasa",
               lines=[{"account": "1-101", "debit": "1000"}, {"account": "4-101", "credit": "1000"}])
    response = post(api, f"{base(cooperative)}shu/2025/prepare/", {})
    assert response.status_code == 400 and "must be closed" in response.json()["book_year"][0]
    response = post(api, f"{base(cooperative)}shu/3000/prepare/", {})
    assert response.status_code == 400 and "book_year" in response.json()
    with scope(cooperative=cooperative):
        assert not ShuDistribution.objects.exists()


def test_shu_volumes(api, cooperative, manager):
    a, b = shu_samples.closed_year(cooperative, actor=manager)
    left = MemberFactory(cooperative=cooperative, joined_on=D(2020, 1, 1), status="left", left_on=D(2024, 5, 1))
    rows = get(api, shu(cooperative, "volumes/")).json()["results"]
    assert {r["member"]: r["volume"] for r in rows} == {a.number: "1000000.00", b.number: "14000000.00"}
    body = {"volumes": [{"member": a.number, "volume": "5000"}, {"member": "nope", "volume": "1"},
                        {"member": left.number, "volume": "1"}, {"member": a.number, "volume": "2"}, {"member": b.number, "volume": "-3"}]}
    response = post(api, shu(cooperative, "volumes/"), body)
    assert response.status_code == 400
    errors = response.json()["volumes"]
    assert "volume" in json.dumps(errors)  # the negative one, by the serializer
    body["volumes"].pop()  # the negative one
    response = post(api, shu(cooperative, "volumes/"), body)
    errors = response.json()["volumes"]
    assert set(errors) == {"1", "2", "3"} and "not on the register" in errors["2"]["member"][0] and "twice" in errors["3"]["member"][0]
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("1000000")
    response = post(api, shu(cooperative, "volumes/"), {"volumes": [{"member": a.number, "volume": "5000.50"}]})
    assert response.status_code == 200 and response.json() == {"saved": 1}
    with scope(cooperative=cooperative):
        assert MemberTransactionVolume.objects.get(member=a).volume == Decimal("5000.50")


def test_shu_approve_records_the_decision_of_an_invited_rat(api, cooperative, manager):
    shu_samples.prepared(cooperative, actor=manager)
    meeting = create(api, cooperative, book_year=YEAR)
    post(api, f"{base(cooperative)}{meeting['id']}/invite/", {"confirm_late": True})
    response = post(api, shu(cooperative, "approve/"), {"decision_method": "vote", "votes_for": 3})
    assert response.status_code == 400 and "votes_for" in response.json()  # 3 votes, nobody present
    response = post(api, shu(cooperative, "approve/"), {"decision_method": "mufakat", "decision_text": "SHU 2024 disetujui."})
    assert response.status_code == 200 and response.json()["decision_recorded"] is True
    assert response.json()["meeting"] == meeting["id"]
    agenda = get(api, f"{base(cooperative)}{meeting['id']}/").json()["agenda"]
    item = next(i for i in agenda if i["kind"] == "shu")
    assert item["decision_text"] == "SHU 2024 disetujui." and item["decision_method"] == "mufakat"


# --- never a 500 ---------------------------------------------------------------------------------

JUNK = [[], "text", 12, None, {"date": {"nested": True}}, {"member": ["00001"]}, {"volumes": "all"}, {"volumes": [None]},
        {"confirm_late": "maybe"}, {"held_on": "yesterday"}, {"reserve_percent": "1e400"}, {"reserve_percent": True},
        {"date": "2025-02-30"}, {"total_assets": "NaN"}, {"votes_for": -1}, {"decision_method": 7}, {"title": "x" * 10000}]


def test_junk_bodies_never_make_a_500(api, cooperative, manager):
    shu_samples.prepared(cooperative, actor=manager)
    meeting = MeetingFactory(cooperative=cooperative, book_year=2023, status="draft", held_on=None, date=TODAY + datetime.timedelta(days=40))
    paths = [base(cooperative)] + [f"{base(cooperative)}{meeting.pk}/{name}" for name in ("invite/", "held/", "publish/", "report/", "attendance/")]
    paths += [shu(cooperative, name) for name in ("prepare/", "approve/", "volumes/")]
    for path in paths:
        for body in JUNK:
            response = post(api, path, body)
            assert response.status_code < 500, (path, body, response.status_code)
        response = api.post(path, "{not json", content_type="application/json", headers=EN)
        assert response.status_code == 400, path
        response = api.post(path, "a=b", content_type="text/plain", headers=EN)
        assert response.status_code in (400, 415), path
    for path in (shu(cooperative, "post/"), shu(cooperative, "credit/")):
        for number, body in enumerate(JUNK):
            assert post(api, path, body, key=f"junk-{number}").status_code < 500, (path, body)
    for body in JUNK:
        response = patch(api, f"{base(cooperative)}{meeting.pk}/", body)
        assert response.status_code < 500, body


# --- the member's own ----------------------------------------------------------------------------

def test_my_meetings_and_my_shu(client, cooperative, other_cooperative, manager, make_user):
    from tests.factories import UserFactory

    user = UserFactory()
    shu_samples.posted(cooperative, actor=manager, user=user)
    MemberFactory(cooperative=other_cooperative, user=user)
    invited = MeetingFactory(cooperative=cooperative, book_year=2026, status="invited", held_on=None, date=TODAY + datetime.timedelta(days=10))
    MeetingFactory(cooperative=cooperative, book_year=2023, status="draft", held_on=None, date=TODAY + datetime.timedelta(days=12))
    published = MeetingFactory(cooperative=other_cooperative, book_year=2025, status="minutes_published")
    MeetingFactory(cooperative=CooperativeFactory_(), book_year=2025, status="minutes_published")  # not theirs
    client.force_login(user)
    rows = get(client, "/api/v1/me/meetings/").json()["results"]
    assert sorted((r["id"], r["what"]) for r in rows) == sorted([(invited.pk, "invitation"), (published.pk, "minutes")])
    rows = get(client, "/api/v1/me/shu/").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["cooperative"]["slug"] == cooperative.slug and row["book_year"] == YEAR and row["total"] == "60000.00"
    assert (row["savings"], row["total_savings"], row["volume"], row["total_volume"]) == ("500000.00", "10000000.00", "1000000.00", "15000000.00")
    assert row["credited"] is False and row["receipt_number"] == ""
    with scope(cooperative=cooperative):
        distribution = ShuDistribution.objects.get()
    shu_services.shu_credit_to_savings(actor=manager, distribution=distribution, date=D(2025, 3, 21))
    row = get(client, "/api/v1/me/shu/").json()["results"][0]
    assert row["credited"] is True and row["credited_on"] == "2025-03-21" and row["receipt_number"].startswith("SMP-2025-")
    client.logout()
    assert get(client, "/api/v1/me/shu/").status_code in (401, 403)


def CooperativeFactory_():  # noqa: N802
    from tests.factories import CooperativeFactory

    return CooperativeFactory()
