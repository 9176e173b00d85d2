"""Open data: the city's aggregate indicators for a book year, by kecamatan and by jenis, safe to
publish without a login (issue 6, item 6).

Statistical disclosure control, so that no published cell says something about a handful of
members or cooperatives:

1. Primary suppression. A count of cooperatives or members from 1 to 4 is suppressed (0 is
   published: it describes nobody). Money figures of a row are suppressed together when the row
   holds 1–4 cooperatives or 1–4 members: a sum over so few would show their own books.
2. Secondary suppression. The table has additive relations: every column of a breakdown sums
   to the city's total; within a row, registered = active + inactive, members = men + women,
   total assets = own + outside capital. While any suppressed cell can still be worked out
   exactly from the published cells through those relations (checked by exact Gaussian
   elimination over the suppressed cells, `determined_cells`), one more cell of a relation that
   reveals it is suppressed: preferably the smallest one counting at least 5, else the smallest
   non-zero one, else a zero, and the city's total only when nothing else is left. The kecamatan and the jenis tables share the city's totals,
   so they are protected together.

Suppressed cells are published as null with their field names in the row's `suppressed` list;
the page shows "—" with an explanation. `distinct_persons` (people counted once however many
cooperatives they belong to) does not add up across rows, so it only has primary suppression.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from . import selectors

THRESHOLD = 5

COOPERATIVE_COUNTS = ["registered", "active", "inactive", "rat_held", "rat_overdue"]
MEMBER_COUNTS = ["members_men", "members_women", "members_total", "distinct_persons"]
MONEY = ["total_savings", "total_assets", "own_capital", "outside_capital", "business_volume", "shu"]
FIELDS = COOPERATIVE_COUNTS + MEMBER_COUNTS + MONEY
ADDITIVE_COLUMNS = [f for f in FIELDS if f != "distinct_persons"]
ROW_RELATIONS = [  # (whole, parts)
    ("registered", ("active", "inactive")),
    ("members_total", ("members_men", "members_women")),
    ("total_assets", ("own_capital", "outside_capital")),
]
TOTAL = "total"


@dataclass
class Row:
    key: str
    label: str
    values: dict
    suppressed: set = field(default_factory=set)

    def published(self) -> dict:
        return {name: (None if name in self.suppressed else self.values.get(name)) for name in FIELDS}


@dataclass
class OpenData:
    year: int | None
    years: list
    message: str
    total: Row | None
    by_kecamatan: list
    by_kind: list


def _values(indicators) -> dict:
    return {name: getattr(indicators, name) for name in FIELDS}


def _small(value) -> bool:
    return value is not None and 0 < value < THRESHOLD


def _primary(row: Row):
    for name in COOPERATIVE_COUNTS + MEMBER_COUNTS:
        if _small(row.values.get(name)):
            row.suppressed.add(name)
    if _small(row.values.get("registered")) or _small(row.values.get("members_total")):
        row.suppressed.update(MONEY)


def _relations(tables: dict[str, list[Row]], total: Row):
    """Every additive relation as a list of (row, field, coefficient) summing to zero."""
    relations = []
    for rows in tables.values():
        for name in ADDITIVE_COLUMNS:
            relations.append([(total, name, 1)] + [(row, name, -1) for row in rows])
    for row in [total, *[r for rows in tables.values() for r in rows]]:
        for whole, parts in ROW_RELATIONS:
            relations.append([(row, whole, 1)] + [(row, part, -1) for part in parts])
    return relations


def determined_cells(tables: dict[str, list[Row]], total: Row) -> list[tuple[Row, str]]:
    """Suppressed cells whose value follows exactly from the published ones through the additive
    relations: the unit vector of such a cell lies in the span of the relations restricted to
    the suppressed cells (reduced row echelon form over the rationals)."""
    relations = _relations(tables, total)
    unknowns, index = [], {}
    for relation in relations:
        for row, name, _coefficient in relation:
            if name in row.suppressed and (id(row), name) not in index:
                index[(id(row), name)] = len(unknowns)
                unknowns.append((row, name))
    if not unknowns:
        return []
    matrix = []
    for relation in relations:
        vector = [Fraction(0)] * len(unknowns)
        used = False
        for row, name, coefficient in relation:
            position = index.get((id(row), name))
            if position is not None:
                vector[position] += coefficient
                used = True
        if used:
            matrix.append(vector)
    # reduced row echelon form
    pivot_row = 0
    pivots = []
    for column in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row])]
        pivots.append((pivot_row, column))
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    determined = []
    for r, column in pivots:
        if all(value == 0 for c, value in enumerate(matrix[r]) if c != column):
            determined.append(unknowns[column])
    return determined


def _choose_partner(candidates):
    """The cell to hide next among (row, name) candidates that are still published."""
    def value(cell):
        return cell[0].values.get(cell[1]) or 0

    inner = [c for c in candidates if c[0].key != TOTAL]
    totals = [c for c in candidates if c[0].key == TOTAL]
    for pool in ([c for c in inner if value(c) >= THRESHOLD], [c for c in inner if value(c) > 0], inner, totals):
        if pool:
            return min(pool, key=lambda c: (value(c), c[0].key, c[1]))
    return None


def protect(tables: dict[str, list[Row]], total: Row) -> None:
    """Primary and secondary suppression, in place, for tables sharing one total row."""
    for row in [total, *[r for rows in tables.values() for r in rows]]:
        _primary(row)
    relations = _relations(tables, total)
    for _round in range(10_000):  # each round hides one more cell, so this ends
        exposed = determined_cells(tables, total)
        if not exposed:
            return
        if not _hide_partner(exposed, relations):
            break
    # Not expected to happen; should it, nothing is published rather than something revealing.
    for row in [total, *[r for rows in tables.values() for r in rows]]:
        row.suppressed.update(FIELDS)


def _hide_partner(exposed, relations) -> bool:
    """Hide one more published cell: first in a relation with exactly one hidden cell (which it
    reveals directly), else in a relation that holds an exposed cell (revealed through a chain)."""
    for relation in relations:
        hidden = [(r, n) for r, n, _c in relation if n in r.suppressed]
        if len(hidden) == 1:
            partner = _choose_partner([(r, n) for r, n, _c in relation if n not in r.suppressed])
            if partner is not None:
                partner[0].suppressed.add(partner[1])
                return True
    for row, name in exposed:
        holding = [relation for relation in relations if any(r is row and n == name for r, n, _c in relation)]
        # the relation that reveals it most directly first: the one with the fewest hidden cells
        holding.sort(key=lambda relation: sum(1 for r, n, _c in relation if n in r.suppressed))
        for relation in holding:
            partner = _choose_partner([(r, n) for r, n, _c in relation if n not in r.suppressed])
            if partner is not None:
                partner[0].suppressed.add(partner[1])
                return True
    return False


def _row(key, label, indicators) -> Row:
    return Row(key=str(key), label=str(label), values=_values(indicators))


def open_data(year: int | None) -> OpenData:
    years = list(selectors.available_years())
    if year is None:
        year = selectors.default_year()
    if year not in years:
        return OpenData(year, years, _("There are no figures for book year %(year)s.") % {"year": year}, None, [], [])
    total = Row(key=TOTAL, label=_("City total"), values=_values(selectors.indicators(year)))
    tables = {
        "kecamatan": [_row(r.key, r.label, r.indicators) for r in selectors.breakdown(year, "kecamatan")],
        "kind": [_row(r.key, r.label, r.indicators) for r in selectors.breakdown(year, "kind")],
    }
    protect(tables, total)
    return OpenData(year, years, "", total, tables["kecamatan"], tables["kind"])


def as_json(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value
