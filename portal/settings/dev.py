from .base import *  # noqa: F401,F403
from .base import STORAGES

DEBUG = True
# The manifest storage needs collectstatic; runserver serves files straight from static/.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
