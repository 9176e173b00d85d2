"""RAT history (meetings.Meeting, source "recorded") for newly seeded cooperatives.

Which book years have a RAT is decided in the cooperative plan (it fixes the city's active and
"RAT last year" counts); here each gets its dates: held within the months after the year end,
mostly before the cooperative's own deadline, a few late; reported to the city mostly days or
weeks later, sometimes never. Nothing is dated after today.
"""

from datetime import timedelta

from cooperatives.book_years import book_year_end
from meetings.models import Meeting, MeetingKind, MeetingStatus

from .context import BOOK_YEAR_END_MONTH, SeedContext


def meeting_dates(rng, *, book_year: int, deadline_months: int, today):
    """(held_on, reported_on or None) for the RAT of one book year."""
    year_end = book_year_end(book_year, BOOK_YEAR_END_MONTH)
    deadline_days = deadline_months * 30
    if rng.random() < 0.88:
        offset = rng.randint(min(20, deadline_days), deadline_days)
    else:  # late: after the AD/ART deadline, still within the next book year
        offset = rng.randint(deadline_days + 1, min(deadline_days + 150, 360))
    held_on = year_end + timedelta(days=offset)
    if held_on > today:
        held_on = year_end + timedelta(days=rng.randint(1, max((today - year_end).days, 1)))
    reported_on = None
    if rng.random() < 0.8:
        reported_on = held_on + timedelta(days=rng.randint(3, 45))
        if reported_on > today:
            reported_on = None
    return held_on, reported_on


def seed_batch(ctx: SeedContext, batch) -> None:
    rows = []
    for item in batch:
        rng = ctx.rng("meetings", item.plan.slug)
        for book_year in item.plan.rat_years:
            held_on, reported_on = meeting_dates(
                rng, book_year=book_year, deadline_months=item.plan.rat_deadline_months, today=ctx.today
            )
            rows.append(
                Meeting(
                    cooperative_id=item.cooperative.pk, kind=MeetingKind.RAT, book_year=book_year, date=held_on,
                    held_on=held_on, reported_on=reported_on, source=Meeting.Source.RECORDED,
                    status=MeetingStatus.REPORTED if reported_on else MeetingStatus.HELD,
                )
            )
    Meeting.objects.bulk_create(rows, batch_size=2000)
    ctx.count("annual_meetings", len(rows))
