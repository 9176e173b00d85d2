"""Everything the portal holds about one person, for them to download (UU 27/2022: the right to
access one's personal data) — as JSON (machine-readable, for moving it elsewhere) and as a PDF
(WeasyPrint, offline like members/statements.py).

Found from the logged-in user, never from a URL: their login, and for each cooperative whose
register links them (active or left) the register row, consent, savings balances and every
transaction, SHU, meetings attended, deletion requests, and who viewed or downloaded their data
(the audit trail's events about their register row). Each download is recorded in every one of
those cooperatives' audit trails ("member.data_export").

The RAT app (meetings) sits above members in the import chain: it adds its sections (SHU,
meetings attended) with `register_section` from its AppConfig.ready().
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from django_scopes import scopes_disabled

from portal.audit import action_label, audit_record
from users.phone import display_phone

from .models import Member, SavingsBalance, SavingsTransaction, SavingsType

FORMAT = "portal-koperasi/personal-data/1"
FORMATS = ("json", "pdf")
PDF_TEMPLATE = "members/personal_data_print.html"
CONTENT_TYPES = {"json": "application/json", "pdf": "application/pdf"}

_sections = []


def register_section(key: str, title, source, columns):
    """`source(member)` returns a list of flat dicts for that membership (at most a couple of
    queries); shown under `title` (lazy text) as a table of `columns` [(row key, lazy label)] in
    the PDF, and under `key` in the JSON."""
    if key not in {entry[0] for entry in _sections}:
        _sections.append((key, title, source, columns))


@dataclass
class Section:
    key: str
    title: str
    rows: list
    columns: list = field(default_factory=list)

    @property
    def headers(self):
        return [str(label) for _key, label in self.columns]

    @property
    def cells(self):
        return [[_shown(row.get(key)) for key, _label in self.columns] for row in self.rows]


def _shown(value) -> str:
    """A value as the PDF prints it: Rupiah, Indonesian dates, "–" for nothing."""
    from portal.formatting import format_date, format_datetime, format_rupiah

    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format_rupiah(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


@dataclass
class MembershipData:
    member: Member
    profile: list  # (key, label, value)
    consent: dict
    balances: dict
    transactions: list
    sections: list
    deletion_requests: list
    access_log: list


@dataclass
class PersonalData:
    generated_at: datetime
    login: dict | None
    memberships: list = field(default_factory=list)

    def filename(self, fmt) -> str:
        return f"data-pribadi-{timezone.localtime(self.generated_at):%Y%m%d-%H%M}.{fmt}"


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _profile(member) -> list:
    """(key, label, value as in the JSON, value as printed): codes in the JSON, labels in the PDF."""
    def coded(value, display):
        return (value, display if value else "–")

    rows = [
        ("number", _("Member number"), member.number),
        ("full_name", _("Full name"), member.full_name),
        ("nik_ktp", _("NIK KTP"), member.nik_ktp),
        ("phone", _("Phone number"), (member.phone, display_phone(member.phone) or "–")),
        ("gender", _("Gender"), coded(member.gender, member.get_gender_display())),
        ("place_of_birth", _("Place of birth"), member.place_of_birth),
        ("date_of_birth", _("Date of birth"), member.date_of_birth),
        ("occupation", _("Occupation"), member.occupation),
        ("address", _("Address"), member.address),
        ("kelurahan", _("Kelurahan"), member.kelurahan.name if member.kelurahan_id else ""),
        ("joined_on", _("Date joined"), member.joined_on),
        ("status", _("Status"), coded(member.status, member.get_status_display())),
        ("left_on", _("Date left"), member.left_on),
        ("left_reason", _("Reason for leaving"), coded(member.left_reason, member.get_left_reason_display())),
        ("left_note", _("Note on leaving"), member.left_note),
    ]
    return [(key, label, *(value if isinstance(value, tuple) else (value, _shown(value)))) for key, label, value in rows]


def _access_log(member) -> list:
    """Who looked at, downloaded or changed this register row, newest first, and the downloads
    of the whole register since the member joined (their row was in it, unless filtered out;
    the filters are shown). The actor's name: the member may know who processed their data."""
    from django.db.models import Q

    from portal.models import AuditEvent

    about_row = Q(object_type=Member._meta.label_lower, object_id=str(member.pk))
    whole_register = Q(action="member.export", at__date__gte=member.joined_on)
    events = (AuditEvent.objects.filter(about_row | whole_register, cooperative_id=member.cooperative_id)
              .select_related("actor").order_by("-at", "-id")[:500])
    rows = []
    for e in events:
        label = action_label(e.action)
        filters = (e.changes or {}).get("filters")
        if e.action == "member.export" and isinstance(filters, list) and filters[-1]:
            label = f"{label} ({', '.join(f'{k}: {v}' for k, v in filters[-1].items())})"
        rows.append({"at": e.at, "action": e.action, "label": label,
                     "by": (e.actor.full_name or _("(login without a name)")) if e.actor_id else _("the portal")})
    return rows


