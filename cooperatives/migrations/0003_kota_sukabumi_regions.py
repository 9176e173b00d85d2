"""Kota Sukabumi's 7 kecamatan and 33 kelurahan (DOMAIN.md), as global reference data.

Codes follow the Kemendagri pattern (32.72.kk.nnnn): kecamatan numbered as in the city's
own order, kelurahan numbered alphabetically within their kecamatan. The data is embedded
here (not imported) so the migration stays valid whatever later code does.
"""

from django.db import migrations

KOTA_SUKABUMI = [
    ("32.72.01", "Baros", ["Baros", "Jayamekar", "Jayaraksa", "Sudajaya Hilir"]),
    ("32.72.02", "Citamiang", ["Cikondang", "Citamiang", "Gedongpanjang", "Nanggeleng", "Tipar"]),
    ("32.72.03", "Warudoyong", ["Benteng", "Dayeuhluhur", "Nyomplong", "Sukakarya", "Warudoyong"]),
    ("32.72.04", "Gunungpuyuh", ["Gunungpuyuh", "Karamat", "Karangtengah", "Sriwidari"]),
    ("32.72.05", "Cikole", ["Cikole", "Cisarua", "Gunungparang", "Kebonjati", "Selabatu", "Subangjaya"]),
    ("32.72.06", "Lembursitu", ["Cikundul", "Cipanengah", "Lembursitu", "Sindangsari", "Situmekar"]),
    ("32.72.07", "Cibeureum", ["Babakan", "Cibeureumhilir", "Limusnunggal", "Sindangpalay"]),
]


def load(apps, schema_editor):
    Kecamatan = apps.get_model("cooperatives", "Kecamatan")
    Kelurahan = apps.get_model("cooperatives", "Kelurahan")
    for code, name, kelurahan in KOTA_SUKABUMI:
        kecamatan, _ = Kecamatan.objects.update_or_create(code=code, defaults={"name": name})
        for index, kel_name in enumerate(kelurahan, start=1):
            Kelurahan.objects.update_or_create(
                code=f"{code}.{1000 + index}", defaults={"name": kel_name, "kecamatan": kecamatan}
            )


def unload(apps, schema_editor):
    Kecamatan = apps.get_model("cooperatives", "Kecamatan")
    Kelurahan = apps.get_model("cooperatives", "Kelurahan")
    codes = [code for code, _, _ in KOTA_SUKABUMI]
    Kelurahan.objects.filter(kecamatan__code__in=codes).delete()
    Kecamatan.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("cooperatives", "0002_initial")]
    operations = [migrations.RunPython(load, unload)]
