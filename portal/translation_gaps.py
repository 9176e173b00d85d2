"""Strings Django 6.1 shows but its own Indonesian catalogue lacks; listed here so
makemessages puts them in ours (LOCALE_PATHS is searched before Django's catalogues)."""

from django.utils.translation import gettext_noop

DJANGO_GAPS = [
    gettext_noop("- Select an option -"),  # BLANK_CHOICE_LABEL: the empty option of a select
]
