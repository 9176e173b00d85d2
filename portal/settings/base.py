"""Settings shared by every environment. Environment-specific files import from here."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal",
    "users",
    "cooperatives",
    "ledger",
    "members",
    "meetings",
    "city",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Idle expiry of staff sessions and the MFA requirement (users/security.py).
    "users.security.LoginSecurityMiddleware",
    # Must come after authentication: it decides access from request.user.
    "cooperatives.middleware.CooperativeTenantMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
            "builtins": ["portal.templatetags.portal_format"],
        },
    },
]

# SQLite under var/ is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write
            # lock at BEGIN so select_for_update-style counters cannot deadlock on upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- django-allauth -----------------------------------------------------------
# Login with a phone number or an email. allauth's "username" method is mapped onto the
# user's E.164 phone field; the login form normalises 0812…/62812…/+62812… first.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "phone"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_ADAPTER = "users.adapters.PortalAccountAdapter"
ACCOUNT_USER_DISPLAY = "users.models.user_display"
ACCOUNT_FORMS = {"login": "users.forms.PhoneOrEmailLoginForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # 5 failed attempts on one login (phone/email) per 5 minutes, 20 per IP per minute.
    "login_failed": "20/m/ip,5/5m/key",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portal Koperasi"
# Login security (users/security.py, docs/SECURITY.md "Logins"). Roles that must use an authenticator
# app (manager, bookkeeper, supervisor, member, city_staff, city_admin): none in dev and the demo
# unless PORTAL_MFA_REQUIRED_ROLES=manager,city_staff,city_admin is set; production lists three.
PORTAL_MFA_REQUIRED_ROLES = [r for r in env.list("PORTAL_MFA_REQUIRED_ROLES", default=[]) if r]
# A staff role's session (any cooperative role but member, a city role) ends after this idle time.
PORTAL_STAFF_SESSION_IDLE_SECONDS = env.int("PORTAL_STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
# Sensitive actions (closing/reopening a book year, roles, register and city exports) ask for the
# password again when the last login or re-authentication is older than this.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 15 * 60

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# No MEDIA_URL and no URL route serves MEDIA_ROOT: files leave only through access-checked views.
# Uploads: a file over 2.5 MB streams to a temporary file instead of memory; a meeting
# document is at most PORTAL_DOCUMENT_MAX_BYTES (meetings/documents.py refuses the rest while
# it streams in) and an Office document unpacks to at most PORTAL_DOCUMENT_MAX_UNPACKED_BYTES.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form fields of a request, files excluded
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
PORTAL_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
PORTAL_DOCUMENT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
STORAGES = {
    # Uploaded documents are private (served only through access-checked views).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- DRF / OpenAPI ------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "users.api_auth.PortalTokenAuthentication",  # DRF's, refusing users who must set up MFA
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal Koperasi API",
    "DESCRIPTION": "API of the cooperative portal. Every cooperative's data lives under /api/v1/c/<slug>/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # choice sets whose field names ("kind", "mode", "status") other APIs use for other choices
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "meetings.models.MeetingKind", "MeetingModeEnum": "meetings.models.MeetingMode",
        "MeetingStatusEnum": "meetings.models.MeetingStatus", "AttendanceModeEnum": "meetings.models.AttendanceMode",
        "DocumentKindEnum": "meetings.models.DocumentKind", "ShuStatusEnum": "meetings.models.ShuStatus",
        "AgendaItemKindEnum": "meetings.models.AgendaItemKind",
        "CooperativeKindEnum": "cooperatives.models.CooperativeKind",
        "RegistryStatusEnum": "cooperatives.models.RegistryStatus",
    },
}

# --- caches -------------------------------------------------------------------
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- email (console in dev; production configures SMTP through EMAIL_URL) -----
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Portal Koperasi <noreply@portal-koperasi.local>")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Content Security Policy (Django 6 built-in): no inline script or style without a nonce
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The demo city's name; also the city whose regions the migrations load.
PORTAL_CITY_NAME = "Kota Sukabumi"

# Key of the NIK KTP hash (members/nik.py) the city counts distinct persons by; required in
# production (changing it needs `manage.py city_rebuild_figures --rehash`).
NIK_HASH_KEY = env("PORTAL_NIK_HASH_KEY", default="dev-only-nik-hash-key-change-me")
# Keys that encrypt personal fields at rest (NIK KTP; portal/crypto.py): the first encrypts,
# every one decrypts (rotation: docs/SECURITY.md). Required in production; the default is a
# public dev/test key.
PORTAL_FIELD_ENCRYPTION_KEYS = env.list("PORTAL_FIELD_ENCRYPTION_KEY", default=["ZGV2LW9ubHktZmllbGQta2V5LW5vdC1hLXNlY3JldCE="])
# A cooperative is active for book year Y when it held a RAT for one of the book years
# Y-(window-1)..Y (city/selectors.py).
CITY_ACTIVE_WINDOW_YEARS = env.int("PORTAL_CITY_ACTIVE_WINDOW_YEARS", default=3)
