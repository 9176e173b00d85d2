"""No city page, download or API answer contains a member's name, NIK, phone or balance (issue 6,
"Done when"; DESIGN.md §1).

The test seeds a small city whose members have distinctive names, NIKs, phone numbers and
savings balances, then, as city staff, as city admin and anonymously:

1. walks the URL resolver for every route under /kota/, /data-terbuka/, /api/v1/city/ and
   /api/v1/public/ — so pages added later are picked up without touching this file — and fills
   each route's arguments from `samples()` (a route with an argument name it does not know fails
   the test: add a sample);
2. follows every link those answers contain that stays in the city's space (pages, filters,
   sorts, pagination, XLSX/CSV downloads, the API's `next`), a bounded number per address;
3. reads every answer the way a person would get it — HTML as text, JSON, XLSX cells (numbers
   compared as amounts), CSV, PDF bytes — and asserts that none of the members' data is in it;
4. asserts that every route answered 200 (or 405 for POST-only actions) at least once, so a new
   page cannot pass by answering only 404.
"""

import html
import io
import json
import re
from collections import Counter, deque
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django_scopes import scope

from city.figures import rebuild_figures
from cooperatives import invitations, services
from cooperatives.models import Kelurahan
from meetings import documents
from members.savings import savings_deposit
from members.validators import mask_nik
from tests.factories import CityRoleFactory, MeetingFactory, MemberFactory, RoleAssignmentFactory, UserFactory
from tests.meetings.test_documents import media, pdf_bytes  # noqa: F401 (media is a fixture)

pytestmark = pytest.mark.django_db

CITY_PREFIXES = ("kota/", "data-terbuka/", "api/v1/city/", "api/v1/public/")
FOLLOW = tuple("/" + prefix for prefix in CITY_PREFIXES)
MAX_PER_SHAPE = 3  # visits per path and set of query parameter names (sorts, pages, filters)
MAX_FETCHES = 400  # per client

# Members: (cooperative index, full name, NIK KTP, phone, sukarela deposits). Every name carries a
# made-up word found nowhere else; every balance has cents no aggregate shares.
MEMBERS = [
    (0, "Zubaidah Qorniawati", "3272015508850123", "+6281398765432", ["3141592.65"]),
    (0, "Yohanes Vexlerianto", "3272011208870456", "+6285277001122", ["2718281.83"]),
    (0, "Wulan Xanthorrea", "3272014705900789", "+6287812340987", ["1414213.56"]),
    (1, "Sutisna Jibrilova", "3272021102800321", "+6281122334455", ["1732050.81"]),
    (1, "Raden Wolkenstein", "3272031503750654", "+6289900112233", ["2236067.98"]),
    (2, "Kokom Kvothesari", "3272046101950987", "+6282211998877", ["1618033.99"]),
    (2, "Iyus Brumbleputra", "3272050906820147", "+6281299887766", ["2645751.31"]),
    # the same person (same NIK, phone, name) is also a member of the first cooperative
    (0, "Iyus Brumbleputra", "3272050906820147", "+6281299887766", ["1234567.89"]),
]
COOPERATIVES = [  # name, kelurahan, kind
    ("Koperasi Simpan Pinjam Sauyunan", "Nyomplong", "simpan_pinjam"),
    ("Koperasi Konsumen Warga Mandiri", "Cikole", "konsumen"),
    ("Koperasi Jasa Bina Usaha", "Baros", "jasa"),
]


def _phone_forms(e164):
    national = "0" + e164[3:]
    return {e164, e164[1:], national, f"{national[:4]}-{national[4:8]}-{national[8:]}",
            f"{national[:4]} {national[4:8]} {national[8:]}", e164[3:]}


def _amount_forms(amount: Decimal):
    whole, cents = f"{amount:.2f}".split(".")
    grouped_dot = f"{int(whole):,}".replace(",", ".")
    return {f"{whole}.{cents}", f"{whole},{cents}", f"{grouped_dot},{cents}", f"{int(whole):,}.{cents}"}


class Needles:
    """Every way a member's data could be written."""

    def __init__(self, members):
        self.text = {}  # lowercased needle → what it is
        self.amounts = {}
        for member, balances in members:
            label = f"{member.full_name} ({member.cooperative.slug})"
            self.text[member.full_name.lower()] = f"name of {label}"
            self.text[member.full_name.split()[-1].lower()] = f"surname of {label}"
            self.text[member.nik_ktp] = f"NIK of {label}"
            self.text[mask_nik(member.nik_ktp).lower()] = f"masked NIK of {label}"
            for form in _phone_forms(member.phone):
                self.text[form.lower()] = f"phone of {label}"
            for amount in balances:
                self.amounts[amount] = f"balance of {label}"
                for form in _amount_forms(amount):
                    self.text[form.lower()] = f"balance {amount} of {label}"

    def find_in_text(self, text):
        lowered = html.unescape(text).lower()
        return [what for needle, what in self.text.items() if needle in lowered]

    def find_amount(self, value):
        try:
            amount = Decimal(str(value)).quantize(Decimal("0.01"))
        except Exception:
            return []
        return [what for known, what in self.amounts.items() if known == amount]


