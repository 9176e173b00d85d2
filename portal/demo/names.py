"""Pure name generators: people (Indonesian, mostly Sundanese as in Sukabumi) and cooperatives.

Nothing here touches the database; every function takes its random source as an argument, so
the same seed gives the same names (tests compare two generated lists).
"""

import random
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.text import slugify

# --- people -------------------------------------------------------------------------------------

# Sundanese given names, common in Kota Sukabumi, added to Faker's (mostly Javanese) id_ID pools.
SUNDANESE_FIRST_MALE = (
    "Asep", "Ujang", "Dede", "Cecep", "Dadang", "Yayan", "Aep", "Endang", "Iwan", "Agus", "Dadan", "Deden",
    "Jajang", "Ucu", "Engkus", "Oman", "Didin", "Herman", "Encep", "Aang", "Wawan", "Yudi", "Rudi", "Hendra",
    "Ahmad", "Muhammad", "Dedi", "Rizki", "Fajar", "Ilham", "Ridwan", "Ayi", "Nandang", "Maman", "Ruslan",
)
SUNDANESE_FIRST_FEMALE = (
    "Euis", "Neng", "Iis", "Entin", "Eti", "Imas", "Yeni", "Lilis", "Nining", "Cucu", "Dedeh", "Ai", "Enok",
    "Siti", "Nur", "Rina", "Yanti", "Tati", "Wida", "Rini", "Elis", "Yuyun", "Atik", "Dewi", "Sri", "Nenden",
    "Rika", "Teti", "Ratna", "Lina", "Nia", "Resti", "Fitri", "Mira", "Santi",
)
SUNDANESE_LAST_MALE = (
    "Suherman", "Saepudin", "Hidayat", "Sopandi", "Ruhiyat", "Permana", "Kusnadi", "Mulyana", "Rohmat",
    "Supriatna", "Hermawan", "Setiawan", "Gumilar", "Nugraha", "Ramdani", "Sobari", "Sutisna", "Suryana",
    "Wahyudin", "Nurdin", "Hamdani", "Rusmana", "Sunarya", "Komarudin", "Apandi", "Sujana", "Sukmana",
)
SUNDANESE_LAST_FEMALE = (
    "Komariah", "Rohaeti", "Nurhayati", "Mulyani", "Marlina", "Yuliani", "Kurniasih", "Rahmawati", "Sumiati",
    "Susilawati", "Nurjanah", "Fitriani", "Jubaedah", "Rosita", "Sulastri", "Wartini", "Rostika", "Aisah",
    "Maryani", "Kartika", "Herawati", "Solihah", "Nuraeni", "Yulianti", "Sopiah", "Rukmini",
)


@dataclass(frozen=True)
class NamePools:
    first_male: tuple[str, ...]
    first_female: tuple[str, ...]
    last_male: tuple[str, ...]
    last_female: tuple[str, ...]


