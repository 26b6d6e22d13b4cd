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
