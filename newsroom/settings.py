"""Newsroom settings: one module, every value read from the environment.

Each variable is documented once, in `.env.example`.
"""

import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from core.clientip import trusted_proxies
from core.connections import bound_database, resilient_cache
from subscriptions import email_webhooks

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

INSECURE_SECRET_KEY = "insecure-dev-key-change-me"

# --- Core ---------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
# ALLOW_INSECURE_KEY is for benchmarks on loopback only: a server that answers any other host
# name could be a real site, and there the public default key would let anyone forge sessions.
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
if (
    not DEBUG
    and SECRET_KEY == INSECURE_SECRET_KEY
    and not (
        env.bool("ALLOW_INSECURE_KEY", False)
        and all(host in _LOOPBACK_HOSTS for host in ALLOWED_HOSTS)
    )
):
    raise ImproperlyConfigured("Set SECRET_KEY: the default key is only allowed with DEBUG=true.")
# Keys retired by a rotation: links and sessions they signed still verify (new ones are signed
# with SECRET_KEY). Drop a key once the oldest email that may hold its links is no longer read.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if not DEBUG and INSECURE_SECRET_KEY in SECRET_KEY_FALLBACKS:
    raise ImproperlyConfigured(
        "SECRET_KEY_FALLBACKS holds the public development key: anyone could sign with it."
    )
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="The Newsroom")
SITE_DESCRIPTION = env.str(
    "SITE_DESCRIPTION", default="Independent national news, analysis and reporting."
)

INSTALLED_APPS = [
    # django.contrib.admin, with "view on site" checked on the object (core/admin_site.py).
    "core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "reversion",
    "django_prose_editor",
    # Before django_tasks_db: core's `db_worker` (with a lease, core/tasklease.py) wins.
    "core",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "staffauth",
    "photos",
    "articles",
    "editorial",
    "subscriptions",
    "newsletters",
    "popularity",
    "live",
    "comments",
    "pages",
    "pagecache",
]
# The demo outlet and its commands (load_demo, ensure_demo_staff): installed only when asked
# for, DEBUG on or off, so a live site carries none of it. `make run` sets it.
DEMO = env.bool("DEMO", default=False)
if DEMO:
    INSTALLED_APPS += ["demo"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # ETag and 304 answers for every page, from the cache or not.
    "django.middleware.http.ConditionalGetMiddleware",
    # An anonymous reader's page comes from the cache before anything below runs.
    "pagecache.middleware.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Second factor passed?; the 2FA gate and idle limit; who and from where, for the audit.
    "django_otp.middleware.OTPMiddleware",
    "staffauth.middleware.StaffSessionMiddleware",
    "core.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Like contrib.redirects: only a 404 for a story's old address costs a query.
    "articles.redirects.OldSlugRedirectMiddleware",
    # Last: turns a login refused by the axes backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
                "pages.context_processors.site_pages",
            ],
        },
    },
]
# Unknown template variables raise instead of printing nothing (the test suite turns it on).
TEMPLATE_STRICT_VARIABLES = env.bool("TEMPLATE_STRICT_VARIABLES", default=False)
if TEMPLATE_STRICT_VARIABLES:
    from pagecache.strict import RaisingMissing

    TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = RaisingMissing()

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the reader site keep serving while a worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Connections kept between requests: a new one costs a handshake on PostgreSQL and a fresh
# read of the schema (and an empty page cache) on SQLite.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Bounds on a database that is down or a statement waiting on a lock (core/connections.py).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=30)
bound_database(DATABASES["default"], DATABASE_CONNECT_TIMEOUT, DATABASE_STATEMENT_TIMEOUT)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
# Redis answers within these bounds or is skipped for CACHE_RETRY_SECONDS (core/cache.py).
CACHE_CONNECT_TIMEOUT = env.float("CACHE_CONNECT_TIMEOUT", default=0.5)
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=1.0)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5)
resilient_cache(CACHES["default"], CACHE_CONNECT_TIMEOUT, CACHE_SOCKET_TIMEOUT)
# Whole pages for readers who are not signed in (pagecache; docs/caching.md explains it).
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
# The longest a reader may be shown a page older than the data when no signal says it changed
# (raw SQL): the life of a cached copy and the s-maxage given to CDNs.
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=5)
# Blocks many pages share (the story rail, lists of story cards) rendered once per change and
# kept as long as a page would be; on even when whole pages are not cached.
PAGE_CACHE_FRAGMENTS = env.bool("PAGE_CACHE_FRAGMENTS", default=True)
# Copies of cached pages and blocks each process keeps in memory too (least recently used
# dropped first): they follow the generation in the shared cache, so they are never staler.
PAGE_CACHE_LOCAL_ENTRIES = env.int("PAGE_CACHE_LOCAL_ENTRIES", default=300)
# Of a page's life in shared caches (nginx, a CDN), the most spent serving it while they fetch
# a fresh one (stale-while-revalidate); at most half of it, and never past the bound.
PAGE_CACHE_STALE_WHILE_REVALIDATE = env.int("PAGE_CACHE_STALE_WHILE_REVALIDATE", default=10)
# URL names of the pages cached for anonymous readers.
PAGE_CACHE_VIEWS = frozenset({
    "articles:home", "articles:news_feed", "articles:section", "articles:article",
    "articles:author", "articles:tag", "articles:corrections", "articles:feed",
    "articles:feed_atom", "articles:section_feed", "articles:section_feed_atom",
    "articles:author_feed", "articles:author_feed_atom", "articles:tag_feed",
    "articles:tag_feed_atom", "newsletters:index", "newsletters:archive", "newsletters:issue",
})  # fmt: skip
# Sessions live in the cache and the database, so any app server can read them.
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db")