@lru_cache(maxsize=1)
def name_pools() -> NamePools:
    """Built once: Faker id_ID's name lists plus the Sundanese ones, deduplicated and sorted
    (sorted so the pools do not depend on Faker's internal order)."""
    from faker import Faker

    fake = Faker("id_ID")
    person = next(p for p in fake.providers if type(p).__module__.startswith("faker.providers.person"))

    def pool(*groups):
        return tuple(sorted({name for group in groups for name in group if name and name.isascii()}))

    # Sukabumi is a Sundanese city: the Sundanese names are repeated so that about half the
    # people drawn have one (Faker's pools are larger and mostly Javanese).
    faker_first_male, faker_first_female = pool(person.first_names_male), pool(person.first_names_female)
    faker_last_male, faker_last_female = pool(person.last_names_male), pool(person.last_names_female)
    return NamePools(
        first_male=faker_first_male + SUNDANESE_FIRST_MALE * (len(faker_first_male) // len(SUNDANESE_FIRST_MALE)),
        first_female=faker_first_female + SUNDANESE_FIRST_FEMALE * (len(faker_first_female) // len(SUNDANESE_FIRST_FEMALE)),
        last_male=faker_last_male + SUNDANESE_LAST_MALE * (len(faker_last_male) // len(SUNDANESE_LAST_MALE)),
        last_female=faker_last_female + SUNDANESE_LAST_FEMALE * (len(faker_last_female) // len(SUNDANESE_LAST_FEMALE)),
    )


def person_name(rng: random.Random, gender: str, pools: NamePools | None = None) -> str:
    """A full name whose given name matches the gender ("L" man, "P" woman)."""
    pools = pools or name_pools()
    if gender == "P":
        first, last = pools.first_female, pools.last_female
    else:
        first, last = pools.first_male, pools.last_male
    roll = rng.random()
    if roll < 0.08:  # one-word names are common in Indonesia
        return rng.choice(first)
    if roll < 0.18:
        return f"{rng.choice(first)} {rng.choice(first)} {rng.choice(last)}"
    return f"{rng.choice(first)} {rng.choice(last)}"


# --- cooperatives --------------------------------------------------------------------------------

ASPIRATION_HEADS = (
    "Mekar", "Bina", "Karya", "Tunas", "Sumber", "Mitra", "Citra", "Harapan", "Sinar", "Cahaya", "Bumi",
    "Tri", "Panca", "Sri", "Warga", "Insan", "Putra", "Bakti", "Dharma", "Guna", "Rukun", "Taruna", "Wira",
    "Nusa", "Bangun", "Surya", "Kencana", "Hegar", "Saluyu", "Dana", "Artha", "Mulya", "Kurnia", "Langgeng",
)
ASPIRATION_TAILS = (
    "Sari", "Sejahtera", "Makmur", "Mandiri", "Jaya", "Abadi", "Bersama", "Maju", "Mulya", "Rahayu", "Lestari",
    "Sentosa", "Utama", "Berkah", "Amanah", "Rejeki", "Karya", "Wibawa", "Mukti", "Usaha", "Perkasa", "Sakti",
    "Kencana", "Harapan", "Wargi", "Raharja", "Pratama", "Nugraha", "Barokah", "Medal",
)
FIXED_ASPIRATIONS = (
    "Gotong Royong", "Silih Asih", "Sauyunan", "Gemah Ripah", "Sabilulungan", "Someah", "Sugih Mukti",
    "Bangkit Bersama", "Maju Bersama", "Tunas Harapan", "Sumber Rezeki", "Karya Bakti", "Bina Usaha",
)
ISLAMIC_NAMES = (
    "Al-Ikhlas", "Al-Amin", "Amanah Ummah", "Baitul Hikmah", "Nurul Iman", "Mitra Ummat", "Al-Falah",
    "Darul Ulum", "Al-Hidayah", "Nurul Huda", "Miftahul Huda", "At-Taqwa", "Al-Barokah", "Bina Ummat",
    "Insan Kamil", "Al-Muhajirin", "Baitul Mal wat Tamwil Assalam", "Riyadlul Jannah", "Al-Kautsar",
)
INSTITUTIONS = (
    "RSUD R. Syamsudin, S.H.", "RSUD Al-Mulk", "PDAM Tirta Bumi Wibawa", "Sekretariat Daerah Kota Sukabumi",
    "Dinas Pendidikan Kota Sukabumi", "Dinas Kesehatan Kota Sukabumi", "Kantor Kementerian Agama Kota Sukabumi",
    "Polres Sukabumi Kota", "Kodim 0607 Kota Sukabumi", "Lapas Kelas IIB Sukabumi", "Pengadilan Negeri Sukabumi",
    "DPRD Kota Sukabumi", "Badan Pusat Statistik Kota Sukabumi", "Dinas Perhubungan Kota Sukabumi",
    "Kantor Pertanahan Kota Sukabumi", "Dinas Lingkungan Hidup Kota Sukabumi", "Pasar Induk Pelita",
    "Terminal Tipe A Sukabumi", "Stasiun Sukabumi",
)
PRODUCTS = (
    "Mochi", "Kerajinan Bambu", "Konveksi", "Batik", "Sepatu", "Roti", "Keripik", "Kopi", "Gula Aren",
    "Ikan Hias", "Tanaman Hias", "Susu Sapi", "Tahu", "Opak", "Bandrek", "Dodol", "Meubel", "Sayuran",
)
JASA_FIELDS = (
    "Angkutan Kota", "Ojek", "Parkir", "Kebersihan", "Konstruksi", "Pariwisata", "Tenaga Kerja",
    "Pengelola Pasar", "Air Bersih", "Jasa Boga", "Bengkel", "Pendidikan",
)
MARKETS = ("Pasar Pelita", "Pasar Tipar Gede", "Pasar Gudang", "Pasar Cisaat", "Pasar Kebonjati")

# Well-known names, used once each before the patterns (the demo cooperatives come first).
FIXED_NAMES = {
    "simpan_pinjam": ("Koperasi Simpan Pinjam Mekar Sari", "Koperasi Wanita Silih Asih"),
    "konsumen": (
        "Koperasi Konsumen Karyawan RSUD R. Syamsudin, S.H.",
        "Koperasi Pegawai Republik Indonesia (KPRI) Guru Kota Sukabumi",
        "Koperasi Konsumen Karyawan PDAM Tirta Bumi Wibawa",
    ),
    "produsen": ("Koperasi Produsen Tahu Tempe Indonesia (Kopti) Kota Sukabumi", "Koperasi Produsen Mochi Lampion"),
    "pemasaran": ("Koperasi Pedagang Pasar Pelita",),
    "jasa": ("Koperasi Jasa Angkutan Kota Sukabumi",),
}

# Longest first: how each legal form is shortened in the portal address (slug).
SLUG_ABBREVIATIONS = (
    ("Koperasi Simpan Pinjam dan Pembiayaan Syariah", "KSPPS"),
    ("Koperasi Pegawai Republik Indonesia (KPRI)", "KPRI"),
    ("Koperasi Simpan Pinjam Karyawan", "KSP Karyawan"),
    ("Koperasi Konsumen Karyawan", "Kopkar"),
    ("Koperasi Simpan Pinjam", "KSP"),
    ("Koperasi Konsumen", "Kopkon"),
    ("Koperasi Karyawan", "Kopkar"),
    ("Koperasi Produsen", "Koprod"),
    ("Koperasi Pemasaran", "Koppas"),
    ("Koperasi Pedagang Pasar", "Koppas"),
    ("Koperasi Jasa", "Kopjas"),
    ("Koperasi Wanita", "Kopwan"),
    ("Koperasi Pondok Pesantren", "Kopontren"),
    ("Koperasi Sekolah", "Kopsis"),
    ("Koperasi Serba Usaha", "KSU"),
    ("Koperasi Unit Desa", "KUD"),
    ("Koperasi", "Kop"),
)


def aspiration(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return rng.choice(FIXED_ASPIRATIONS)
    head, tail = rng.choice(ASPIRATION_HEADS), rng.choice(ASPIRATION_TAILS)
    while tail == head:
        tail = rng.choice(ASPIRATION_TAILS)
    return f"{head} {tail}"


def _school(rng):
    level = rng.choice(("SD Negeri", "SMP Negeri", "SMP Negeri", "SMA Negeri", "SMK Negeri", "MTs Negeri"))
    return f"{level} {rng.randint(1, 14)} Kota Sukabumi"


def cooperative_name(rng: random.Random, kind: str, kelurahan: str, kecamatan: str) -> str:
    """One candidate name for a cooperative of this kind in this kelurahan."""
    a = aspiration(rng)
    roll = rng.random()
    if kind == "simpan_pinjam":
        options = (
            (0.40, f"Koperasi Simpan Pinjam {a}"),
            (0.55, f"KSP {a}"),
            (0.72, f"Koperasi Simpan Pinjam dan Pembiayaan Syariah {rng.choice(ISLAMIC_NAMES)}"),
            (0.80, f"Koperasi Wanita {a}"),
            (0.88, f"Koperasi Simpan Pinjam Karyawan {rng.choice(INSTITUTIONS)}"),
            (1.00, f"Koperasi Simpan Pinjam {a} {kelurahan}"),
        )
    elif kind == "konsumen":
        options = (
            (0.22, f"Koperasi Konsumen {a}"),
            (0.36, f"Koperasi Konsumen Karyawan {rng.choice(INSTITUTIONS)}"),
            (0.46, f"Koperasi Pegawai Republik Indonesia (KPRI) {a}"),
            (0.53, f"Koperasi Pegawai Republik Indonesia (KPRI) Kecamatan {kecamatan}"),
            (0.62, f"Koperasi Sekolah {_school(rng)}"),
            (0.70, f"Koperasi Pondok Pesantren {rng.choice(ISLAMIC_NAMES)}"),
            (0.80, f"KSU {a}"),
            (0.88, f"Koperasi Warga {kelurahan} {a}"),
            (0.94, f"Koperasi Karyawan Puskesmas {kelurahan}"),
            (1.00, f"Koperasi Konsumen Masjid {rng.choice(ISLAMIC_NAMES)}"),
        )
    elif kind == "produsen":
        options = (
            (0.40, f"Koperasi Produsen {rng.choice(PRODUCTS)} {a}"),
            (0.55, f"Koperasi Pengrajin {rng.choice(PRODUCTS)} {kelurahan}"),
            (0.70, f"Koperasi Tani {a}"),
            (0.80, f"Koperasi Peternak {rng.choice(('Sapi Perah', 'Domba', 'Ayam', 'Ikan'))} {a}"),
            (0.90, f"KSU {a} {kelurahan}"),
            (1.00, f"Koperasi Unit Desa (KUD) {a}"),
        )
    elif kind == "jasa":
        options = (
            (0.70, f"Koperasi Jasa {rng.choice(JASA_FIELDS)} {a}"),
            (1.00, f"Koperasi Jasa {rng.choice(JASA_FIELDS)} {kecamatan}"),
        )
    else:  # pemasaran
        options = (
            (0.35, f"Koperasi Pedagang Pasar {rng.choice(MARKETS).removeprefix('Pasar ')} {a}"),
            (0.70, f"Koperasi Pemasaran {rng.choice(PRODUCTS)} {a}"),
            (0.85, f"Koperasi Pedagang Kaki Lima {a}"),
            (1.00, f"Koperasi Pemasaran Hasil Bumi {kecamatan}"),
        )
    return next(name for limit, name in options if roll < limit)


ROMAN = ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def unique_cooperative_name(rng: random.Random, kind: str, kelurahan: str, kecamatan: str, taken: set[str]) -> str:
    """A name no other cooperative in `taken` has (adds it to `taken`)."""
    name = ""
    for _attempt in range(12):
        name = cooperative_name(rng, kind, kelurahan, kecamatan)
        if name.lower() not in taken:
            break
    else:
        if f"{name} {kelurahan}".lower() not in taken and kelurahan not in name:
            name = f"{name} {kelurahan}"
        else:
            base, counter = name, 0
            while name.lower() in taken:
                suffix = ROMAN[counter] if counter < len(ROMAN) else str(counter + 2)
                name, counter = f"{base} {suffix}", counter + 1
    taken.add(name.lower())
    return name


def cooperative_slug(name: str, taken: set[str], max_length: int = 70) -> str:
    """The portal address: the legal form shortened (KSP, Kopkar, KPRI…), then slugified."""
    short = name
    for long_form, abbreviation in SLUG_ABBREVIATIONS:
        if short.startswith(long_form):
            short = abbreviation + short[len(long_form):]
            break
    short = re.sub(r"\(([^)]*)\)", " ", short)  # "(KPRI)" and similar repeat the legal form
    slug = slugify(short)[:max_length].strip("-") or "koperasi"
    candidate, counter = slug, 2
    while candidate in taken:
        candidate, counter = f"{slug}-{counter}", counter + 1
    taken.add(candidate)
    return candidate