def _xlsx_findings(content, needles):
    from openpyxl import load_workbook

    found = []
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is None:
                    continue
                if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    found += needles.find_amount(value)
                found += needles.find_in_text(str(value))
    return found


def _pdf_text(content):
    """The PDF's bytes plus its inflated streams (enough for the plain text of the papers here)."""
    import zlib

    parts = [content.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            pass
    return "\n".join(parts)


def findings(response, needles):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type or content[:2] == b"PK":
        return _xlsx_findings(content, needles)
    if "pdf" in content_type or content[:5] == b"%PDF-":
        return needles.find_in_text(_pdf_text(content))
    text = content.decode("utf-8-sig", errors="replace")
    found = needles.find_in_text(text)
    if "json" in content_type:
        found += needles.find_in_text(json.dumps(json.loads(text), ensure_ascii=False))
        for value in re.findall(r'"(-?\d+\.\d{2})"', text):
            found += needles.find_amount(value)
    return found


# --- the city ------------------------------------------------------------------------------------

@pytest.fixture
def city(media):  # noqa: F811
    from ledger import services as ledger_services

    admin_of_registry = UserFactory(full_name="Petugas Registrasi")
    cooperatives = []
    for name, kelurahan_name, kind in COOPERATIVES:
        kelurahan = Kelurahan.objects.get(name=kelurahan_name)
        cooperative = services.cooperative_create(
            actor=admin_of_registry, name=name, slug=name.lower().replace(" ", "-")[:60], kind=kind,
            kecamatan=kelurahan.kecamatan, kelurahan=kelurahan, legal_entity_number=f"{len(cooperatives) + 1}/BH/2015",
            founded_on=date(2015, 3, 1))
        ledger_services.chart_apply_template(cooperative=cooperative)
        cooperatives.append(cooperative)
    managers = [RoleAssignmentFactory(cooperative=c, role="manager", user=UserFactory(full_name=f"Pengurus {i}")).user
                for i, c in enumerate(cooperatives)]
    members = []
    for index, full_name, nik, phone, deposits in MEMBERS:
        cooperative = cooperatives[index]
        member = MemberFactory(cooperative=cooperative, full_name=full_name, nik_ktp=nik, phone=phone,
                               gender="P" if nik[6] in "4567" else "L", joined_on=date(2024, 2, 1))
        balances = []
        for amount in deposits:
            savings_deposit(actor=managers[index], member=member, savings_type="sukarela", amount=Decimal(amount),
                            date=date(2025, 5, 2))
            balances.append(Decimal(amount))
        members.append((member, balances))
    # a RAT reported to the city with a paper the city may see and one that names members
    meeting = MeetingFactory(cooperative=cooperatives[0], book_year=2025, status="reported", reported_on=date(2026, 4, 2))
    statements = documents.document_upload(
        actor=managers[0], meeting=meeting, kind="financial_statements",
        file=SimpleUploadedFile("laporan-keuangan.pdf", pdf_bytes(body=b"BT (Neraca 2025) Tj ET")))
    names = " ".join(m.full_name for m, _b in members[:3]).encode()
    sheet = documents.document_upload(
        actor=managers[0], meeting=meeting, kind="attendance_sheet",
        file=SimpleUploadedFile("daftar-hadir.pdf", pdf_bytes(body=b"BT (" + names + b") Tj ET")))
    MeetingFactory(cooperative=cooperatives[1], book_year=2024)
    invitation = invitations.role_invitation_create(actor=admin_of_registry, cooperative=cooperatives[2],
                                                    full_name="Calon Ketua Baru", phone="085600001111").invitation
    rebuild_figures()
    return {"cooperatives": cooperatives, "members": members, "meeting": meeting, "documents": [statements, sheet],
            "invitation": invitation}


def samples(city):
    """Values for every URL argument name a city route uses. A new argument name → add it here."""
    cooperatives = city["cooperatives"]
    return {
        "slug": [c.slug for c in cooperatives[:2]],
        "meeting_id": [city["meeting"].pk],
        "document_id": [d.pk for d in city["documents"]],
        "pk": [city["invitation"].pk],
        "by": ["kecamatan", "kelurahan", "jenis", "kind"],
        "fmt": ["xlsx", "csv"],
        "year": [2025],
    }


# --- walking the resolver and the links --------------------------------------------------------------

def city_routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return sorted({route for route in walk(get_resolver().url_patterns) if route.startswith(CITY_PREFIXES)})


ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def fill(route, values):
    names = [m.group("name") for m in ARGUMENT.finditer(route)]
    missing = [name for name in names if name not in values]
    assert not missing, f"{route}: no sample for {missing}; add one to samples() in {__name__}"
    paths = [route]
    for name in names:
        paths = [re.sub(r"<(?:\w+:)?" + name + ">", str(value), p, count=1) for p in paths for value in values[name]]
    return ["/" + p for p in paths]


def links(response):
    content_type = response.get("Content-Type", "")
    if response.streaming:
        return []
    text = response.content.decode("utf-8", errors="replace")
    found = []
    if "html" in content_type:
        found = [html.unescape(href) for href in re.findall(r'(?:href|action|hx-get)="([^"]+)"', text)]
    elif "json" in content_type:
        body = json.loads(text)
        if isinstance(body, dict):
            found = [body[key] for key in ("next", "previous") if isinstance(body.get(key), str)]
    result = []
    for link in found:
        parts = urlsplit(link)
        if parts.path.startswith(FOLLOW):
            result.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return result


def shape(url):
    parts = urlsplit(url)
    return parts.path, tuple(sorted({key for key, _v in parse_qsl(parts.query, keep_blank_values=True)}))


def crawl(client, start, needles):
    """Fetch `start` and the city links reachable from it; returns {url: status} and problems."""
    seen, per_shape, statuses, problems = set(), Counter(), {}, []
    queue = deque(start)
    while queue and len(seen) < MAX_FETCHES:
        url = queue.popleft()
        if url in seen or per_shape[shape(url)] >= MAX_PER_SHAPE:
            continue
        seen.add(url)
        per_shape[shape(url)] += 1
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
        statuses[url] = response.status_code
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        for what in findings(response, needles):
            problems.append(f"{url}: {what}")
        if response.status_code == 200:
            queue.extend(links(response))
    return statuses, problems


def test_the_seeded_members_really_hold_the_data_looked_for(city):
    """The needles are real: the member register and passbook of a manager do show them."""
    member, balances = city["members"][0]
    with scope(cooperative=member.cooperative):
        from members.models import SavingsBalance

        stored = SavingsBalance.objects.get(member=member, savings_type="sukarela").balance
    assert stored == balances[0]
    manager = UserFactory()
    RoleAssignmentFactory(cooperative=member.cooperative, role="manager", user=manager)
    client = Client()
    client.force_login(manager)
    page = client.get(f"/c/{member.cooperative.slug}/anggota/{member.number}/")
    needles = Needles(city["members"])
    found = findings(page, needles)
    assert any("name of" in f for f in found) and any("NIK of" in f for f in found) and any("phone of" in f for f in found)


def test_no_city_answer_contains_a_members_personal_data(city):
    needles = Needles(city["members"])
    routes = city_routes()
    assert {"kota/", "data-terbuka/", "api/v1/city/indicators/", "api/v1/city/cooperatives/",
            "api/v1/public/indicators/"} <= set(routes)
    values = samples(city)
    start = [path for route in routes for path in fill(route, values)]
    start += ["/api/v1/city/indicators/?year=2025", "/api/v1/city/cooperatives/?year=2025",
              "/api/v1/public/indicators/?year=2025", "/data-terbuka/?year=2025"]
    answered = {}
    problems = []
    for role in ("city_staff", "city_admin", None):
        client = Client()
        if role:
            client.force_login(CityRoleFactory(role=role).user)
        statuses, found = crawl(client, start, needles)
        problems += [f"[{role or 'anonymous'}] {p}" for p in found]
        for url, status in statuses.items():
            try:
                route = resolve(urlsplit(url).path).route
            except Resolver404:
                continue
            answered.setdefault(route, set()).add(status)
    assert not problems, "personal data in city answers:\n" + "\n".join(sorted(set(problems))[:50])
    unanswered = [route for route in routes if not answered.get(route, set()) & {200, 405}]
    assert not unanswered, f"routes never answered 200 (give them a sample that exists): {unanswered}"


def test_the_city_never_gets_the_attendance_sheet(city):
    client = Client()
    client.force_login(CityRoleFactory(role="city_admin").user)
    statements, sheet = city["documents"]
    base = f"/kota/koperasi/{city['meeting'].cooperative.slug}/rat/{city['meeting'].pk}/dokumen/"
    assert client.get(f"{base}{statements.pk}/unduh/").status_code == 200
    assert client.get(f"{base}{sheet.pk}/unduh/").status_code == 404
    # …while the needles would have found the names in it (staff's side: tests/city/test_city_documents.py)
    assert Needles(city["members"]).find_in_text(_pdf_text(sheet.file.open("rb").read()))
