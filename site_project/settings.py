"""Settings for every environment, read from environment variables (and a local .env).

Defaults are safe for production: DEBUG is off unless the run command turns it on, and
there is no committed secret. See docs/configuration.md for every variable.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from xstatic.pkg import bootstrap as xstatic_bootstrap

from site_project.edge import trusted_networks
from site_project.mail_config import mailer_from_url, send_window_from_env, warmup_start_from_env
from site_project.private_storage import private_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Development reads .env in the project folder. Production turns that off: its settings come
# from systemd's EnvironmentFile (or honcho -e) alone, and a stray .env can't add to them.
if env.bool("READ_DOTENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Put it in the environment or in .env "
            "(`make install` writes a random one to .env for local use)."
        )
    SECRET_KEY = "insecure-development-only-key"  # noqa: S105 - only ever with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "two_step.apps.StaffAdminConfig",  # the admin, with two-step sign-in in front of it
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",
    "simple_history",
    "django_ratelimit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_step.apps.TwoStepConfig",
    "articles",
    "assessment",
    "calls",
    "leads",
    "insights",
    "crm_webhooks",
    "operations",
]

MIDDLEWARE = [
    "site_project.edge.ForwardedHeadersMiddleware",  # before anything reads X-Forwarded-*
    # Stores public pages as the rest of the stack sends them; site_project.wsgi serves them
    # to anonymous visitors before any middleware runs (site_project/page_cache.py).
    "site_project.page_cache.PageCacheMiddleware",
    "site_project.request_log.RequestIdMiddleware",  # early: every later log line has the id
    "django.middleware.security.SecurityMiddleware",
    # The CSP middleware comes before WhiteNoise so static files get the header too; ours sits
    # inside it, to pick the admin's policy before the header is written.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "site_project.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # marks sessions verified by a two-step code
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "site_project.ratelimits.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "site_project.urls"
WSGI_APPLICATION = "site_project.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "site_project.context_processors.firm",
                "site_project.context_processors.site_urls",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web workers and Celery write at the same time. A deferred SQLite transaction that
    # reads first and then writes fails at once with "database is locked" when another
    # writer got in between; IMMEDIATE takes the write lock at BEGIN and waits for it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is the Celery broker and the shared cache. A cache outage must never break a
# page, so cache errors are logged and treated as misses.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": "site",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
# A cache error is logged (the site goes on without the cache); `make content` turns it off
# because it runs before `make run` starts Redis.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = env.bool("CACHE_LOG_ERRORS", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Whole public pages for anonymous visitors, served before the middleware (the edge):
# a Redis URL, by default the cache's; empty turns the edge off.
PAGE_CACHE_URL = env.str("PAGE_CACHE_URL", default=CACHES["default"]["LOCATION"])
# Each web process also keeps the pages it served from Redis in memory this long (0: off),
# and pushes their views in batches: an edit shows within this time, and a process killed
# outright loses at most VIEWS_MAX_WAIT_SECONDS of its views (site_project/page_cache.py).
PAGE_CACHE_LOCAL_SECONDS: float = env.float("PAGE_CACHE_LOCAL_SECONDS", default=1.0)
# Sessions (quiz progress) are read from Redis and written through to the database: one
# query fewer on every quiz step, and a Redis outage falls back to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# django-axes first: it refuses a locked-out account before a password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin sign-in lockout: this many wrong passwords for one account from one address lock that
# pair for a while (locking by account alone would let anyone lock the whole team out).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "site_project.ratelimits.admin_locked_out"
AXES_CLIENT_IP_CALLABLE = "site_project.edge.visitor_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "code", "secret"]

# Two-step sign-in (two_step/): staff may add an authenticator app; with this on, every
# staff member must, and is sent to set one up at their next sign-in.
ADMIN_REQUIRE_2FA: bool = env.bool("ADMIN_REQUIRE_2FA", default=False)

# Argon2 for new and changed passwords; the others stay so existing hashes still verify
# (and are upgraded to Argon2 at the next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/Denver")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic_bootstrap.BASE_DIR),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The site serves public uploads itself unless a web server or CDN in front does.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
# Files that must never have a public URL (the whitepaper): outside MEDIA_ROOT, and no URL
# pattern serves this folder. Only a view that checks a signed link reads from it.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The whitepaper: PRIVATE_MEDIA_ROOT, or an S3-compatible bucket with PRIVATE_STORAGE=s3.
    "private": private_storage_from_env(env),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console output unless EMAIL_URL points at a real server.
MAILERS = {
    "default": mailer_from_url(
        env.str("EMAIL_URL", default="consolemail://"),
        backend_override=env.str("EMAIL_BACKEND_OVERRIDE", default=""),
    )
}
# An email service provider through django-anymail (EMAIL_BACKEND_OVERRIDE): its settings
# as JSON in ANYMAIL, e.g. '{"AMAZON_SES_CLIENT_PARAMS": {"region_name": "us-east-1"}}',
# and/or one variable each, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN=... (read as text).
ANYMAIL = env.json("ANYMAIL", default={}) | {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="careers@example.com")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The result email is transactional; follow-ups may come from a separate address, so
# complaints about marketing mail never hurt the reputation of the transactional one.
RESULT_FROM_EMAIL: str = env.str("RESULT_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)
FOLLOWUP_FROM_EMAIL: str = env.str("FOLLOWUP_FROM_EMAIL", default=RESULT_FROM_EMAIL)
RECRUITING_TEAM_EMAIL: str = env.str("RECRUITING_TEAM_EMAIL", default="recruiting@example.com")
# The display name on From (empty: FIRM_NAME); the envelope sender (Return-Path) that
# receives bounces (empty: the From address); the sender id in follow-ups' Feedback-ID
# (empty: from SITE_URL's host). See docs/email.md.
EMAIL_FROM_NAME: str = env.str("EMAIL_FROM_NAME", default="")
EMAIL_ENVELOPE_FROM: str = env.str("EMAIL_ENVELOPE_FROM", default="")
EMAIL_FEEDBACK_SENDER_ID: str = env.str("EMAIL_FEEDBACK_SENDER_ID", default="")
# Temporary bounces in a row (no delivery between) before an address is suppressed.
SUPPRESS_AFTER_SOFT_BOUNCES: int = env.int("SUPPRESS_AFTER_SOFT_BOUNCES", default=3)
# DKIM for mail sent over SMTP (EMAIL_URL): all three set turns signing on. The key is the
# PEM text (line breaks may be written as \n). docs/email.md#dkim-spf-and-dmarc
DKIM_SELECTOR: str = env.str("DKIM_SELECTOR", default="")
DKIM_DOMAIN: str = env.str("DKIM_DOMAIN", default="")
DKIM_PRIVATE_KEY: str = env.str("DKIM_PRIVATE_KEY", default="", multiline=True)

# The email outbox (leads app): how hard to try, and when a claimed row counts as stuck.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_SENDING_TIMEOUT_SECONDS = env.int("OUTBOX_SENDING_TIMEOUT_SECONDS", default=600)
OUTBOX_RETRY_BACKOFF_SECONDS = env.int("OUTBOX_RETRY_BACKOFF_SECONDS", default=30)
OUTBOX_RETRY_BACKOFF_MAX_SECONDS = env.int("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", default=300)
# A fresh row is left this long to its own on-commit hand-off before the sweeper steps in.
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60)

# Sending pace (leads/pace.py), held across every worker in Redis; 0 switches a cap off. Set
# the global cap at or under your provider's limit. Transactional mail may run this many
# messages ahead of the spacing. docs/email.md#pace-and-send-window
EMAIL_PACE_URL: str = env.str("EMAIL_PACE_URL", default=REDIS_URL)
EMAIL_RATE_PER_MINUTE: int = env.int("EMAIL_RATE_PER_MINUTE", default=600)
EMAIL_RATE_PER_DOMAIN_PER_MINUTE: int = env.int("EMAIL_RATE_PER_DOMAIN_PER_MINUTE", default=0)
EMAIL_RATE_TRANSACTIONAL_BURST: int = env.int("EMAIL_RATE_TRANSACTIONAL_BURST", default=20)
# Warm-up of a new sending domain: follow-ups a day from EMAIL_WARMUP_START (YYYY-MM-DD), one
# figure per day, e.g. "50,100,200,400,800"; after the last day, no daily limit.
EMAIL_WARMUP_START = warmup_start_from_env(env.str("EMAIL_WARMUP_START", default=""))
EMAIL_WARMUP_DAILY: list[int] = env.list("EMAIL_WARMUP_DAILY", cast=int, default=[])
# Follow-ups go out only between these hours in the lead's own time zone (the browser's, else
# the firm's TIME_ZONE); one that comes due outside waits for the window to open.
FOLLOW_UP_SEND_WINDOW = send_window_from_env(
    env.list("FOLLOW_UP_SEND_WINDOW", cast=int, default=[8, 18])
)

# Webhooks to the firm's CRM (crm_webhooks, docs/webhooks.md): how long to wait for a
# receiver, how much of its answer to read, how hard to try, when to give up on an endpoint.
WEBHOOK_TIMEOUT_SECONDS: float = env.float("WEBHOOK_TIMEOUT_SECONDS", default=8.0)
WEBHOOK_MAX_RESPONSE_BYTES: int = env.int("WEBHOOK_MAX_RESPONSE_BYTES", default=65536)
WEBHOOK_MAX_ATTEMPTS: int = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_RETRY_BACKOFF_SECONDS: int = env.int("WEBHOOK_RETRY_BACKOFF_SECONDS", default=30)
WEBHOOK_RETRY_BACKOFF_MAX_SECONDS: int = env.int("WEBHOOK_RETRY_BACKOFF_MAX_SECONDS", default=14400)
WEBHOOK_SENDING_TIMEOUT_SECONDS: int = env.int("WEBHOOK_SENDING_TIMEOUT_SECONDS", default=120)
WEBHOOK_SWEEP_GRACE_SECONDS: int = env.int("WEBHOOK_SWEEP_GRACE_SECONDS", default=60)
WEBHOOK_DISABLE_AFTER_DAYS: int = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=3)
# Networks webhooks may reach although they are not public (e.g. a CRM on the office
# network, "10.1.2.0/24"); empty: public addresses only (the SSRF guard).
WEBHOOK_ALLOWED_NETWORKS: list[str] = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
# Finished deliveries keep their payload (personal data) this long, for resending.
WEBHOOK_PAYLOAD_RETENTION_DAYS: int = env.int("WEBHOOK_PAYLOAD_RETENTION_DAYS", default=30)
# Who is emailed when an endpoint is switched off; empty: every active superuser.
WEBHOOK_ALERT_EMAILS: list[str] = env.list("WEBHOOK_ALERT_EMAILS", default=[])

# GDPR: leads not placed or qualified are erased this many days after their last activity.
LEAD_RETENTION_DAYS = env.int("LEAD_RETENTION_DAYS", default=365)
# Raw funnel events are kept this long after their day is summed (insights.DailyCount).
INSIGHTS_RAW_RETENTION_DAYS = env.int("INSIGHTS_RAW_RETENTION_DAYS", default=30)
# Funnel events wait in this Redis and are written in bulk every minute (insights/buffer.py);
# empty writes each one straight to the database.
INSIGHTS_BUFFER_URL = env.str("INSIGHTS_BUFFER_URL", default=REDIS_URL)

# Celery: configured here under the CELERY_ namespace (see site_project/celery.py).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task is interrupted after the soft limit and killed after the hard one, both under
# the 60 s systemd gives a stopping worker (TimeoutStopSec) before SIGKILL, so a warm
# shutdown always ends by itself. The longest task, a year's insights roll-up, took 5-17 s
# in `make bench`; an email waits at most 10 s per SMTP step (site_project/mail_config.py).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=40)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=50)
# Processes per worker; unset means one per CPU core, Celery's own default.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A down broker must not hold up a web request: connect and publish fail fast, and the
# outbox sweeper sends later whatever could not be queued.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "leads-sweep-outbox": {
        "task": "leads.tasks.sweep_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},  # a backlog of sweeps helps nobody
    },
    "crm-webhooks-sweep": {
        "task": "crm_webhooks.tasks.sweep_webhooks",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "crm-webhooks-prune-payloads": {
        "task": "crm_webhooks.tasks.prune_webhook_payloads",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
    "insights-flush-events": {
        "task": "insights.tasks.flush_events",
        "schedule": 60.0,  # the dashboard's figures are at most about a minute behind
        "options": {"expires": 55},
    },
    "insights-roll-up": {
        "task": "insights.tasks.roll_up_events",
        "schedule": 3600.0,  # hourly: a missed night catches up, and a rolled day is skipped
        "options": {"expires": 3000},
    },
    "calls-escalate-overdue": {
        "task": "calls.tasks.escalate_overdue_calls",
        "schedule": 300.0,  # an overdue request reaches the team within five minutes
        "options": {"expires": 290},
    },
    "leads-erase-expired": {
        "task": "leads.tasks.erase_expired_leads",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# The firm, as it appears on every page and email.
FIRM_NAME = env.str("FIRM_NAME", default="Solar Talent Partners")
OTP_TOTP_ISSUER = FIRM_NAME  # the name authenticator apps show next to the codes
# The logo in every page's header: a path under static/ or a full URL (whose host the CSP
# below then allows for images). Its text alternative is FIRM_NAME. docs/configuration.md
FIRM_LOGO = env.str("FIRM_LOGO", default="img/logo.svg")
FIRM_TAGLINE = env.str("FIRM_TAGLINE", default="Recruiting for the solar and clean-energy industry")
# The example address is for development only: `check --deploy` refuses it with DEBUG off
# (operations/checks.py), because every page and email shows it.
EXAMPLE_POSTAL_ADDRESS = "100 Example Street, Suite 200, Denver, CO 80202, USA"
FIRM_POSTAL_ADDRESS = env.str("FIRM_POSTAL_ADDRESS", default=EXAMPLE_POSTAL_ADDRESS)
# How visitors reach a recruiter (the contact page, the result's next step); blank hides a line.
FIRM_PHONE = env.str("FIRM_PHONE", default="")
FIRM_CONTACT_EMAIL = env.str("FIRM_CONTACT_EMAIL", default=DEFAULT_FROM_EMAIL)
FIRM_OFFICE_HOURS = env.str("FIRM_OFFICE_HOURS", default="Monday to Friday, 8 am to 6 pm")
# Brand colours: the primary must keep 4.5:1 contrast with white text.
FIRM_COLOR_PRIMARY = env.str("FIRM_COLOR_PRIMARY", default="#0b5563")
FIRM_COLOR_ACCENT = env.str("FIRM_COLOR_ACCENT", default="#f2b134")
# Who signs a follow-up email: the lead's recruiter (their name, then this role and the
# firm), else the team signature below. docs/email.md#the-layout
EMAIL_SIGNATURE_RECRUITER_ROLE = env.str("EMAIL_SIGNATURE_RECRUITER_ROLE", default="Recruiter")
EMAIL_SIGNATURE_TEAM_NAME = env.str("EMAIL_SIGNATURE_TEAM_NAME", default="The recruiting team")
EMAIL_SIGNATURE_TEAM_ROLE = env.str("EMAIL_SIGNATURE_TEAM_ROLE", default=FIRM_NAME)

ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=10)

# The assessment: a details form sent sooner than this after starting the quiz is treated
# as a bot (it sees a result page; nothing is stored or sent).
QUIZ_MIN_SECONDS = env.int("QUIZ_MIN_SECONDS", default=8)
# How long the signed whitepaper download link in the result page and email keeps working.
WHITEPAPER_LINK_MAX_AGE_DAYS = env.int("WHITEPAPER_LINK_MAX_AGE_DAYS", default=7)

# Call requests (calls app, docs/calls.md). The firm's business hours, in TIME_ZONE: days
# (Mon-Fri, or Mon,Wed,Fri) and opening-closing times. A request is due this many minutes of
# business time after it arrives; overdue ones are escalated to RECRUITING_TEAM_EMAIL once.
FIRM_BUSINESS_HOURS: str = env.str("FIRM_BUSINESS_HOURS", default="Mon-Fri 08:00-17:00")
# Whole days the firm is closed, which deadlines skip: YYYY-MM-DD, comma-separated
# (checked at start-up, calls.E002).
FIRM_HOLIDAYS: list[str] = env.list("FIRM_HOLIDAYS", default=[])
CALL_REQUEST_DUE_MINUTES: int = env.int("CALL_REQUEST_DUE_MINUTES", default=120)
# How long the signed call-request link in the result page and emails keeps working.
CALL_LINK_MAX_AGE_DAYS: int = env.int("CALL_LINK_MAX_AGE_DAYS", default=60)
# How long the confirm, reschedule and cancel links in a call invitation (and its reminders)
# keep working: longer than the furthest a call can be booked ahead (90 days).
CALL_INVITE_LINK_MAX_AGE_DAYS: int = env.int("CALL_INVITE_LINK_MAX_AGE_DAYS", default=100)
# Where a phone number written without a country code is taken to be (ISO 3166 code).
PHONE_DEFAULT_REGION: str = env.str("PHONE_DEFAULT_REGION", default="US")

# /readyz: how long each check (Redis, a Celery worker's ping) may take.
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=1.0)

# HTTPS hardening: on in production (HTTPS=on), off for local http.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers often check health over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
# The proxies whose X-Forwarded-* headers count (addresses or networks; gunicorn reads the
# same list). From anyone else those headers are dropped (site_project/edge.py).
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
trusted_networks(tuple(FORWARDED_ALLOW_IPS))  # a typo stops the site instead of trusting it
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django's own CSP (6.0+) rather than django-csp: same header, nonces and per-view overrides,
# one dependency fewer. Public pages have no inline script or style, so none is allowed;
# Bootstrap's form controls draw their ticks with data: SVG images. A nonce goes into the
# header only when a template uses {{ csp_nonce }}; never in a page the page cache shares.
_logo = urlsplit(FIRM_LOGO)
LOGO_ORIGINS = [f"{_logo.scheme}://{_logo.netloc}"] if _logo.scheme in ("http", "https") else []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *LOGO_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The admin only (site_project.middleware): django-prose-editor writes an inline import map
# (allowed by its hash, added by the middleware, not by 'unsafe-inline') and inline styles,
# and the email previews show HTML email, whose styles are inline by nature.
ADMIN_CSP = SECURE_CSP | {
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *LOGO_ORIGINS],
}
# Powerful browser features the site never uses, switched off for it and anything it frames.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "site_project.views.csrf_failure"

# Rate limits (site_project/ratelimits.py), counted in the shared Redis cache. Off only for
# load tests (RATELIMIT_ENABLE=off). Should Redis be down, forms work unlimited rather than
# refusing everyone.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_FAIL_OPEN = True
# POSTs to these views (by URL name): (django-ratelimit's "count/period", what is counted).
RATELIMITS = {
    "assessment:intro": (env.str("RATELIMIT_QUIZ_START", default="60/h"), "ip"),
    "assessment:question": (env.str("RATELIMIT_QUIZ_ANSWERS", default="600/h"), "ip"),
    "assessment:details": (env.str("RATELIMIT_QUIZ", default="20/h"), "ip"),
    "assessment:new_link": (env.str("RATELIMIT_NEW_LINK", default="5/h"), "ip"),
    "leads:unsubscribe": (env.str("RATELIMIT_UNSUBSCRIBE", default="20/h"), "token"),
    "calls:request": (env.str("RATELIMIT_CALL_REQUEST", default="20/h"), "token"),
    "calls:invite-reschedule": (env.str("RATELIMIT_CALL_REQUEST", default="20/h"), "token"),
    "admin:login": (env.str("RATELIMIT_ADMIN_LOGIN", default="10/10m"), "ip"),
    "admin:two_step_code": (env.str("RATELIMIT_ADMIN_LOGIN", default="10/10m"), "ip"),
}

# Logs: one JSON object a line in production (for a log collector), readable text when
# DEBUG is on. Every line names the request (or the task it started): site_project/request_log.py.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "site_project.request_log.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "site_project.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # lockouts and failures, not every start-up banner
    },
}

# Error reporting: Sentry only when SENTRY_DSN is set; otherwise the SDK is never imported.
# Request bodies and personal data stay out of reports: forms here carry people's details.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        max_request_body_size="never",
        # Stack frames' local variables can hold a visitor's form data (the request's repr
        # includes POST values on some Python versions), so they never leave the server.
        include_local_variables=False,
    )