def personal_data_build(*, user) -> PersonalData:
    """Everything about `user`: a handful of queries per membership. Cross-cooperative reads
    (scopes disabled) are filtered by the user, so they only ever reach their own rows."""
    from .models import DeletionRequest

    login = None
    if getattr(user, "is_authenticated", False):
        login = {"full_name": user.full_name, "phone": user.phone or "", "email": user.email or "",
                 "date_joined": user.date_joined, "last_login": user.last_login}
    data = PersonalData(generated_at=timezone.now(), login=login)
    if login is None:
        return data
    with scopes_disabled():
        members = list(Member.objects.filter(user=user).select_related("cooperative", "kelurahan").order_by("cooperative__name", "pk"))
        for member in members:
            balances = {t: Decimal("0.00") for t in SavingsType.values}
            for row in SavingsBalance.objects.filter(member=member).values("savings_type", "balance"):
                balances[row["savings_type"]] = row["balance"]
            transactions = [
                {"number": t.number, "date": t.date, "savings_type": t.savings_type, "direction": t.direction, "kind": t.kind,
                 "amount": t.amount, "period": t.period, "description": t.description, "balance_after": t.balance_after}
                for t in SavingsTransaction.objects.filter(member=member).order_by("date", "id")
            ]
            sections = [Section(key, str(title), source(member), columns) for key, title, source, columns in _sections]
            requests = [
                {"requested_at": r.created_at, "reason": r.reason, "status": r.status, "status_label": r.get_status_display(),
                 "decided_at": r.decided_at, "decision_note": r.decision_note}
                for r in DeletionRequest.objects.filter(member=member).order_by("-created_at")
            ]
            data.memberships.append(MembershipData(
                member=member, profile=_profile(member),
                consent={"given_at": member.consent_at, "version": member.consent_version},
                balances=balances, transactions=transactions, sections=sections, deletion_requests=requests,
                access_log=_access_log(member),
            ))
    return data


def as_json(data: PersonalData) -> dict:
    def plain_rows(rows):
        return [{k: _plain(v) for k, v in row.items()} for row in rows]

    return {
        "format": FORMAT,
        "generated_at": _plain(data.generated_at),
        "login": {k: _plain(v) for k, v in data.login.items()} if data.login else None,
        "memberships": [
            {
                "cooperative": {"slug": m.member.cooperative.slug, "name": m.member.cooperative.name},
                "member": {key: _plain(value) for key, _label, value, _shown_value in m.profile},
                "consent": {k: _plain(v) for k, v in m.consent.items()},
                "savings": {"balances": {k: _plain(v) for k, v in m.balances.items()}, "transactions": plain_rows(m.transactions)},
                **{s.key: plain_rows(s.rows) for s in m.sections},
                "deletion_requests": plain_rows(m.deletion_requests),
                "access_log": plain_rows(m.access_log),
            }
            for m in data.memberships
        ],
    }


def render_json(data: PersonalData) -> bytes:
    import json

    return json.dumps(as_json(data), ensure_ascii=False, indent=2).encode("utf-8")


def render_pdf(data: PersonalData, *, request=None) -> bytes:
    from weasyprint import HTML

    from ledger.exports.pdf import OfflineURLFetcher

    html = render_to_string(PDF_TEMPLATE, {"data": data, "savings_labels": dict(SavingsType.choices)}, request=request)
    return HTML(string=html, base_url=None, url_fetcher=OfflineURLFetcher()).write_pdf()


@transaction.atomic
def personal_data_record_export(*, actor, data: PersonalData, fmt: str, via: str = "page"):
    """The person downloaded all their data: recorded in the audit trail of every cooperative
    it came from (each is the controller of its part)."""
    for m in data.memberships:
        audit_record(actor=actor, action="member.data_export", cooperative=m.member.cooperative, obj=m.member,
                     changes={"format": [None, fmt], "via": [None, via], "by": [None, "member"]})


def personal_data_export(*, user, fmt: str, via: str = "page", request=None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of all of `user`'s data in `fmt` (json or pdf), audited."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = personal_data_build(user=user)
    content = render_json(data) if fmt == "json" else render_pdf(data, request=request)
    personal_data_record_export(actor=user, data=data, fmt=fmt, via=via)
    return content, CONTENT_TYPES[fmt], slugify(data.filename(fmt).rsplit(".", 1)[0]) + "." + fmt
