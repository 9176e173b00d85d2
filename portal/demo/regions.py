"""The city's kecamatan and kelurahan. They are not seeded here: migration cooperatives/0003
loads them. This module only reads them, in a stable order, for the other steps."""

from dataclasses import dataclass

from cooperatives.models import Kecamatan, Kelurahan


@dataclass(frozen=True)
class Region:
    """One kelurahan with its kecamatan (ids for the rows, names and code for generators)."""

    kecamatan_id: int
    kecamatan_name: str
    kecamatan_code: str  # "32.72.05"
    kelurahan_id: int
    kelurahan_name: str

    @property
    def nik_district(self) -> str:
        """The kecamatan's two digits as they appear in a NIK KTP (digits 5–6)."""
        return self.kecamatan_code.rsplit(".", 1)[-1][-2:].zfill(2)


def load_regions() -> list[Region]:
    kecamatan = {k.pk: k for k in Kecamatan.objects.all()}
    regions = [
        Region(kel.kecamatan_id, kecamatan[kel.kecamatan_id].name, kecamatan[kel.kecamatan_id].code, kel.pk, kel.name)
        for kel in Kelurahan.objects.order_by("code", "pk")
    ]
    if not regions:
        raise RuntimeError("No kecamatan/kelurahan found: run `manage.py migrate` first (cooperatives 0003 loads them).")
    return regions
