"""Reading CLIENTELA_* environment variables, with clear errors for bad values."""

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/true/yes/on or 0/false/no/off, not {raw!r}"
    )


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def env_networks(name: str) -> tuple[Network, ...]:
    """Comma-separated IP addresses or networks ("127.0.0.1", "10.0.0.0/8", "::1")."""
    networks = []
    for item in env_list(name, []):
        if item == "*":
            raise ImproperlyConfigured(
                f"{name} must list addresses or networks, not '*': trusting every client "
                "would let anyone choose the address Clientela sees"
            )
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def address_in(address: str, networks) -> bool:
    """Whether an address (as in REMOTE_ADDR) is in one of the networks."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def data_dir_path() -> Path:
    """The folder for the SQLite database, the secret key and static files (not created)."""
    raw = os.environ.get("CLIENTELA_DATA_DIR") or "~/.local/share/clientela"
    return Path(raw).expanduser().resolve()


def data_dir() -> Path:
    """The data dir (see data_dir_path), created when missing."""
    path = data_dir_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """CLIENTELA_SECRET_KEY, else a key generated once into the data dir (mode 0600)."""
    explicit = os.environ.get("CLIENTELA_SECRET_KEY")
    if explicit:
        return explicit
    key_file = folder / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def database_config(folder: Path) -> dict:
    url = os.environ.get("CLIENTELA_DATABASE_URL", "").strip()
    if not url:
        return sqlite_config(folder / "clientela.sqlite3")
    return database_config_from_url(url)


def sqlite_config(path: Path | str) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # IMMEDIATE transactions take the write lock up front, so two writers
            # wait for each other (busy timeout) instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # A 64 MB page cache and memory-mapped reads keep a search that walks the
            # whole registry (a rare word on 50,000 parties) in memory.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
            ),
        },
        "TEST": {"NAME": None},
    }


def database_config_from_url(url: str) -> dict:
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = unquote(parsed.path[1:] if parsed.path.startswith("/") else parsed.path)
        if not path:
            raise ImproperlyConfigured("CLIENTELA_DATABASE_URL sqlite:/// needs a file path")
        return sqlite_config(path)
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "clientela",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"CLIENTELA_DATABASE_URL must start with sqlite:// or postgres://, not {scheme or url!r}"
    )


def email_config() -> tuple[str, dict]:
    """CLIENTELA_EMAIL_URL: smtp://user:pass@host:port, smtp+tls://, smtps://; console if unset."""
    url = os.environ.get("CLIENTELA_EMAIL_URL", "").strip()
    if not url:
        return "django.core.mail.backends.console.EmailBackend", {}
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    defaults = {"smtp": 25, "smtp+tls": 587, "smtps": 465}
    if scheme not in defaults:
        raise ImproperlyConfigured(
            f"CLIENTELA_EMAIL_URL must start with smtp://, smtp+tls:// or smtps://, not {scheme!r}"
        )
    return "django.core.mail.backends.smtp.EmailBackend", {
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or defaults[scheme],
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_TIMEOUT": 20,
    }
