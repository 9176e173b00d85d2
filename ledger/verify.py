"""Checks that the books are whole: used by `manage.py ledger_verify` and by tests."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from cooperatives.tenancy import scoped

from .models import CLOSING_PERIOD, AccountBalance, EntryKind, EntryState, JournalEntry, JournalLine

ZERO = Decimal("0")


@scoped
def verify_books(*, cooperative) -> list[str]:
    """Every difference found, as sentences; an empty list means the books are whole.

    - each posted entry balances and has at least two lines;
    - the rollup equals the lines, per account and period;
    - numbers are unique and gapless per journal and book year.
    """
    problems = []
    unbalanced = (
        JournalEntry.objects.filter(state=EntryState.POSTED)
        .annotate(d=Sum("lines__debit"), c=Sum("lines__credit"), n=Count("lines"))
        .filter(Q(n__lt=2) | ~Q(d=F("c")))
        .values_list("number", "d", "c", "n")
    )
    for number, d, c, n in unbalanced:
        problems.append(f"entry {number} does not balance: debit {d}, credit {c}, {n} lines")

    expected = defaultdict(lambda: [ZERO, ZERO])
    rows = (
        JournalLine.objects.filter(entry__state=EntryState.POSTED)
        .values("account", "entry__kind", "entry__book_year", "date__year", "date__month")
        .annotate(d=Sum("debit"), c=Sum("credit")).order_by()
    )
    for row in rows:
        if row["entry__kind"] == EntryKind.CLOSING:
            key = (row["account"], row["entry__book_year"], CLOSING_PERIOD)
        else:
            key = (row["account"], row["date__year"], row["date__month"])
        expected[key][0] += row["d"]
        expected[key][1] += row["c"]
    stored = {
        (b.account_id, b.year, b.period): [b.debit_total, b.credit_total]
        for b in AccountBalance.objects.all()
    }
    for key in sorted(set(expected) | set(stored)):
        want = expected.get(key, [ZERO, ZERO])
        have = stored.get(key, [ZERO, ZERO])
        if want != have:
            problems.append(f"rollup of account {key[0]} {key[1]}/{key[2]}: stored D{have[0]} K{have[1]}, lines D{want[0]} K{want[1]}")

    numbers = defaultdict(list)
    for number in JournalEntry.objects.filter(state=EntryState.POSTED).values_list("number", flat=True):
        journal, year, sequence = number.rsplit("-", 2)
        numbers[(journal, year)].append(int(sequence))
    for (journal, year), sequences in sorted(numbers.items()):
        sequences.sort()
        if sequences != list(range(1, len(sequences) + 1)):
            missing = sorted(set(range(1, sequences[-1] + 1)) - set(sequences))[:10]
            problems.append(f"numbering {journal}-{year} has gaps or duplicates (missing {missing})")
    return problems

