"""Settings for the load benchmark only (bench/load.py; see bench/README.md). Never deployed.

Production-like where it matters for the figures (DEBUG off, the same middleware, templates and
database settings as production, persistent connections), with four differences the benchmark
needs, each said here:

- `ROOT_URLCONF = "portal.bench_urls"`: the portal's URLs plus one bare Django view
  (`/bench/bare/`), the reference the member home's throughput is compared with. The bare view
  exists only under these settings; `portal.urls` (production) does not have it.
- MFA is required of nobody (the demo's choice too): the simulated staff log in with a password.
- No login rate limits: every simulated user logs in from 127.0.0.1 within a few seconds.
- A fast password hasher: the seed and the 57 logins before the measured window do not spend a
  minute of the shared CPUs on PBKDF2. Logins are not among the measured pages.

Static files are served from `static/` through the finders (no collectstatic, no manifest); the
benchmark requests pages, not assets.
"""

from .base import *  # noqa: F401,F403
from .base import STORAGES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "portal.bench_urls"
PORTAL_MFA_REQUIRED_ROLES = []
ACCOUNT_RATE_LIMITS = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
