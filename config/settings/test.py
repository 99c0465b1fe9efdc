"""Test settings: the same as production but fast hashing, captured email, and a
separate database file.
"""

import os

os.environ.setdefault("CAIRN_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("CAIRN_SSL_REDIRECT", "0")

from config.settings.base import *  # noqa: E402,F403
from config.settings.base import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Tests run tasks through the real database backend and a real worker where they say
# so; the rest run each task when its transaction commits.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
ACCOUNT_RATE_LIMITS = {}
CONTENT_SECURITY_POLICY_REPORT_ONLY = None
