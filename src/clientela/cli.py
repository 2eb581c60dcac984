"""The `clientela` command: run, demo, worker and manage.

Django settings read the environment when they are imported, so every
option that feeds them (--data-dir) is turned into an environment variable
before Django is set up.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import signal
import sqlite3
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SERVER_THREADS = 8
# Key of the PostgreSQL advisory lock that serialises migrations and the first-run
# setup when several hosts start at once ("clientela" in ASCII, cut to 63 bits).
MIGRATION_LOCK_KEY = int.from_bytes(b"clientel", "big") & 0x7FFF_FFFF_FFFF_FFFF
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class CliError(Exception):
    """A failure to report in one line on stderr, with exit status 1."""


# --- arguments ------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("clientela")
    except PackageNotFoundError:
        return "unknown"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {value}")
    return value


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="D",
        help="folder for the SQLite database and the secret key "
        "(default: $CLIENTELA_DATA_DIR, else ~/.local/share/clientela)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientela",
        description="Clientela, a customer-relationship system for small service businesses.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name, summary in (
        ("run", "serve Clientela over HTTP, with its background worker"),
        ("demo", "like run, after loading demo data into an empty database"),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
        command.add_argument("--port", type=_port, default=DEFAULT_PORT, help="port to listen on")
        _add_data_dir(command)
        command.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run the background worker in this process",
        )

    worker = commands.add_parser(
        "worker", help="run the background worker", description="Run the background worker."
    )
    worker.add_argument("--once", action="store_true", help="run every job once, then exit")
    _add_data_dir(worker)

    manage = commands.add_parser(
        "manage",
        help="run a Django management command: clientela manage [--data-dir D] COMMAND "
        "(clientela manage help lists them)",
        add_help=False,
    )
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        # Everything after `manage` belongs to Django, --help and all (but --data-dir).
        name = "manage"
        args = None
    else:
        args = build_parser().parse_args(argv)
        name = args.command
    try:
        if args is None or args.command == "manage":
            return manage(argv[1:] if args is None else args.args)
        if args.command == "worker":
            return worker_command(args)
        return run_command(args, demo=args.command == "demo")
    except CliError as exc:
        print(f"clientela {name}: error: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:  # Ctrl+C before serving (e.g. during migrations)
        print(f"clientela {name}: interrupted", file=sys.stderr, flush=True)
        return 130


# --- Django set-up -----------------------------------------------------------------


def setup_django(data_dir: str | None = None) -> None:
    if data_dir:
        os.environ["CLIENTELA_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise CliError(f"bad configuration: {exc}") from None
    except OSError as exc:
        raise CliError(f"cannot use the data dir: {exc}") from None


# Django commands that work without Clientela's database (`migrate` sets it up).
NO_DATABASE_COMMANDS = frozenset(
    {
        "help",
        "version",
        "check",
        "compilemessages",
        "makemessages",
        "makemigrations",
        "diffsettings",
        "sendtestemail",
        "startapp",
        "startproject",
        "collectstatic",
        "findstatic",
    }
)
SETS_UP_DATABASE_COMMANDS = frozenset({"migrate"})


def split_data_dir(args: list[str]) -> tuple[str | None, list[str]]:
    """Take `--data-dir D` (or `--data-dir=D`) out of the arguments of `manage`.

    It may come before or after the Django command's name, anywhere before a `--`;
    no Django command has an option of that name.
    """
    data_dir, rest = None, []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg == "--data-dir":
            if index + 1 >= len(args) or not args[index + 1]:
                raise CliError("--data-dir needs a folder")
            data_dir = args[index + 1]
            index += 2
            continue
        if arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
            if not data_dir:
                raise CliError("--data-dir needs a folder")
        else:
            rest.append(arg)
        index += 1
    return data_dir, rest


def _sqlite_tables(path: Path) -> set[str]:
    """The tables of an SQLite file, read without creating or changing it."""
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as database:
        rows = database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def database_not_set_up() -> str | None:
    """Why the SQLite database cannot serve a command (None: it can, or it is PostgreSQL)."""
    from django.db import connection

    from clientela.worker import sqlite_file

    path = sqlite_file(connection)
    if path is None:
        return None
    hint = (
        "set it up with `clientela run` (or `clientela manage migrate`), or point "
        "--data-dir or CLIENTELA_DATA_DIR at the data dir of an existing one"
    )
    if not path.exists():
        return f"there is no Clientela database at {path}: {hint}"
    try:
        tables = _sqlite_tables(path)
    except sqlite3.Error as exc:
        return f"cannot read the database {path}: {exc}"
    if "django_migrations" not in tables:
        return f"the database {path} has not been set up: {hint}"
    return None


@contextlib.contextmanager
def _leave_no_empty_database() -> Iterator[None]:
    """For commands that need no database: remove the empty SQLite file that opening a
    connection (e.g. makemigrations' history check) would otherwise leave behind."""
    from django.db import connection, connections

    from clientela.worker import sqlite_file

    path = sqlite_file(connection)
    existed = path is None or path.exists()
    try:
        yield
    finally:
        if not existed and path.exists():
            connections.close_all()
            try:
                empty = not _sqlite_tables(path)
            except sqlite3.Error:
                empty = False
            if empty:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)


