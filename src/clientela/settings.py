"""Django settings for Clientela, read from CLIENTELA_* environment variables.

Safe defaults for embedded mode (SQLite in the data dir, debug off, plain
HTTP on loopback); production turns on CLIENTELA_HTTPS and points
CLIENTELA_DATABASE_URL at PostgreSQL.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from clientela.core.env import (
    data_dir,
    database_config,
    email_config,
    env_bool,
    env_list,
    env_networks,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("CLIENTELA_DEBUG", False)
HTTPS = env_bool("CLIENTELA_HTTPS", False)
# The reverse proxies in front of Clientela: only their X-Forwarded-For (the browser's
# address, which login throttling counts by) and X-Forwarded-Proto are believed.
TRUSTED_PROXIES = env_networks("CLIENTELA_TRUSTED_PROXIES")
TESTING = False  # the test settings flip this

ALLOWED_HOSTS = env_list("CLIENTELA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CLIENTELA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "ninja",
    "clientela.core",
    "clientela.accounts",
    "clientela.audit",
    "clientela.parties",
    "clientela.activities",
    "clientela.devdata",
    "clientela.api",
    "clientela.web",
]

MIDDLEWARE = [
    "clientela.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clientela.core.middleware.NoStoreMiddleware",
    "clientela.api.middleware.JsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clientela.accounts.middleware.UserLanguageMiddleware",
    "clientela.accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clientela.accounts.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "clientela.urls"
WSGI_APPLICATION = "clientela.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clientela.web.context_processors.shell",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

DATABASES = {"default": database_config(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a one-way commitment for the whole domain: the site owner's call.
    SECURE_HSTS_PRELOAD = False
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is answered over plain HTTP by the load balancer's probe.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
else:
    # Embedded mode speaks plain HTTP; `check --deploy` warnings about it are expected.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", _("Portuguese (Brazil)")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "clientela_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("CLIENTELA_TIME_ZONE", "America/Sao_Paulo")
# Off: with it every {{ number }} in a template is grouped, so ids and versions past 999
# reach forms as "1.110" and post back as nothing. Numbers shown to people are grouped
# where they are shown (|intcomma).
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["clientela.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder
# Served by WhiteNoise straight from the installed package: no collectstatic step needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND, _email = email_config()
globals().update(_email)
DEFAULT_FROM_EMAIL = env_str("CLIENTELA_DEFAULT_FROM", "Clientela <clientela@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CLIENTELA_SMS_URL = env_str("CLIENTELA_SMS_URL", "")

NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
