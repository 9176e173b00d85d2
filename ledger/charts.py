"""Charts of accounts per kind of cooperative (DOMAIN.md "Accounting"): illustrative, not an
official list. Each row: (code, name, kind, parent code or None, postable, extra options).
Classification (e.g. simpanan pokok/wajib as equity) is data here, never code elsewhere."""

A, L, E, I, X = "asset", "liability", "equity", "income", "expense"

_HEADERS = [
    ("1", "Aset", A, None, False, {}),
    ("2", "Kewajiban", L, None, False, {}),
    ("3", "Ekuitas", E, None, False, {}),
    ("4", "Pendapatan", I, None, False, {}),
    ("5", "Beban", X, None, False, {}),
]

_COMMON_EQUITY_AND_FUNDS = [
    ("2-103", "Dana pengurus", L, "2", True, {"purpose": "fund_pengurus"}),
    ("2-104", "Dana karyawan", L, "2", True, {"purpose": "fund_karyawan"}),
    ("2-105", "Dana pendidikan", L, "2", True, {"purpose": "fund_pendidikan"}),
    ("2-106", "Dana sosial", L, "2", True, {"purpose": "fund_sosial"}),
    ("2-107", "Utang pajak", L, "2", True, {}),
    ("2-108", "SHU bagian anggota belum dibayar", L, "2", True, {"purpose": "shu_unpaid_members"}),
    ("2-201", "Utang bank", L, "2", True, {}),
    ("3-101", "Simpanan pokok", E, "3", True, {"purpose": "savings_pokok"}),
    ("3-102", "Simpanan wajib", E, "3", True, {"purpose": "savings_wajib"}),
    ("3-103", "Modal penyertaan", E, "3", True, {}),
    ("3-104", "Hibah", E, "3", True, {}),
    ("3-105", "Cadangan umum", E, "3", True, {"purpose": "reserve"}),
    ("3-106", "Cadangan risiko", E, "3", True, {}),
    ("3-107", "SHU tahun berjalan", E, "3", True, {"purpose": "shu_current_year"}),
]

_CASH_AND_BANK = [
    ("1-101", "Kas", A, "1", True, {"purpose": "cash"}),
    ("1-102", "Bank", A, "1", True, {"purpose": "bank"}),
]

_FIXED_ASSETS = [
    ("1-201", "Aset tetap / inventaris", A, "1", True, {}),
    ("1-202", "Akumulasi penyusutan", A, "1", True, {"is_contra": True}),
]

_OPERATING_EXPENSES = [
    ("5-102", "Gaji karyawan", X, "5", True, {}),
    ("5-103", "Beban rapat anggota", X, "5", True, {}),
    ("5-104", "Beban organisasi", X, "5", True, {}),
    ("5-105", "Administrasi dan umum", X, "5", True, {}),
    ("5-106", "Penyusutan", X, "5", True, {}),
    ("5-901", "Pajak", X, "5", True, {}),
]

SIMPAN_PINJAM = _HEADERS + _CASH_AND_BANK + [
    ("1-103", "Piutang pinjaman anggota", A, "1", True, {"segment": "member", "purpose": "loans_members"}),
    ("1-104", "Piutang pinjaman koperasi lain", A, "1", True, {}),
    ("1-105", "Cadangan kerugian piutang", A, "1", True, {"is_contra": True}),
    ("1-106", "Piutang jasa", A, "1", True, {}),
] + _FIXED_ASSETS + [
    ("2-101", "Simpanan sukarela", L, "2", True, {"purpose": "savings_sukarela"}),
    ("2-102", "Simpanan berjangka", L, "2", True, {"purpose": "savings_berjangka"}),
] + _COMMON_EQUITY_AND_FUNDS + [
    ("4-101", "Jasa pinjaman anggota", I, "4", True, {"segment": "member", "purpose": "loan_interest_members"}),
    ("4-102", "Provisi dan administrasi", I, "4", True, {"segment": "member"}),
    ("4-103", "Denda", I, "4", True, {"segment": "member"}),
    ("4-104", "Jasa pinjaman non-anggota", I, "4", True, {"segment": "non_member"}),
    ("4-901", "Pendapatan lain-lain", I, "4", True, {}),
    ("5-101", "Beban jasa simpanan", X, "5", True, {}),
    ("5-107", "Penyisihan piutang", X, "5", True, {}),
] + _OPERATING_EXPENSES

KONSUMEN = _HEADERS + _CASH_AND_BANK + [
    ("1-103", "Piutang penjualan anggota", A, "1", True, {"segment": "member"}),
    ("1-104", "Piutang penjualan non-anggota", A, "1", True, {"segment": "non_member"}),
    ("1-105", "Persediaan barang dagang", A, "1", True, {"purpose": "inventory"}),
] + _FIXED_ASSETS + [
    ("2-101", "Simpanan sukarela", L, "2", True, {"purpose": "savings_sukarela"}),
    ("2-102", "Utang dagang", L, "2", True, {}),
] + _COMMON_EQUITY_AND_FUNDS + [
    ("4-101", "Penjualan kepada anggota", I, "4", True, {"segment": "member", "purpose": "sales_members"}),
    ("4-102", "Penjualan kepada non-anggota", I, "4", True, {"segment": "non_member", "purpose": "sales_non_members"}),
    ("4-901", "Pendapatan lain-lain", I, "4", True, {}),
    ("5-001", "Harga pokok penjualan", X, "5", True, {"purpose": "cost_of_sales"}),
] + _OPERATING_EXPENSES

# Producer, marketing and service cooperatives.
UMUM = _HEADERS + _CASH_AND_BANK + [
    ("1-103", "Piutang usaha anggota", A, "1", True, {"segment": "member"}),
    ("1-104", "Piutang usaha non-anggota", A, "1", True, {"segment": "non_member"}),
    ("1-105", "Persediaan", A, "1", True, {}),
] + _FIXED_ASSETS + [
    ("2-101", "Simpanan sukarela", L, "2", True, {"purpose": "savings_sukarela"}),
    ("2-102", "Utang usaha", L, "2", True, {}),
] + _COMMON_EQUITY_AND_FUNDS + [
    ("4-101", "Pendapatan usaha dari anggota", I, "4", True, {"segment": "member", "purpose": "revenue_members"}),
    ("4-102", "Pendapatan usaha dari non-anggota", I, "4", True, {"segment": "non_member", "purpose": "revenue_non_members"}),
    ("4-901", "Pendapatan lain-lain", I, "4", True, {}),
    ("5-001", "Beban pokok usaha", X, "5", True, {}),
] + _OPERATING_EXPENSES

TEMPLATES = {
    "simpan_pinjam": SIMPAN_PINJAM,
    "konsumen": KONSUMEN,
    "produsen": UMUM,
    "pemasaran": UMUM,
    "jasa": UMUM,
}


def template_for(kind: str):
    return TEMPLATES.get(kind, UMUM)