# What reading the settings puts into the data dir (core.env, settings.py).
DATA_DIR_FILES = ("secret_key",)
DATA_DIR_FOLDERS = ("static",)


@contextlib.contextmanager
def _no_trace_when_refused(data_dir: str | None) -> Iterator[None]:
    """Reading the settings creates the data dir, its secret_key and static/. A command
    refused before it ran (no database set up, a bad configuration) takes back what this
    process created there: the data dir itself (and its parents) when they did not exist,
    else the files it added. Nothing else is touched."""
    from clientela.core.env import data_dir_path

    folder = Path(data_dir).expanduser().resolve() if data_dir else data_dir_path()
    missing = []  # the folder and its missing parents, deepest first
    path = folder
    while not path.exists() and path.parent != path:
        missing.append(path)
        path = path.parent
    new_files = [folder / name for name in DATA_DIR_FILES if not (folder / name).exists()]
    new_folders = [folder / name for name in DATA_DIR_FOLDERS if not (folder / name).exists()]
    try:
        yield
    except CliError:
        for leftover in new_files:
            leftover.unlink(missing_ok=True)
        for leftover in [*new_folders, *missing]:
            if not leftover.exists():
                continue
            try:
                leftover.rmdir()  # only when empty: never anything this process did not make
            except OSError:
                break
        raise


def manage(args: list[str]) -> int:
    data_dir, args = split_data_dir(args)
    command = args[0] if args else "help"
    needs_database = not (
        command.startswith("-")
        or command in NO_DATABASE_COMMANDS
        or command in SETS_UP_DATABASE_COMMANDS
    )
    with _no_trace_when_refused(data_dir):
        setup_django(data_dir)
        if needs_database:
            problem = database_not_set_up()
            if problem:
                raise CliError(f"{command}: {problem}")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    guard = contextlib.nullcontext() if needs_database else _leave_no_empty_database()
    try:
        with guard:
            # The program name shows in Django's help: "Type 'clientela manage help <subcommand>'".
            execute_from_command_line(["clientela manage", *args])
    except DatabaseError as exc:
        if "--traceback" in args:
            raise
        message = " ".join(str(exc).split())
        raise CliError(
            f"{command}: database error: {message} (after an upgrade, run "
            "`clientela manage migrate`; add --traceback for details)"
        ) from None
    return 0


def _connect() -> None:
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        raise CliError(f"cannot connect to the database: {exc}".strip()) from None


