from django.db.models import Count, Q

from cooperatives import access

from .models import Member, MemberStatus


def active_memberships_of_user(user):
    """(cooperative_id, "member") for each active membership of the user.

    Called by cooperatives.access with scopes disabled; filtered by the user, so it only
    reveals the user's own memberships.
    """
    for cooperative_id in Member.objects.filter(user=user, status=MemberStatus.ACTIVE).values_list("cooperative_id", flat=True):
        yield cooperative_id, access.MEMBER


def member_list(*, cooperative, search: str = "", status: str = ""):
    members = Member.objects.filter(cooperative=cooperative)
    if status in MemberStatus.values:
        members = members.filter(status=status)
    search = (search or "").strip()
    if search:
        condition = Q(full_name__icontains=search) | Q(number__icontains=search)
        digits = "".join(ch for ch in search if ch.isdigit())
        if len(digits) >= 4:
            # phones are stored +62812…: match what people type (0812…) by its tail
            condition |= Q(phone__contains=digits.lstrip("0"))
        members = members.filter(condition)
    return members.order_by("number")


def member_counts(*, cooperative) -> dict:
    return Member.objects.filter(cooperative=cooperative).aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=MemberStatus.ACTIVE)),
        left=Count("id", filter=Q(status=MemberStatus.LEFT)),
        men=Count("id", filter=Q(status=MemberStatus.ACTIVE, gender="L")),
        women=Count("id", filter=Q(status=MemberStatus.ACTIVE, gender="P")),
    )


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
