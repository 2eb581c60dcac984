"""Settings for the test suite: it reads only CLIENTELA_TEST_DATABASE_URL
(and CLIENTELA_REQUIRE_BROWSER, CI's demand that browser tests fail, not skip).

SQLite (in memory) unless that variable points at PostgreSQL. Other CLIENTELA_*
variables of the developer's shell are ignored, so every run starts alike.
"""

import os
import tempfile

for _name in [name for name in os.environ if name.startswith("CLIENTELA_")]:
    if _name not in ("CLIENTELA_TEST_DATABASE_URL", "CLIENTELA_REQUIRE_BROWSER"):
        del os.environ[_name]
os.environ["CLIENTELA_DATA_DIR"] = tempfile.mkdtemp(prefix="clientela-test-")

from clientela.core.env import database_config_from_url  # noqa: E402
from clientela.settings import *  # noqa: E402,F403

TESTING = True
_url = os.environ.get("CLIENTELA_TEST_DATABASE_URL", "").strip()
if _url:
    DATABASES = {"default": database_config_from_url(_url)}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            "TEST": {"NAME": None},
        }
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Plain static storage: hashed storage 404s under live_server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "pt-br"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