# --- Auth and passwords -------------------------------------------------------------------
# Axes first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-us")
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Kyiv")
USE_I18N = True
USE_TZ = True
# One date format in the admin, "7 Dec 2026, 18:32" in TIME_ZONE (newsroom/formats/en/).
FORMAT_MODULE_PATH = ["core.formats"]

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "core.storage.MediaStorage"},  # cleans up after a full disk
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Where uploads and photo renditions live: "local" (MEDIA_ROOT) or "s3", any S3-compatible
# object store, so every app server and worker sees the same files.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    # Empty for Amazon S3 itself; the store's address otherwise (MinIO, R2, Spaces...).
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    # Empty: boto3 finds credentials itself (instance role, ~/.aws).
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
    # The CDN host in front of the bucket (media URLs are built on it), e.g. media.example.org.
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    # Photos are public: plain URLs, the same for every reader, so CDNs and browsers keep them.
    AWS_QUERYSTRING_AUTH = False
    # Generated names (originals) and content-derived names (renditions) never change content.
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    # Where media URLs point (django-storages builds them the same way); the
    # Content-Security-Policy below allows images and audio from there.
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/"
    elif AWS_S3_ENDPOINT_URL:
        MEDIA_URL = f"{AWS_S3_ENDPOINT_URL.rstrip('/')}/{AWS_STORAGE_BUCKET_NAME}/"
    else:
        MEDIA_URL = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com/"
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured('MEDIA_STORAGE must be "local" or "s3".')
# Upload limits: a photo larger than this is refused with a form error.
PHOTO_MAX_UPLOAD_BYTES = env.int("PHOTO_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
AUDIO_MAX_UPLOAD_BYTES = env.int("AUDIO_MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="The Newsroom <newsroom@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
NEWSLETTER_POSTAL_ADDRESS = env.str(
    "NEWSLETTER_POSTAL_ADDRESS", default="The Newsroom, 1 Example Street, 01001 Kyiv"
)
# Sending newsletter issues (newsletters/sending.py).
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
# Messages marked "sending" per write: 1 leaves at most one recipient uncertain per crash.
NEWSLETTER_SEND_GROUP = env.int("NEWSLETTER_SEND_GROUP", default=1)
NEWSLETTER_SEND_WORKERS = env.int("NEWSLETTER_SEND_WORKERS", default=1)
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=4)
NEWSLETTER_RETRY_SECONDS = env.int("NEWSLETTER_RETRY_SECONDS", default=60)
NEWSLETTER_CLAIM_TIMEOUT = env.int("NEWSLETTER_CLAIM_TIMEOUT", default=300)
NEWSLETTER_WATCH_INTERVAL = env.float("NEWSLETTER_WATCH_INTERVAL", default=30)
# A sending (or overdue) issue whose watch chain was silent this long gets a new chain from the
# periodic sweep; well above the interval (a busy queue delays links, a needless restart is free).
NEWSLETTER_WATCH_STALL_SECONDS = env.int("NEWSLETTER_WATCH_STALL_SECONDS", default=300)
NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("NEWSLETTER_UNSUBSCRIBE_MAILTO", default="")

# --- Background tasks ---------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A dead worker's running task is re-queued, at most TASK_MAX_RECOVERIES times (core/tasklease.py).
TASK_WORKER_LEASE_SECONDS = env.float("TASK_WORKER_LEASE_SECONDS", default=30)
TASK_MAX_RECOVERIES = env.int("TASK_MAX_RECOVERIES", default=3)
# TASKS_BACKEND=django_tasks_rq.RQBackend: tasks wait in Redis for `rqworker` (docs/deploy.md).
RQ_QUEUES = {"default": {"URL": env.str("RQ_URL", default="redis://127.0.0.1:6379/2")}}
# Its workers relay tasks committed while Redis was down (core/outbox.py): OUTBOX_RELAY_SECONDS.
RQ = {"WORKER_CLASS": "core.rqworker.RelayingWorker", "JOB_CLASS": "django_tasks_rq.Job"}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
OUTBOX_RELAY_SECONDS = env.float("OUTBOX_RELAY_SECONDS", default=10)

# --- Email delivery webhooks (django-anymail) ---------------------------------------------
# The one provider whose bounce and complaint reports are taken, at /anymail/<name>/tracking/;
# empty: no webhook URL at all. ANYMAIL keeps only the credentials that are set. An unknown
# provider, or (DEBUG off) one without its credential, stops start-up (email_webhooks.py).
EMAIL_WEBHOOK_PROVIDER = env.str("EMAIL_WEBHOOK_PROVIDER", default="").strip().lower()
ANYMAIL = email_webhooks.configured(
    EMAIL_WEBHOOK_PROVIDER,
    {
        "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
        "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": env.str(
            "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY", default=""
        ),
        "RESEND_SIGNING_SECRET": env.str("RESEND_SIGNING_SECRET", default=""),
    },
    debug=DEBUG,
)

# --- Subscribers --------------------------------------------------------------------------
# How long a confirmation link works, and how often one pending address may get a fresh one.
CONFIRMATION_MAX_AGE_SECONDS = env.int("CONFIRMATION_MAX_AGE_SECONDS", default=7 * 24 * 3600)
CONFIRMATION_RESEND_INTERVAL_SECONDS = env.int("CONFIRMATION_RESEND_INTERVAL_SECONDS", default=600)
# A refused confirmation email is retried after 1, 2, 4, ... times this (subscriptions/tasks.py).
CONFIRMATION_RETRY_SECONDS = env.int("CONFIRMATION_RETRY_SECONDS", default=60)
CONFIRMATION_MAX_ATTEMPTS = env.int("CONFIRMATION_MAX_ATTEMPTS", default=6)
# Never-confirmed signups are deleted after this many days (manage.py purge_pending_subscribers).
PENDING_SUBSCRIBER_PURGE_DAYS = env.int("PENDING_SUBSCRIBER_PURGE_DAYS", default=30)
# Signup rate limits, "<count>/<s|m|h|d>", counted in the cache (Redis in production).
SIGNUP_RATE_LIMIT_PER_IP = env.str("SIGNUP_RATE_LIMIT_PER_IP", default="20/h")
SIGNUP_RATE_LIMIT_PER_ADDRESS = env.str("SIGNUP_RATE_LIMIT_PER_ADDRESS", default="5/h")
# Reverse proxies (IPs or CIDR networks) whose X-Forwarded-For we believe. By default the
# loopback addresses, which the shipped nginx (deploy/nginx.conf) connects from; add the load
# balancer's addresses behind one (core/clientip.py, and `check --deploy` refuses networks
# so wide that anyone could forge a client address).
TRUSTED_PROXIES = trusted_proxies(env.list("TRUSTED_PROXIES", default=["127.0.0.0/8", "::1"]))
# This many soft bounces within the window mark an address bounced, like one hard bounce.
SOFT_BOUNCE_LIMIT = env.int("SOFT_BOUNCE_LIMIT", default=3)
SOFT_BOUNCE_WINDOW_DAYS = env.int("SOFT_BOUNCE_WINDOW_DAYS", default=30)
# Uploaded subscriber CSVs wait here (private: never under MEDIA_ROOT) between the admin's
# upload and import steps; deleted after the import, or after a day by the purge task.
SUBSCRIBER_IMPORT_DIR = env.path(
    "SUBSCRIBER_IMPORT_DIR", default=Path(tempfile.gettempdir()) / "newsroom-imports"
)

# --- Security -----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
# Opt-in: includeSubDomains forces HTTPS on every host under this domain (one without a
# certificate breaks), and preload asks browsers to ship the domain in their lists, which
# takes months to undo. `check --deploy` warns when preload lacks what the lists require.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Django warns whenever those two are off; here that is the default, chosen above.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Load balancers probe over plain HTTP; everything else is redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # core/health.py
# Browser features no page of ours uses, switched off for us and every embedded frame
# (core/security.py). Embeds keep what their iframe `allow` attribute asks for. Only
# features browsers know: an unknown one prints a console warning on every page
# (tests/security/test_browser_csp.py checks Chromium's console).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "browsing-topics", "camera",
        "display-capture", "geolocation", "gyroscope", "hid", "magnetometer", "microphone",
        "midi", "payment", "serial", "usb",
    )
}  # fmt: skip

