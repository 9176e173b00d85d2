"""Books for the demo cooperatives (issue 3, item 10).

Every new demo cooperative gets its chart of accounts (the template of its kind, the rows
`ledger.services.chart_apply_template` writes). The active ones (a RAT in one of the last three
closed book years) also get three book years of plausible books, simulated month by month from
their own random stream and their member register:

- an opening entry at the start of the first year (or on the founding day, if later): cash, bank,
  loans to members (savings and loan) or inventory (consumer, producer…), fixed assets and their
  depreciation, simpanan pokok and wajib of the members who had joined by then, sukarela, funds,
  reserves, the previous year's undistributed SHU — balanced;
- every month: the simpanan wajib collection of the members active that month; simpanan pokok
  of each new member and the refund of all savings of each member who left; sukarela deposits and
  withdrawals of some members (savings-and-loan: interest credited to sukarela);
  the business (loan installments with member and non-member interest and new loans; shop
  purchases, sales to members and non-members with their cost; producers' and services' revenue
  and costs); salaries and administration; bank interest; cash moved to and from the bank;
- now and then a mistyped expense, its reversal and the corrected entry;
- each year end: depreciation, loan-loss allowance and income tax in the adjusting journal (JP);
- after each RAT in the period: the meeting's cost, the SHU shared out as the RAT decided
  (reserve 40 %, members 40 %, four funds 5 % each) and the members' part paid out, half in
  cash, half credited to their sukarela savings;
- past book years closed (closing entries in JT, year locked); the current year stays open.

Every movement of simpanan pokok, wajib and sukarela is also written to the members' subsidiary
ledger as `members.savings` would (`write_savings`): one SavingsTransaction per member and
movement pointing at its journal entry (a month's wajib collection is one entry for all members,
as `wajib_collect` posts it), receipt numbers per year, running and final balances.

Amounts are whole Rupiah, scaled by the number of members and the cooperative's own pokok and
wajib amounts. Everything goes through `ledger.bulk` (same rows as the services, no audit
events), so `manage.py ledger_verify` and `manage.py savings_verify` find no difference.
"""

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from cooperatives.models import Counter
from ledger import bulk
from ledger.models import Account, EntryKind, JournalType
from meetings.models import Meeting, MeetingKind
from members.models import Direction, SavingsBalance, SavingsTransaction, SavingsType, TransactionKind

from . import people
from .context import SeedContext
from .cooperatives import INACTIVE

BOOK_YEARS = 3  # the current book year and the two before it
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
CASH, BANK = "1-101", "1-102"
SHU_SHARES = (("3-105", 40), ("2-103", 5), ("2-104", 5), ("2-105", 5), ("2-106", 5))  # the rest (40 %) to members, 2-108
# members' savings (members.models.SavingsType) and their control accounts in the charts
POKOK, WAJIB, SUKARELA = SavingsType.POKOK.value, SavingsType.WAJIB.value, SavingsType.SUKARELA.value
CONTROL = {POKOK: "3-101", WAJIB: "3-102", SUKARELA: "2-101"}
DEPOSIT, WITHDRAWAL = Direction.DEPOSIT.value, Direction.WITHDRAWAL.value
WAJIB_MONTHS_CAP = 120  # accumulated wajib at the opening: at most ten years of it
COLLECTION_DAY = 5  # the monthly wajib collection (the members' meeting)
# Members in wajib arrears: the 3rd, 13th, 23rd… line of each register (numbers ending in 3) paid
# no wajib for the last 1 + (n // 10) % 6 months (the 3rd: one month, the 13th: two, …, the 53rd:
# six, the 63rd: one again). Never the demo member's own line.
ARREARS_EVERY, ARREARS_AT = 10, 3


def rupiah(amount, unit=1000) -> int:
    """Rounded to `unit` Rupiah, never negative."""
    return max(0, int(round(amount / unit)) * unit)