@contextlib.contextmanager
def migration_lock() -> Iterator[None]:
    """Serialise migrations and first-run set-up between processes starting at once."""
    from django.db import connection

    from clientela.worker import sqlite_file

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
        return
    database = sqlite_file(connection)
    if database is None:
        yield
        return
    with open(database.parent / "migrate.lock", "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def prepare_database(demo: bool) -> dict:
    """Migrate, create the first admin and (demo) load the demo data, under the lock."""
    from django.core.management import call_command

    from clientela.accounts.services import bootstrap_admin
    from clientela.worker import pending_migrations

    _connect()
    outcome: dict = {"admin_password": None, "demo": None}
    with migration_lock():
        pending = pending_migrations()
        if pending:
            print(f"Applying {pending} database migration(s)...", flush=True)
            call_command("migrate", interactive=False, verbosity=0)
        _admin, outcome["admin_password"] = bootstrap_admin(
            os.environ.get("CLIENTELA_ADMIN_PASSWORD") or None
        )
        if outcome["admin_password"]:
            # Printed now, before anything else can fail: it is shown only this once.
            print(
                f"Admin login: admin / {outcome['admin_password']} "
                "(shown once; change it after logging in)",
                flush=True,
            )
        if demo:
            from clientela.devdata.demo import DemoRefused, load_demo

            try:
                outcome["demo"] = load_demo(sys.stdout)
            except DemoRefused as exc:
                raise CliError(str(exc)) from None
    return outcome


def _print_demo(result: dict | None) -> None:
    if not result:
        return
    users = result.get("users") or []
    if users:
        print("Demo users (username / password, role):", flush=True)
        for username, password, role in users:
            print(f"  {username} / {password}  ({role})", flush=True)


# --- run and demo ------------------------------------------------------------------


def _url(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _allowed_hosts_hint(host: str, port: int) -> None:
    from django.conf import settings

    bare = host.strip("[]")
    allowed = set(settings.ALLOWED_HOSTS)
    if "*" in allowed or bare in allowed or f"[{bare}]" in allowed:
        return
    if bare in LOOPBACK_HOSTS:
        return
    print(
        f"Note: listening on {host}. To open Clientela by another name or address "
        f"(e.g. http://192.168.0.10:{port}/), list it in CLIENTELA_ALLOWED_HOSTS "
        "(comma-separated); only "
        f"{', '.join(settings.ALLOWED_HOSTS) or 'nothing'} is allowed now.",
        flush=True,
    )


# What the reverse proxies of CLIENTELA_TRUSTED_PROXIES may tell: the browser's address and
# protocol. Taken from the last entry each (trusted_proxy_count=1), the one the proxy in
# front of Clientela added; whatever the client wrote before it is not believed.
PROXY_HEADERS = "x-forwarded-for x-forwarded-proto"


def _one_address(networks) -> bool:
    return len(networks) == 1 and networks[0].num_addresses == 1


def _server_options() -> dict:
    """waitress's options (see _application for what they leave to Clientela)."""
    from django.conf import settings

    options: dict = {"threads": SERVER_THREADS, "ident": "Clientela"}
    proxies = settings.TRUSTED_PROXIES
    if proxies and _one_address(proxies):
        # waitress then sets REMOTE_ADDR to the browser's address, for requests from the proxy.
        options.update(
            trusted_proxy=str(proxies[0].network_address),
            trusted_proxy_count=1,
            trusted_proxy_headers=PROXY_HEADERS,
        )
    elif proxies:
        # waitress trusts one address or "*" (everyone): several proxies, or a network, are
        # checked by _application, request by request; waitress must not clear the headers
        # before that.
        options.update(clear_untrusted_proxy_headers=False)
    elif getattr(settings, "HTTPS", False):
        # Behind a TLS proxy: waitress drops X-Forwarded-* unless told to trust them.
        # Like Django's SECURE_PROXY_SSL_HEADER, trust only the protocol.
        options.update(trusted_proxy="*", trusted_proxy_headers="x-forwarded-proto")
    return options


def _application(application):
    """The WSGI application to serve: with several trusted proxies (or networks), one that
    gives the proxy headers of requests from them to waitress's own handling, as waitress
    does for its one trusted_proxy, and drops them from everyone else."""
    from django.conf import settings

    proxies = settings.TRUSTED_PROXIES
    if not proxies or _one_address(proxies):
        return application
    from waitress.proxy_headers import proxy_headers_middleware

    from clientela.core.env import address_in

    trusted = proxy_headers_middleware(
        application,
        trusted_proxy="*",
        trusted_proxy_count=1,
        trusted_proxy_headers=set(PROXY_HEADERS.split()),
    )
    untrusted = proxy_headers_middleware(application, trusted_proxy=None, clear_untrusted=True)

    def from_trusted_proxies_only(environ, start_response):
        if address_in(environ.get("REMOTE_ADDR", ""), proxies):
            return trusted(environ, start_response)
        return untrusted(environ, start_response)

    return from_trusted_proxies_only


def run_command(args: argparse.Namespace, *, demo: bool) -> int:
    stop = threading.Event()

    def on_signal(signum, frame):
        # Only the first signal counts. While serving, waitress turns SystemExit into
        # a clean shutdown; before that, it ends the set-up (transactions roll back).
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        stop.set()
        raise SystemExit(0)

    previous = _install_stop_handlers(on_signal)
    try:
        try:
            server = start_server(args, demo=demo)
        except SystemExit:
            print("Clientela stopped before it started serving.", flush=True)
            return 0
        return serve(server, stop, with_worker=not args.no_worker)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def start_server(args: argparse.Namespace, *, demo: bool):
    """Set up Django and the database, then bind the HTTP server (not serving yet)."""
    setup_django(args.data_dir)
    outcome = prepare_database(demo)
    _print_demo(outcome["demo"])

    import waitress
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    # WhiteNoise warns at start-up when STATIC_ROOT is missing; files come from the package.
    with contextlib.suppress(OSError):
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    application = get_wsgi_application()
    try:
        server = waitress.create_server(
            _application(application), host=args.host, port=args.port, **_server_options()
        )
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    port = getattr(server, "effective_port", None)
    if port is None:  # several sockets (e.g. "localhost" on IPv4 and IPv6)
        port = server.effective_listen[0][1]
    # The main thread's connection served the set-up; requests open their own.
    connections.close_all()
    print(f"Clientela is running at {_url(args.host, port)}", flush=True)
    _allowed_hosts_hint(args.host, port)
    return server


def _install_stop_handlers(handler) -> dict:
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, handler)
    return previous


def serve(server, stop: threading.Event, *, with_worker: bool) -> int:
    """Serve until SIGINT/SIGTERM (see run_command), with the worker in a thread."""
    from clientela import worker

    worker_thread = None
    try:
        if with_worker:
            try:
                worker_thread = worker.start_in_thread(stop)
            except worker.WorkerLockHeld as exc:
                print(f"Warning: {exc} Serving without the embedded worker.", file=sys.stderr)
        print("Press Ctrl+C to stop.", flush=True)
        server.run()
    except SystemExit:
        pass
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            server.close()
        if worker_thread is not None:
            worker_thread.join(timeout=15)
    print("Clientela stopped.", flush=True)
    return 0


# --- worker ------------------------------------------------------------------------


def worker_command(args: argparse.Namespace) -> int:
    with _no_trace_when_refused(args.data_dir):
        setup_django(args.data_dir)
        problem = database_not_set_up()
        if problem:
            raise CliError(problem)
    _connect()
    import logging

    from clientela import worker

    log = logging.getLogger("clientela.worker")
    try:
        lock = worker.acquire_worker_lock()
    except worker.WorkerLockHeld as exc:
        raise CliError(str(exc)) from None
    try:
        pending = worker.pending_migrations()
        if pending:
            log.warning(
                "the database has %s unapplied migration(s); run `clientela manage migrate`",
                pending,
            )
        jobs = worker.discover_jobs()
        if args.once:
            return 0 if worker.Worker(jobs).run_once() else 1

        stop = threading.Event()
        loop = worker.Worker(jobs, stop)
        failed = []

        def target() -> None:
            try:
                loop.run_forever()
            except BaseException:
                log.exception("worker loop crashed")
                failed.append(True)
                raise

        def on_signal(signum, frame):
            log.info("received %s, stopping", signal.Signals(signum).name)
            stop.set()

        _install_stop_handlers(on_signal)
        thread = threading.Thread(target=target, name="clientela-worker")
        thread.start()
        # The main thread only waits, so signal handlers run promptly.
        while thread.is_alive():
            thread.join(0.5)
        return 1 if failed else 0
    finally:
        worker.release_worker_lock(lock)


if __name__ == "__main__":
    sys.exit(main())