# Content-Security-Policy (django-csp 4): our own assets only. Frames only from the embed
# providers that articles/embeds.py rebuilds iframe addresses for; no plugins, no <base>
# tricks, forms post only to us, and nobody may frame our pages.
_ASSET_ORIGINS = sorted(
    {
        f"{url.scheme}://{url.netloc}"
        for url in map(urlsplit, (STATIC_URL, MEDIA_URL))
        if url.scheme in {"http", "https"}
    }
)
EMBED_FRAME_ORIGINS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://t.me",
]
TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE: the admin's rich-text editor loads through an inline import map, which the
        # story admin renders with this request's nonce (only pages that use it get one).
        "script-src": [SELF, NONCE, *_ASSET_ORIGINS],
        # The hash admits exactly one inline <style>: the base editor CSS that
        # django-prose-editor's editor.js (tiptap) injects (a test recomputes it).
        "style-src": [SELF, TIPTAP_STYLE_HASH, *_ASSET_ORIGINS],
        "img-src": [SELF, *_ASSET_ORIGINS],
        "font-src": [SELF, *_ASSET_ORIGINS],
        "media-src": [SELF, *_ASSET_ORIGINS],
        "connect-src": [SELF],
        "frame-src": EMBED_FRAME_ORIGINS,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = _csp_report_uri