def month_day(year, month, day) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def months_between(earlier: date, later: date) -> int:
    return max(0, (later.year - earlier.year) * 12 + later.month - earlier.month)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def arrears_plan(register, today) -> dict:
    """{member id: the first month (month_index) whose wajib they have not paid} for the members
    in arrears; `register` in numbering order."""
    behind = {}
    for sequence, member in enumerate(register, start=1):
        if sequence % ARREARS_EVERY == ARREARS_AT and member.phone not in people.RESERVED_PHONES:
            behind[member.id] = month_index(today) - (1 + (sequence // ARREARS_EVERY) % 6) + 1
    return behind


class Books:
    """One cooperative's books as they are simulated: entries for ledger.bulk plus the running
    balance of each account (debit minus credit, whole Rupiah) to keep cash, bank, loans and
    stock from going negative and to know each year's SHU."""

    def __init__(self, cooperative_id, accounts, kinds, today):
        self.cooperative_id = cooperative_id
        self.accounts = accounts  # code → id
        self.kinds = kinds  # code → kind
        self.today = today
        self.entries = []
        self.code_lines = {}  # id(entry) → [(code, debit, credit)]
        self.balance = defaultdict(int)
        self.shu = defaultdict(int)  # book year → income − expense
        self.references = defaultdict(int)
        self.savings = defaultdict(int)  # (member pk, savings type) → balance: the subsidiary ledger
        self.savings_log = []  # (entry, member, type, direction, kind, amount, day, period, text)

    def post(self, day, description, lines, *, journal=JournalType.GENERAL, kind=EntryKind.REGULAR):
        """Post if dated up to today; zero lines are dropped. Returns the BulkEntry or None."""
        if day > self.today:
            return None
        lines = [(code, int(d), int(c)) for code, d, c in lines if d or c]
        if len(lines) < 2:
            return None
        assert sum(d for _c, d, _k in lines) == sum(c for _c, _d, c in lines), (description, lines)
        entry = bulk.BulkEntry(
            self.cooperative_id, day, description,
            [(self.accounts[code], Decimal(d), Decimal(c)) for code, d, c in lines],
            journal_type=journal, kind=kind, reference=self._reference(day, lines, journal),
        )
        self._apply(day, lines)
        self.entries.append(entry)
        self.code_lines[id(entry)] = lines
        return entry

    def post_savings(self, day, description, lines, movements, kind=EntryKind.REGULAR):
        """An entry that moves members' savings, with one subsidiary-ledger transaction per
        (member, type): `movements` are (member, type, signed amount, kind, text, period). The
        control-account lines must equal the movements."""
        entry = self.post(day, description, lines, kind=kind)
        if entry is None:
            return None
        per_type = defaultdict(int)
        for member, savings_type, amount, kind, text, period in movements:
            if not amount:
                continue
            per_type[savings_type] += amount
            self.savings[(member.id, savings_type)] += amount
            assert self.savings[(member.id, savings_type)] >= 0, (description, member.number)
            self.savings_log.append((entry, member, savings_type, DEPOSIT if amount > 0 else WITHDRAWAL, kind, abs(amount), day, period, text))
        for savings_type, code in CONTROL.items():
            assert per_type[savings_type] == sum(c - d for account, d, c in self.code_lines[id(entry)] if account == code), description
        return entry

    def reverse(self, original, day):
        if original is None or day > self.today:
            return None
        mirrored = [(code, c, d) for code, d, c in self.code_lines[id(original)]]
        # description and lines come from the original (ledger.bulk, like services.entry_reverse)
        entry = bulk.BulkEntry(self.cooperative_id, day, "", kind=EntryKind.REVERSAL, reverses=original)
        self._apply(day, mirrored)
        self.entries.append(entry)
        return entry

    def _apply(self, day, lines):
        for code, d, c in lines:
            self.balance[code] += d - c
            if self.kinds[code] in ("income", "expense"):
                self.shu[day.year] += c - d

    def _reference(self, day, lines, journal):
        """Nomor bukti: BKM (cash received), BKK (cash paid), BM (memorial)."""
        if journal != JournalType.GENERAL:
            prefix = "BM"
        elif any(code == CASH and d for code, d, _c in lines):
            prefix = "BKM"
        elif any(code == CASH and c for code, _d, c in lines):
            prefix = "BKK"
        else:
            prefix = "BM"
        self.references[(prefix, day.year, day.month)] += 1
        return f"{prefix}/{day.year}/{day.month:02d}/{self.references[(prefix, day.year, day.month)]:03d}"

    # cash and bank never go below zero: money is moved between them before a payment
    def ensure(self, day, account, amount, buffer=0):
        other = BANK if account == CASH else CASH
        short = amount + buffer - self.balance[account]
        if short > 0 and self.balance[other] > 0:
            move = min(rupiah(short + 999), self.balance[other])
            if account == CASH:
                self.post(day, "Pengambilan dana dari bank untuk kas", [(CASH, move, 0), (BANK, 0, move)])
            else:
                self.post(day, "Setoran kas ke rekening bank", [(BANK, move, 0), (CASH, 0, move)])
        return min(amount, max(self.balance[account], 0))


class Simulation:
    """The parameters one cooperative's books are drawn from (its own random stream)."""

    def __init__(self, rng, *, kind, pokok, wajib):
        self.rng, self.kind, self.pokok, self.wajib = rng, kind, pokok, wajib
        r = rng.uniform
        self.savings_and_loan = kind == "simpan_pinjam"
        self.shop = kind == "konsumen"
        self.sukarela_per_member = r(300_000, 1_500_000) if self.savings_and_loan else r(50_000, 400_000)
        self.loan_rate = r(0.010, 0.015)  # a month, flat on the outstanding principal
        self.loan_per_member = r(2_500_000, 8_000_000)
        self.non_member_share = r(0.05, 0.15)
        self.sales_per_member = r(150_000, 450_000)  # a month
        self.non_member_sales = r(0.15, 0.45)
        self.cost_ratio = r(0.80, 0.88)
        self.revenue_per_member = r(80_000, 300_000)
        self.cost_of_revenue = r(0.55, 0.72)
        self.salary_per_member = r(12_000, 30_000)
        self.admin_per_member = r(3_000, 8_000)
        self.fixed_per_member = r(100_000, 400_000)
        self.reversal_chance = r(0.05, 0.2)


def _opening(books, sim, start, members):
    rng, r = sim.rng, sim.rng.uniform
    n = len(members)
    opening = TransactionKind.OPENING.value
    movements = []
    for m in members:
        movements += [
            (m, POKOK, sim.pokok, opening, "Saldo awal simpanan pokok", None),
            (m, WAJIB, min(months_between(m.joined_on, start), WAJIB_MONTHS_CAP) * sim.wajib, opening, "Saldo awal simpanan wajib", None),
            (m, SUKARELA, rupiah(sim.sukarela_per_member * r(0, 2)), opening, "Saldo awal simpanan sukarela", None),
        ]
    credits = {
        "3-101": sum(a for _m, t, a, *_ in movements if t == POKOK),
        "3-102": sum(a for _m, t, a, *_ in movements if t == WAJIB),
        "2-101": sum(a for _m, t, a, *_ in movements if t == SUKARELA),
        "3-105": rupiah(n * r(50_000, 300_000 if sim.savings_and_loan else 150_000)),
        "3-107": rupiah(n * r(20_000, 80_000)),  # last year's SHU, shared out at its RAT
        "3-104": rupiah(n * r(20_000, 100_000)) if rng.random() < 0.3 else 0,
        "2-103": rupiah(n * r(2_000, 10_000)), "2-104": rupiah(n * r(2_000, 10_000)),
        "2-105": rupiah(n * r(2_000, 10_000)), "2-106": rupiah(n * r(2_000, 10_000)),
    }
    if sim.savings_and_loan and rng.random() < 0.5:
        credits["2-102"] = rupiah(n * r(200_000, 1_000_000))  # simpanan berjangka
    funding = sum(credits.values())
    fixed = rupiah(min(n * sim.fixed_per_member, funding * 0.2))
    depreciated = rupiah(fixed * r(0.2, 0.5))
    credits["1-202"] = depreciated
    debits = {"1-201": fixed}
    working = funding - fixed + depreciated
    if sim.savings_and_loan:
        debits["1-103"] = rupiah(working * r(0.65, 0.75))
        debits["1-104"] = rupiah(debits["1-103"] * sim.non_member_share)
        debits[CASH] = rupiah(working * r(0.03, 0.06))
    elif sim.shop:
        payable = rupiah(working * r(0.05, 0.12))
        credits["2-102"] = payable  # utang dagang
        working += payable
        debits["1-105"] = rupiah(working * r(0.25, 0.40))
        debits["1-103"] = rupiah(working * r(0.03, 0.08))
        debits[CASH] = rupiah(working * r(0.08, 0.12))
    else:
        debits["1-105"] = rupiah(working * r(0.10, 0.20))
        debits["1-103"] = rupiah(working * r(0.05, 0.10))
        debits["1-104"] = rupiah(working * r(0.02, 0.05))
        debits[CASH] = rupiah(working * r(0.08, 0.12))
    debits[BANK] = sum(credits.values()) - sum(debits.values())
    assert debits[BANK] >= 0
    founded = start.month != 1 or start.day != 1
    description = "Modal awal pada pendirian koperasi" if founded else f"Saldo awal tahun buku {start.year}"
    lines = [(code, amount, 0) for code, amount in debits.items()] + [(code, 0, amount) for code, amount in credits.items()]
    books.post_savings(start, description, lines, movements, kind=EntryKind.OPENING)


def _month(books, sim, year, month, members, state):
    rng, r = sim.rng, sim.rng.uniform
    label = f"{MONTHS[month - 1]} {year}"
    days = calendar.monthrange(year, month)[1]
    day = lambda d: date(year, month, min(d, days))  # noqa: E731
    first, last = day(1), day(31)
    regular = TransactionKind.REGULAR.value

    def members_on(d):
        return [m for m in members if m.joined_on <= d and (m.left_on is None or m.left_on > d)]

    active = members_on(day(5))
    n = max(len(active), 1)

    # the monthly wajib collection: one combined entry, one transaction per member (as
    # members.savings.wajib_collect); the current month's on today if that is before the 5th
    collected_on = min(day(COLLECTION_DAY), books.today)
    paying = lambda m: state["behind"].get(m.id, month_index(first) + 1) > month_index(first)  # noqa: E731
    payers = [m for m in members_on(collected_on) if paying(m)]
    if payers:
        total = len(payers) * sim.wajib
        books.post_savings(collected_on, f"Setoran simpanan wajib {label} ({len(payers)} anggota)",
                           [(CASH, total, 0), (CONTROL[WAJIB], 0, total)],
                           [(m, WAJIB, sim.wajib, regular, f"Simpanan wajib {label}", first) for m in payers])
    # members joining: simpanan pokok, and the month's wajib when they join after the collection
    # (as do founders when the books open after it)
    for m in members:
        if not first <= max(m.joined_on, state["start"]) <= last:
            continue
        joined = max(m.joined_on, state["start"])
        if m.joined_on > state["start"]:
            books.post_savings(joined, f"Simpanan pokok anggota baru {m.full_name} ({m.number})",
                               [(CASH, sim.pokok, 0), (CONTROL[POKOK], 0, sim.pokok)],
                               [(m, POKOK, sim.pokok, regular, "Simpanan pokok", None)])
        if joined > collected_on and paying(m) and (m.left_on is None or m.left_on > joined):
            books.post_savings(joined, f"Simpanan wajib {label} {m.full_name} ({m.number})",
                               [(CASH, sim.wajib, 0), (CONTROL[WAJIB], 0, sim.wajib)],
                               [(m, WAJIB, sim.wajib, regular, f"Simpanan wajib {label}", first)])

    # simpanan sukarela: some members pay in, a few take out
    savers = members_on(day(12))
    if savers:
        payers = rng.sample(savers, max(1, round(len(savers) * r(0.15, 0.35))))
        movements = [
            (m, SUKARELA, rupiah(books.savings[(m.id, SUKARELA)] * r(0.02, 0.08) + r(5_000, 60_000)), regular,
             "Setoran simpanan sukarela", None)
            for m in sorted(payers, key=lambda m: m.number)
        ]
        total = sum(a for _m, _t, a, *_ in movements)
        books.post_savings(day(12), f"Setoran simpanan sukarela {label} ({len(movements)} anggota)",
                           [(CASH, total, 0), (CONTROL[SUKARELA], 0, total)], movements)
    takers = [m for m in members_on(day(22)) if books.savings[(m.id, SUKARELA)] >= 10_000]
    if takers and rng.random() < 0.6:
        takers = rng.sample(takers, max(1, round(len(takers) * r(0.1, 0.3))))
        movements = [(m, SUKARELA, -rupiah(books.savings[(m.id, SUKARELA)] * r(0.1, 0.5)), regular, "Penarikan simpanan sukarela", None)
                     for m in sorted(takers, key=lambda m: m.number)]
        total = -sum(a for _m, _t, a, *_ in movements)
        if total and books.ensure(day(22), CASH, total) == total:
            books.post_savings(day(22), f"Penarikan simpanan sukarela {label} ({len(movements)} anggota)",
                               [(CONTROL[SUKARELA], total, 0), (CASH, 0, total)], movements)

    income = 0
    if sim.savings_and_loan:
        loans = books.balance["1-103"]
        principal = rupiah(loans * r(1 / 12, 1 / 8))
        interest = rupiah(loans * sim.loan_rate, 100)
        fines = rupiah(interest * r(0, 0.04), 100) if rng.random() < 0.4 else 0
        books.post(day(10), f"Penerimaan angsuran dan jasa pinjaman anggota {label}",
                   [(CASH, principal + interest + fines, 0), ("1-103", 0, principal), ("4-101", 0, interest), ("4-103", 0, fines)])
        outside = books.balance["1-104"]
        if outside > 0:
            p, i = rupiah(outside * r(1 / 12, 1 / 6)), rupiah(outside * sim.loan_rate * 1.3, 100)
            books.post(day(11), f"Angsuran dan jasa pinjaman non-anggota {label}", [(CASH, p + i, 0), ("1-104", 0, p), ("4-104", 0, i)])
        books.ensure(day(15), BANK, 0)
        lent = rupiah(min(principal * r(0.9, 1.35), max(books.balance[BANK] + books.balance[CASH] * 0.5, 0)))
        lent = books.ensure(day(15), BANK, lent)
        fee = rupiah(lent * 0.01, 100)
        books.post(day(15), f"Pencairan pinjaman anggota {label}", [("1-103", lent, 0), (BANK, 0, lent - fee), ("4-102", 0, fee)])
        if month % 3 == 0:
            target = rupiah(books.balance["1-103"] * sim.non_member_share)
            extra = books.ensure(day(16), BANK, max(target - books.balance["1-104"], 0))
            books.post(day(16), f"Pencairan pinjaman non-anggota {label}", [("1-104", extra, 0), (BANK, 0, extra)])
        movements = [(m, SUKARELA, rupiah(books.savings[(m.id, SUKARELA)] * 0.0025, 100), regular, f"Jasa simpanan sukarela {label}", None)
                     for m in members_on(day(28))]
        interest_total = sum(a for _m, _t, a, *_ in movements)
        books.post_savings(day(28), f"Jasa simpanan sukarela {label}", [("5-101", interest_total, 0), (CONTROL[SUKARELA], 0, interest_total)],
                           movements)
        income = interest + fines
    elif sim.shop:
        cogs_month = n * sim.sales_per_member * (1 + sim.non_member_sales) * sim.cost_ratio
        purchase = rupiah(max(cogs_month * 2.2 - books.balance["1-105"], cogs_month * 0.5))
        books.post(day(3), f"Pembelian barang dagang {label} (faktur kredit)", [("1-105", purchase, 0), ("2-102", 0, purchase)])
        pay = books.ensure(day(20), BANK, rupiah(-books.balance["2-102"] * r(0.5, 0.8)))
        books.post(day(20), f"Pembayaran utang dagang kepada pemasok {label}", [("2-102", pay, 0), (BANK, 0, pay)])
        receivable = books.balance["1-103"]
        if receivable > 0:
            books.post(day(6), f"Pelunasan piutang belanja anggota (potong gaji) {label}", [(CASH, receivable, 0), ("1-103", 0, receivable)])
        members_sales = rupiah(n * sim.sales_per_member * r(0.85, 1.15))
        others = rupiah(members_sales * sim.non_member_sales * r(0.8, 1.2))
        cost = min(rupiah((members_sales + others) * sim.cost_ratio), books.balance["1-105"])
        on_credit = rupiah(members_sales * r(0.2, 0.4))
        books.post(day(31), f"Rekap penjualan toko koperasi {label} (tunai dan kredit anggota)", [
            (CASH, members_sales + others - on_credit, 0), ("1-103", on_credit, 0), ("4-101", 0, members_sales),
            ("4-102", 0, others), ("5-001", cost, 0), ("1-105", 0, cost),
        ])
        income += members_sales + others
    else:
        revenue = rupiah(n * sim.revenue_per_member * r(0.85, 1.15))
        others = rupiah(revenue * r(0.15, 0.5))
        cost = books.ensure(day(8), CASH, rupiah((revenue + others) * sim.cost_of_revenue))
        books.post(day(8), f"Biaya bahan dan pokok usaha {label}", [("5-001", cost, 0), (CASH, 0, cost)])
        books.post(day(26), f"Pendapatan usaha {label}", [(CASH, revenue + others, 0), ("4-101", 0, revenue), ("4-102", 0, others)])
        income = revenue + others

    if month == 2 and books.balance["2-107"] < 0:
        tax = books.ensure(day(15), BANK, -books.balance["2-107"])
        books.post(day(15), f"Pembayaran PPh final tahun {year - 1}", [("2-107", tax, 0), (BANK, 0, tax)])

    # costs: a mistyped entry now and then, reversed (the right amount is in the month's costs)
    salaries = rupiah(n * sim.salary_per_member * r(0.95, 1.05))
    admin = rupiah(n * sim.admin_per_member * r(0.7, 1.3))
    if rng.random() < sim.reversal_chance:
        wrong = admin * 10
        books.ensure(day(14), CASH, wrong)
        mistake = books.post(day(14), f"Biaya administrasi dan umum {label} (ATK, fotokopi)", [("5-105", wrong, 0), (CASH, 0, wrong)])
        books.reverse(mistake, day(rng.randint(15, 17)))
    paid = books.ensure(day(25), CASH, salaries + admin)
    salaries = min(salaries, paid)
    books.post(day(25), f"Honor pengelola, gaji karyawan dan biaya administrasi {label}",
               [("5-102", salaries, 0), ("5-105", paid - salaries, 0), (CASH, 0, paid)])
    if month % 3 == 0:
        meeting = books.ensure(day(18), CASH, rupiah(n * r(4_000, 10_000)))
        books.post(day(18), f"Rapat pengurus dan pengawas triwulan {label}", [("5-104", meeting, 0), (CASH, 0, meeting)])
    if month % 3 == 0:
        giro = rupiah(max(books.balance[BANK], 0) * 0.003, 100)
        books.post(day(31), f"Jasa giro bank triwulan s.d. {label}", [(BANK, giro, 0), ("4-901", 0, giro)])
    state["turnover"] += income  # gross revenue, the base of the final income tax

    # keep about two months of payments in cash, the rest in the bank
    keep = 2 * (salaries + admin) + (n * sim.wajib)
    if books.balance[CASH] > keep * 2:
        surplus = rupiah(books.balance[CASH] - keep)
        books.post(day(31), f"Setoran kas ke rekening bank {label}", [(BANK, surplus, 0), (CASH, 0, surplus)])


def _leavers(books, members, first, last):
    """Members who left this month get every savings balance back. Generated after the month's
    other savings events: those already leave out members who have left by their date."""
    for m in members:
        if m.left_on and first <= m.left_on <= last and m.left_on <= books.today:
            owed = {t: books.savings[(m.id, t)] for t in CONTROL if books.savings[(m.id, t)] > 0}
            refund = sum(owed.values())
            if refund:
                books.ensure(m.left_on, CASH, refund)
                books.post_savings(m.left_on, f"Pengembalian simpanan {m.full_name} ({m.number}), keluar dari keanggotaan",
                                   [(CONTROL[t], amount, 0) for t, amount in owed.items()] + [(CASH, 0, refund)],
                                   [(m, t, -amount, TransactionKind.REFUND.value, "Pengembalian saat keluar", None) for t, amount in owed.items()])


def _year_end(books, sim, year, state):
    end = date(year, 12, 31)
    depreciation = rupiah(min(books.balance["1-201"] * 0.1, books.balance["1-201"] + books.balance["1-202"]))
    books.post(end, f"Penyusutan aset tetap tahun {year}", [("5-106", depreciation, 0), ("1-202", 0, depreciation)], journal=JournalType.ADJUSTMENT)
    if sim.savings_and_loan:
        allowance = rupiah(books.balance["1-103"] * 0.005)
        books.post(end, f"Penyisihan piutang pinjaman tak tertagih tahun {year}", [("5-107", allowance, 0), ("1-105", 0, allowance)],
                   journal=JournalType.ADJUSTMENT)
    tax = rupiah(max(state["turnover"], 0) * 0.005, 100)
    books.post(end, f"PPh final tahun {year} (PP 55/2022)", [("5-901", tax, 0), ("2-107", 0, tax)], journal=JournalType.ADJUSTMENT)
    state["turnover"] = 0
    # the closing entry is written by ledger.bulk.close_years; here only its effect on 3-107
    books.balance["3-107"] -= books.shu[year]


def _after_rat(books, sim, book_year, held_on, members):
    present = [m for m in members if m.joined_on <= held_on and (m.left_on is None or m.left_on > held_on)]
    meeting = books.ensure(held_on, CASH, rupiah(max(len(present), 1) * sim.rng.uniform(15_000, 35_000)))
    books.post(held_on, f"Biaya Rapat Anggota Tahunan tahun buku {book_year}", [("5-103", meeting, 0), (CASH, 0, meeting)])
    # the year's SHU (for the year before the opening: what the opening left in 3-107)
    shu = min(books.shu.get(book_year, -books.balance["3-107"]), -books.balance["3-107"])
    if shu <= 0:
        return None
    shares = [(code, shu * percent // 100) for code, percent in SHU_SHARES]
    members_share = shu - sum(amount for _code, amount in shares)
    books.post(held_on, f"Pembagian SHU tahun buku {book_year} sesuai keputusan RAT",
               [("3-107", shu, 0), *[(code, 0, amount) for code, amount in shares], ("2-108", 0, members_share)])
    return held_on + timedelta(days=sim.rng.randint(14, 40)), book_year, members_share


def _pay_shu(books, sim, paid_on, book_year, members_share, members):
    """Half of the members' SHU paid out in cash, half credited to their sukarela savings (equal
    shares here). Generated in the month it is paid, after that month's other savings events."""
    receivers = sorted((m for m in members if m.joined_on <= paid_on and (m.left_on is None or m.left_on > paid_on)), key=lambda m: m.number)
    credited = members_share // 2 if receivers else 0
    cash = books.ensure(paid_on, CASH, members_share - credited)
    credited = members_share - cash if receivers else 0
    each, rest = divmod(credited, len(receivers)) if receivers else (0, 0)
    movements = [(m, SUKARELA, each + (1 if i < rest else 0), TransactionKind.SHU.value, f"SHU tahun buku {book_year}", None)
                 for i, m in enumerate(receivers)]
    books.post_savings(paid_on, f"Pembayaran SHU bagian anggota tahun buku {book_year} (tunai dan ke simpanan sukarela)",
                       [("2-108", cash + credited, 0), (CASH, 0, cash), (CONTROL[SUKARELA], 0, credited)], movements)


def build_books(ctx: SeedContext, item, accounts, kinds, rat_held) -> Books:
    """The simulated books of one active cooperative."""
    coop, plan = item.cooperative, item.plan
    rng = ctx.rng("books", plan.slug)
    sim = Simulation(rng, kind=coop.kind, pokok=int(coop.simpanan_pokok_amount), wajib=int(coop.simpanan_wajib_monthly_amount))
    books = Books(coop.pk, accounts, kinds, ctx.today)
    first_year = ctx.today.year - BOOK_YEARS + 1
    start = max(date(first_year, 1, 1), plan.founded_on)
    members = sorted(item.members, key=lambda m: (m.joined_on, m.number))
    at_start = [m for m in members if m.joined_on <= start and (m.left_on is None or m.left_on > start)]
    _opening(books, sim, start, at_start)
    in_period = at_start + [m for m in members if m.joined_on > start]
    state = {"start": start, "turnover": 0, "behind": arrears_plan(item.members, ctx.today)}
    rats = sorted((held_on, book_year) for book_year, held_on in rat_held.items() if start < held_on <= ctx.today)
    payouts = []
    year, month = start.year, start.month
    while (year, month) <= (ctx.today.year, ctx.today.month):
        month_start, month_end = month_day(year, month, 1), month_day(year, month, 31)
        for held_on, book_year in rats:
            if month_start <= held_on <= month_end:
                payout = _after_rat(books, sim, book_year, held_on, in_period)
                if payout is not None:
                    payouts.append(payout)
        _month(books, sim, year, month, in_period, state)
        for payout in [p for p in payouts if month_start <= p[0] <= month_end]:
            _pay_shu(books, sim, *payout, in_period)
        _leavers(books, in_period, month_start, month_end)
        if month == 12 and month_end < ctx.today:
            _year_end(books, sim, year, state)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    books.entries.sort(key=lambda e: e.date)  # numbered in date order, as a bookkeeper posts them
    books.first_year = start.year
    return books


def seed_batch(ctx: SeedContext, batch) -> None:
    coops = [item.cooperative for item in batch]
    ctx.count("accounts", bulk.apply_charts(coops))
    active = [item for item in batch if item.plan.category != INACTIVE]
    if not active or not ctx.options.books:
        return
    accounts, kinds = defaultdict(dict), {}
    for pk, coop_id, code, kind in Account.objects.filter(cooperative__in=[i.cooperative for i in active]).values_list(
        "pk", "cooperative_id", "code", "kind"
    ):
        accounts[coop_id][code] = pk
        kinds[code] = kind  # a code has the same kind in every template
    rat_held = defaultdict(dict)
    for coop_id, book_year, held_on in Meeting.objects.filter(
        cooperative__in=[i.cooperative for i in active], kind=MeetingKind.RAT, held_on__isnull=False,
    ).values_list("cooperative_id", "book_year", "held_on"):
        rat_held[coop_id][book_year] = held_on
    entries, to_close, built = [], [], []
    for item in active:
        books = build_books(ctx, item, accounts[item.cooperative.pk], kinds, rat_held[item.cooperative.pk])
        built.append(books)
        entries += books.entries
        to_close += [(item.cooperative.pk, y) for y in range(books.first_year, ctx.today.year)]
    with translation.override(settings.LANGUAGE_CODE):
        bulk.post_entries(entries)
        closings = bulk.close_years(to_close, today=ctx.today)
    ctx.count("journal_entries", len(entries) + len(closings))
    ctx.count("journal_lines", sum(len(e.lines) for e in entries) + sum(len(e.lines) for e in closings))
    ctx.count("savings_transactions", write_savings(built))


def write_savings(built) -> int:
    """The members' subsidiary ledger of the simulated books, as members.savings writes it: one
    SavingsTransaction per member and movement, linked to its journal entry, numbered
    SMP-<year>-<n> per cooperative and year in date order (members.savings._receipt_number, its
    Counter "savings:<year>" ending at the last number), with the running balance; one
    SavingsBalance per member and type. `manage.py savings_verify` then finds no difference."""
    transactions, balances, counters = [], [], []
    for books in built:
        coop = books.cooperative_id
        sequence, running = defaultdict(int), defaultdict(int)
        log = books.savings_log
        for i in sorted(range(len(log)), key=lambda i: (log[i][6], i)):
            entry, member, savings_type, direction, kind, amount, day, period, text = log[i]
            key = (member.id, savings_type)  # .id: .pk is a property, slow in loops
            sequence[day.year] += 1
            running[key] += amount if direction == DEPOSIT else -amount
            assert running[key] >= 0, (member.number, savings_type, day)
            transactions.append((coop, f"SMP-{day.year}-{sequence[day.year]:06d}", member.id, savings_type, direction, kind,
                                 Decimal(amount), day, period, text[:200], entry.pk, Decimal(running[key])))
        balances += [(coop, member_id, savings_type, Decimal(balance)) for (member_id, savings_type), balance in sorted(running.items())]
        counters += [(coop, f"savings:{year}", last) for year, last in sorted(sequence.items())]
    bulk.insert_rows(SavingsTransaction, ["cooperative_id", "number", "member_id", "savings_type", "direction", "kind", "amount",
                                          "date", "period", "description", "journal_entry_id", "balance_after"], transactions)
    bulk.insert_rows(SavingsBalance, ["cooperative_id", "member_id", "savings_type", "balance"], balances)
    bulk.insert_rows(Counter, ["cooperative_id", "name", "value"], counters)
    return len(transactions)
