from .base import *  # noqa: F401,F403
from .base import STORAGES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(VAR_DIR / "test-media")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Login security stays out of the way of the other tests whatever the environment says; the
# tests of users/security.py turn it on with override_settings.
PORTAL_MFA_REQUIRED_ROLES = []
PORTAL_STAFF_SESSION_IDLE_SECONDS = 30 * 60
ACCOUNT_REAUTHENTICATION_TIMEOUT = 15 * 60