# Admin login brute force (django-axes; staffauth/lockouts.py, docs/security.md): clients are
# counted like the rate limits (TRUSTED_PROXIES, an IPv6 client's /64), attempts in the database.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_network"
AXES_RESET_ON_SUCCESS = True
# A refused attempt during a lockout is not counted (nor lengthens the pause).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "staffauth.lockouts.lockout_response"
AXES_HANDLER = "staffauth.lockouts.LockoutHandler"
# Staff sign in through the admin; a login whose `next` is refused lands there, not on a 404.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Two-step sign-in (django-otp: authenticator apps, recovery codes; django-otp-webauthn:
# passkeys). Roles (group names; "superusers" for every superuser) that must use a second
# factor: they enrol at their next sign-in. Anyone else may enrol, and is then asked too.
# With DEBUG on (make run) nobody must, so the demo logins work with a password.
STAFF_2FA_REQUIRED_ROLES = env.list(
    "STAFF_2FA_REQUIRED_ROLES", default=[] if DEBUG else ["Editor", "superusers"]
)
# A staff session unused this long is signed out (the next request asks for sign-in again).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=60)
OTP_TOTP_ISSUER = SITE_NAME
# The admin never shows a device's secret (an authenticator's key or QR code, recovery codes).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys belong to SITE_URL's host name (localhost works, a bare IP does not; changing the
# host orphans every passkey).
OTP_WEBAUTHN_RP_ID = urlsplit(SITE_URL).hostname
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))]
if not SITE_URL.startswith(("https://", "http://localhost")):
    # Browsers offer passkeys only there; elsewhere (http://127.0.0.1) the other factors work.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "otp_webauthn.E031"]
