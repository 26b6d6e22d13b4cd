"""Production: every secret from the environment, hardened transport and cookies."""

from longcheng.core.secrets_check import refuse_known_secrets

from .base import *  # noqa: F403
from .base import env

DEBUG = False
LONGCHENG_DEMO = env.bool("LONGCHENG_DEMO", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")  # no default: refuse to start without one
# Keys of the personal identifiers' encryption and blind index (docs/security.md): no default.
LONGCHENG_FIELD_KEYS = env("LONGCHENG_FIELD_KEYS")
LONGCHENG_BLIND_INDEX_KEY = env("LONGCHENG_BLIND_INDEX_KEY")
# The audit chain's HMAC keys, kept outside the database (audit.chain): no default.
LONGCHENG_AUDIT_KEYS = env("LONGCHENG_AUDIT_KEYS")
# A short key, or one written anywhere in the installation (the demo default, the placeholders
# of .env.example), stops the start with every problem named (core/secrets_check.py).
refuse_known_secrets(
    SECRET_KEY,
    keyed={
        "LONGCHENG_FIELD_KEYS": LONGCHENG_FIELD_KEYS,
        "LONGCHENG_BLIND_INDEX_KEY": LONGCHENG_BLIND_INDEX_KEY,
        "LONGCHENG_AUDIT_KEYS": LONGCHENG_AUDIT_KEYS,
    },
    root=BASE_DIR,  # noqa: F405
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
WHITENOISE_USE_FINDERS = False  # collectstatic's manifest serves them
STORAGES = {  # attachments as in base (the file system, or S3/MinIO once a bucket is named)
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
LONGCHENG_CLIENT_IP_HEADER = env("LONGCHENG_CLIENT_IP_HEADER", default="HTTP_X_REAL_IP")
