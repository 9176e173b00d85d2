r"""The Indonesian catalogue is complete, keeps every placeholder, and is what the pages show.

After adding or changing translatable strings, refresh both catalogues and translate what is new:

    DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/python manage.py makemessages -l id -l en \
        --ignore=.venv --ignore=node_modules --ignore=var --ignore=static/vendor --no-obsolete \
        --add-location=file

(file names without line numbers: the catalogues do not change when code only moves), then fill
every empty msgstr in locale/id/LC_MESSAGES/django.po. An entry msgmerge marked `#, fuzzy` carries
a guess from a similar msgid: translate it afresh, then remove the flag and its `#| msgid` line.
Check with `msgfmt --check -o /dev/null locale/id/LC_MESSAGES/django.po` and this module.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ID_PO = LOCALE_DIR / "id" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %% … and str.format's {name} / {0} / {}
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcouba%]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}(?!\})")


# Strings Django itself shows on our pages that its own Indonesian catalogue does not translate
# yet (new in Django 6.1). Marked here so that makemessages puts them in locale/id, which takes
# precedence over Django's catalogue; drop one once Django ships its translation.
from portal.translation_gaps import DJANGO_GAPS  # noqa: E402


def _reset_translation_caches():
    """Make Django read the .mo files again (the same reset Django's autoreloader does)."""
    import gettext

    from asgiref.local import Local
    from django.utils.translation import trans_real

    gettext._translations = {}
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()


def _compile_if_stale(po_path: Path) -> bool:
    """Compile po_path to the .mo beside it with Babel when the .mo is missing or older."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        return False
    with po_path.open("rb") as f:
        catalog = read_po(f)
    # a temporary file and a rename: parallel test workers never read half a .mo
    fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogues():
    """Running pytest directly (without `make test`'s translations step) still tests the .po."""
    compiled = [_compile_if_stale(po) for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))]
    if any(compiled):
        _reset_translation_caches()
    yield


@pytest.fixture(scope="module")
def id_catalog():
    with ID_PO.open("rb") as f:
        return read_po(f, locale="id")


def _entries(catalog):
    return [m for m in catalog if m.id]  # the header has an empty msgid


def _msgids(message):
    return list(message.id) if message.pluralizable else [message.id]


def _msgstrs(message):
    return list(message.string) if message.pluralizable else [message.string]


def _placeholders(text, percent=True):
    found = set(BRACE_PLACEHOLDER.findall(text))
    if percent:  # a plain "100%" in a non-format string is no placeholder
        found |= set(PERCENT_PLACEHOLDER.findall(text)) - {"%%"}
    return found


def test_indonesian_header_is_filled_in(id_catalog):
    headers = dict(id_catalog.mime_headers)
    assert headers["Language"] == "id"
    assert headers["Project-Id-Version"].startswith("Portal Koperasi")
    assert "charset=utf-8" in headers["Content-Type"].lower()
    assert headers["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not id_catalog.fuzzy, "the header is still marked fuzzy: remove its `#, fuzzy` line"


def test_every_indonesian_entry_is_translated_and_not_fuzzy(id_catalog):
    untranslated = [m.id for m in _entries(id_catalog) if not all(s.strip() for s in _msgstrs(m))]
    fuzzy = [m.id for m in _entries(id_catalog) if m.fuzzy]
    assert not untranslated, f"untranslated in {ID_PO}: {untranslated}"
    assert not fuzzy, f"fuzzy (msgmerge's guesses, unchecked) in {ID_PO}: {fuzzy}"


def test_the_catalogue_has_no_obsolete_entries(id_catalog):
    assert not id_catalog.obsolete, f"obsolete entries: run makemessages with --no-obsolete ({list(id_catalog.obsolete)})"


def test_every_placeholder_is_kept(id_catalog):
    problems = []
    for message in _entries(id_catalog):
        percent = "python-format" in message.flags or any("%(" in text for text in _msgids(message))
        expected = set().union(*(_placeholders(text, percent) for text in _msgids(message)))
        for text in _msgstrs(message):
            got = _placeholders(text, percent)
            if got != expected:
                problems.append((message.id, sorted(expected), text))
    assert not problems, "placeholders lost or added: " + "\n".join(map(repr, problems))


def test_indonesian_plural_entries_have_one_form(id_catalog):
    wrong = [m.id for m in _entries(id_catalog) if m.pluralizable and len(m.string) != 1]
    assert not wrong, f"Indonesian has one plural form (msgstr[0] only): {wrong}"


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("My cooperatives", "Koperasi saya"),
        ("Log in", "Masuk"),
        ("Password", "Kata sandi"),
        ("Home", "Beranda"),
        ("Skip to content", "Langsung ke isi"),
        ("Male", "Laki-laki"),
        ("Female", "Perempuan"),
        ("Audit trail", "Jejak audit"),
    ],
)
def test_key_terms_at_runtime(msgid, expected):
    with translation.override("id"):
        assert translation.gettext(msgid) == expected


def test_messages_people_act_on_at_runtime():
    with translation.override("id"):
        assert translation.gettext("Enter a valid Indonesian phone number, e.g. 0812 3456 7890.").startswith("Nomor HP")
        assert translation.gettext("Enter a phone number (e.g. 0812 3456 7890) or an email address.") == (
            "Masukkan nomor HP (mis. 0812 3456 7890) atau alamat email."
        )
        assert translation.ngettext("%(n)s cooperative", "%(n)s cooperatives", 3) % {"n": 3} == "3 koperasi"


@pytest.mark.parametrize("msgid", DJANGO_GAPS)
def test_django_strings_missing_from_its_catalogue_are_translated_here(msgid):
    with translation.override("id"):
        assert translation.gettext(msgid) != msgid


def test_english_stays_english():
    with translation.override("en"):
        assert translation.gettext("My cooperatives") == "My cooperatives"


@pytest.mark.django_db
def test_login_page_in_indonesian(client):
    html = client.get("/akun/login/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="id">' in html
    assert "Masuk" in html
    assert "Nomor HP atau email" in html
    assert "Kata sandi" in html
    assert "Log in" not in html