# A passkey is a second factor here, after the password (which django-axes rate-limits).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# --- Readers: most popular, live coverage, comments ---------------------------------------
# Story reads are counted in the cache and flushed to the database every this many beacons
# or seconds in a process (and by a periodic task when the cache is Redis).
READ_COUNT_FLUSH_EVERY = env.int("READ_COUNT_FLUSH_EVERY", default=100)
READ_COUNT_FLUSH_SECONDS = env.int("READ_COUNT_FLUSH_SECONDS", default=60)
READ_BEACON_RATE_LIMIT_PER_IP = env.str("READ_BEACON_RATE_LIMIT_PER_IP", default="60/m")
MOST_POPULAR_DAYS = env.int("MOST_POPULAR_DAYS", default=7)
MOST_POPULAR_COUNT = env.int("MOST_POPULAR_COUNT", default=5)
# How often open pages ask for new News Feed items and live updates (seconds).
NEWS_FEED_POLL_SECONDS = env.int("NEWS_FEED_POLL_SECONDS", default=30)
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=15)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=14)
COMMENT_RATE_LIMIT_PER_IP = env.str("COMMENT_RATE_LIMIT_PER_IP", default="5/10m")

# --- Logging ------------------------------------------------------------------------------
_CONSOLE = {"console": {"class": "logging.StreamHandler"}}
_ROOT = {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")}
LOGGING = {"version": 1, "disable_existing_loggers": False, "handlers": _CONSOLE, "root": _ROOT}

# --- Newsroom -----------------------------------------------------------------------------
# Widths (px) of the resized photo renditions served with srcset.
PHOTO_RENDITION_WIDTHS = [320, 640, 1024, 1600]
READING_WORDS_PER_MINUTE = 230
# Longest a shared preview link of an unpublished story may live, counted from when it is made
# or extended: a forgotten link must not keep a draft readable for months.
PREVIEW_LINK_MAX_DAYS = env.int("PREVIEW_LINK_MAX_DAYS", default=7)
# Searches one IP may run ("<count>/<s|m|h|d>"); more get a polite "try again shortly".
SEARCH_RATE_LIMIT_PER_IP = env.str("SEARCH_RATE_LIMIT_PER_IP", default="30/m")
# Where the support appeal under stories sends readers (the payment provider's page; empty
# hides the appeal; the demo shows a placeholder).
DONATION_URL = env.str("DONATION_URL", default="https://example.org/donate" if DEBUG else "")
