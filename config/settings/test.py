import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
LONGCHENG_DEMO = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the finders (no collectstatic in tests; browser tests need them).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LONGCHENG_DEMO_MATTERS = 40
LONGCHENG_DEMO_VOLUNTEERS = 90

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared memory: the browser tests' live server threads then open their own
    # connections instead of borrowing (and closing) the test thread's.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".pytest-db.sqlite3")}  # noqa: F405

# Tests write no file in the project: the audit head goes to a temporary folder (and each test
# gets its own through the `audit_anchor_file` fixture in conftest.py).
LONGCHENG_AUDIT_ANCHOR_FILE = str(
    Path(tempfile.gettempdir()) / "longcheng-test-audit-anchors.jsonl"
)
