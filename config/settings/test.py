"""Test settings: the same as production but fast hashing, captured email, and a
separate database file.
"""

import os

os.environ.setdefault("CAIRN_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("CAIRN_SSL_REDIRECT", "0")

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, STORAGES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Tests run each task in-process when its transaction commits. The worker tests
# start real worker processes with CAIRN_TASK_BACKEND set (database or rq), which then
# keep the backend that base.py chose from it.
if not os.environ.get("CAIRN_TASK_BACKEND"):
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
# False, not {}: allauth merges a dict into its default limits.
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]
# The manifest storage needs `collectstatic`; tests read static files where they are.
# Uploaded files (deal attachments) stay in memory: tests leave nothing on disk.
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "learning_evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "learning_packages": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
CONTENT_SECURITY_POLICY_REPORT_ONLY = None

# Helpers and parallel runs on one PostgreSQL server keep their test databases apart.
_suffix = os.environ.get("CAIRN_TEST_DB_SUFFIX", "")
if _suffix and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": f"test_cairn_{_suffix}"}
elif _suffix:
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_{_suffix}.sqlite3")}

# WhiteNoise warns (an error under pytest) when the collected-static folder is missing.
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)
