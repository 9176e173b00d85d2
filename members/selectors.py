from django.db.models import CharField, Count, Max, Min, Q, Value

from cooperatives import access
from cooperatives.tenancy import scoped

from .models import Member, MemberStatus


def active_memberships_of_user(user):
    """(cooperative_id, "member") for each active membership of the user, as a QuerySet that
    cooperatives.access reads in one UNION with the role assignments.

    Called by cooperatives.access with scopes disabled; filtered by the user, so it only
    reveals the user's own memberships.
    """
    return (
        Member.objects.filter(user=user, status=MemberStatus.ACTIVE).order_by()
        .values_list("cooperative_id", Value(access.MEMBER, output_field=CharField(max_length=20)))
    )


def member_list(*, cooperative, search: str = "", status: str = "", year: int | None = None):
    """The register, by number: search by name, member number, phone (typed 0812…, 62812…
    or +62812…) or a whole NIK KTP, filter by status and year joined."""
    members = Member.objects.filter(cooperative=cooperative)
    if status in MemberStatus.values:
        members = members.filter(status=status)
    if year:
        members = members.filter(joined_on__year=year)
    search = " ".join((search or "").split())
    if search:
        condition = Q(full_name__icontains=search) | Q(number__icontains=search)
        if len(search) == 16 and search.isdigit():
            # a whole NIK KTP: encrypted at rest, so found by its keyed hash, never by a part of it
            from .nik import nik_hash

            condition |= Q(nik_hash=nik_hash(search))
        digits = "".join(ch for ch in search if ch.isdigit())
        if digits and not any(ch.isalpha() for ch in search):
            # phones are stored +62812…: what people type (0812…, 62812…, +62812…) is its start;
            # other digits (a part of the number) are looked for anywhere in it
            if search.startswith(("0", "62", "+62")) and len(digits) >= 3:
                national = digits[1:] if digits.startswith("0") else digits[2:]
                condition |= Q(phone__startswith="+62" + national)
            elif len(digits) >= 4:
                condition |= Q(phone__contains=digits)
        members = members.filter(condition)
    return members.order_by("number")


@scoped
def member_by_number(*, cooperative, number: str):
    """One register row with its kelurahan and kecamatan, or None."""
    return (
        Member.objects.filter(cooperative=cooperative, number=number)
        .select_related("kelurahan__kecamatan", "user")
        .first()
    )


def member_register(*, cooperative, search: str = "", status: str = "", year: int | None = None):
    """The register for an export (buku daftar anggota): every field, kelurahan included."""
    return member_list(cooperative=cooperative, search=search, status=status, year=year).select_related("kelurahan")


@scoped
def member_import_context(*, cooperative) -> dict:
    """What an import checks its rows against, read in three queries whatever the file's size:
    every member of the register, and which (member, savings type) already have transactions."""
    from .models import SavingsTransaction

    members = list(Member.objects.filter(cooperative=cooperative).select_related("kelurahan"))
    with_savings = set(
        SavingsTransaction.objects.filter(cooperative=cooperative).values_list("member_id", "savings_type").distinct()
    )
    return {"members": members, "with_savings": with_savings}


def member_counts(*, cooperative) -> dict:
    return Member.objects.filter(cooperative=cooperative).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=MemberStatus.ACTIVE)),
        left=Count("id", filter=Q(status=MemberStatus.LEFT)),
        men=Count("id", filter=Q(status=MemberStatus.ACTIVE, gender="L")),
        women=Count("id", filter=Q(status=MemberStatus.ACTIVE, gender="P")),
        first_joined=Min("joined_on"),
        last_joined=Max("joined_on"),
    )


def join_years(counts) -> list[int]:
    """The year filter's choices from member_counts (no query): newest first, every year from
    the first member's to the last one's."""
    if not counts.get("first_joined"):
        return []
    return list(range(counts["last_joined"].year, counts["first_joined"].year - 1, -1))


def membership_of_user(*, cooperative, user):
    """The user's own register row in this cooperative, or None."""
    return Member.objects.filter(cooperative=cooperative, user=user).first()


def memberships_of_user(user):
    """The user's own member-register rows, across cooperatives, for "Koperasi saya"."""
    from django_scopes import scopes_disabled

    with scopes_disabled():
        return list(
            Member.objects.filter(user=user).select_related("cooperative", "cooperative__kelurahan").order_by("cooperative__name")
        )
