#!/usr/bin/env python3
"""Benchmark of the party list and search: the API and the customers page, over HTTP.

Runs the real application over HTTP (waitress, in a thread of this process)
against a database of your choice, with queries built from that database's
own rows, for an administrator (scope all) and for a seed agent (scope own):

- `GET /api/v1/parties?q=…&limit=50` with a token;
- `GET /parties/customers/?q=…` (the whole page, with a session), and the
  count the page asks for afterwards when it defers it (`#results-count`).

For each request it records the time end to end (the client's clock) and the
server's time (from the WSGI call to the response headers, measured in this
process around the application). Next to the API figures it shows the
database time of the SQL the endpoint ran (EXPLAIN ANALYZE on PostgreSQL, a
timed execute on SQLite) and the plans.

    python bench/search_benchmark.py \\
        --database-url postgres://postgres@127.0.0.1:5432/clt_bench \\
        --parties 1000000 --seed-if-needed

    # SQLite, the embedded default
    python bench/search_benchmark.py --database-url sqlite:////tmp/clt-bench.sqlite3 \\
        --parties 120000 --seed-if-needed

Targets: on SQLite every search (narrow and broad, API and page) at median
<= 20 ms and p95 <= 40 ms of server time; on PostgreSQL narrow p95 <= 30 ms
and broad p95 <= 60 ms end to end. Figures vary on a shared machine: repeat
runs and compare medians. This prints figures; it asserts nothing.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

# (median, p95) limits per database: server time on SQLite, end to end on PostgreSQL.
TARGETS = {
    "sqlite": {"clock": "server", "narrow": (20.0, 40.0), "broad": (20.0, 40.0)},
    "postgresql": {"clock": "e2e", "narrow": (None, 30.0), "broad": (None, 60.0)},
}
API_PATH = "/api/v1/parties"
PAGE_PATH = "/parties/customers/"
PAGE_LIMIT = 50
ADMIN_USERNAME = "bench_admin"
TIMING_HEADER = "X-Bench-Server-Ms"
CPU_HEADER = "X-Bench-Server-Cpu-Ms"
BROAD_QUERIES = [
    "silva", "maria", "são paulo", "santos", "jose", "rio de janeiro", "oliveira", "souza",
    "ana", "joão", "maria silva", "ltda", "padaria", "gmail", "centro", "campinas", "pereira",
    "belo horizonte", "costa", "lima", "ferreira", "oficina mecânica", "9876", "11",
]  # fmt: skip
KINDS = ("list", "narrow", "broad")
# The page's deferred count: <… id="results-count" … hx-get="URL" …>
COUNT_URL = re.compile(r'id="results-count"[^>]*\bhx-get="([^"]+)"')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="postgres://… or sqlite:////path; default: "
        "CLIENTELA_DATABASE_URL, else a new SQLite file in a temporary folder",
    )
    parser.add_argument(
        "--parties",
        type=int,
        default=1_000_000,
        help="parties the database should hold (default 1,000,000)",
    )
    parser.add_argument(
        "--seed-if-needed",
        action="store_true",
        help="add synthetic parties (manage seed) when there are fewer",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (default 5)")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads (default 4)")
    parser.add_argument(
        "--random-seed",
        type=int,
        default=1,
        help="picks the sample rows and seeds missing parties (default 1)",
    )
    parser.add_argument(
        "--surfaces",
        default="api,page",
        help="what to time, comma-separated: api, page (default both)",
    )
    parser.add_argument(
        "--count-cap",
        type=int,
        metavar="N",
        help="what if counts stopped at N instead of the application's cap (a what-if for "
        "the API's count contract, not a setting)",
    )
    parser.add_argument("--verbose", action="store_true", help="print every query's figures")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    return parser.parse_args(argv)


def configure(args) -> Path:
    """Environment for the app, then Django. Returns the temporary data folder."""
    data_dir = Path(tempfile.mkdtemp(prefix="clientela-bench-"))
    os.environ["CLIENTELA_DATA_DIR"] = str(data_dir)
    url = args.database_url or os.environ.get("CLIENTELA_DATABASE_URL", "")
    if url:
        os.environ["CLIENTELA_DATABASE_URL"] = url
    os.environ["CLIENTELA_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "clientela.settings"
    try:
        import clientela  # noqa: F401
    except ImportError:  # run from a checkout without installing the package
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    return data_dir


# --- data ------------------------------------------------------------------------------------


def prepare_database(args):
    """Migrate, seed if asked, and return (admin, agent, alive party count)."""
    from django.core.management import call_command

    from clientela.accounts.models import Role, Scope, User
    from clientela.accounts.services import ensure_default_unit
    from clientela.devdata.management.commands.seed import AGENT_PREFIX, ensure_seed_users
    from clientela.parties.models import Party

    call_command("migrate", interactive=False, verbosity=0)
    alive = Party.objects.alive().count()
    if alive < args.parties:
        if args.seed_if_needed:
            print(f"Seeding {args.parties - alive:,} parties (the database has {alive:,})…")
            call_command(
                "seed", parties=args.parties - alive, activities=0, random_seed=args.random_seed
            )
            alive = Party.objects.alive().count()
        else:
            print(
                f"Note: the database has {alive:,} parties, fewer than --parties "
                f"{args.parties:,}; pass --seed-if-needed to add the rest."
            )
    ensure_seed_users()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User(
            username=ADMIN_USERNAME,
            full_name="Search benchmark",
            role=Role.ADMIN,
            scope=Scope.ALL,
            crm_access=True,
        )
        admin.set_unusable_password()
        admin.save()
        admin.units.add(ensure_default_unit())
    agent = (
        User.objects.filter(
            username__startswith=AGENT_PREFIX,
            role=Role.AGENT,
            scope=Scope.OWN,
            is_active=True,
            crm_access=True,
        )
        .order_by("username")
        .first()
    )
    return admin, agent, alive


def sample_rows(user, rng: random.Random, windows: int = 40, per_window: int = 60) -> list:
    """Rows the user can see, from random places of the table (id ranges: cheap on 1M rows)."""
    from django.db.models import Max, Min

    from clientela.parties.models import Party

    bounds = Party.objects.restrict(user).aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return []
    rows = {}
    for _ in range(windows):
        start = rng.randint(bounds["low"], bounds["high"])
        for party in Party.objects.restrict(user).filter(pk__gte=start).order_by("pk")[:per_window]:
            rows[party.pk] = party
    return [rows[pk] for pk in sorted(rows)]


def build_queries(user, rng: random.Random) -> list[tuple[str, str, str]]:
    """[(kind, label, q)]: the plain list, narrow searches from rows the user sees, broad ones."""
    from stdnum.br import cnpj, cpf

    from clientela.core.text import fold
    from clientela.devdata.fake_data import RARE_SURNAMES
    from clientela.parties.brazil import format_phone
    from clientela.parties.models import Party, national_digits

    rows = sample_rows(user, rng)
    persons = [p for p in rows if p.kind == "person"]
    companies = [p for p in rows if p.kind == "company"]
    rng.shuffle(persons)
    rng.shuffle(companies)
    narrow = []

    rare = {fold(name): name for name in RARE_SURNAMES}
    found = list(dict.fromkeys(w for p in persons for w in fold(p.name).split() if w in rare))
    if len(found) < 6:  # a small sample may miss them: ask the database
        for word in rare:
            if word not in found and Party.objects.restrict(user).search(word).exists():
                found.append(word)
            if len(found) >= 6:
                break
    narrow += [("narrow", "rare surname", rare[word]) for word in found[:6]]
    for word in found[:2]:
        first = next((p.name.split()[0] for p in persons if word in fold(p.name)), "Maria")
        narrow.append(("narrow", "first + rare surname", f"{first} {rare[word]}"))

    full_names = [p.name for p in persons if len(p.name.split()) >= 3][:6]
    narrow += [("narrow", "full name", name) for name in full_names]

    with_phones = [p for p in persons + companies if p.phones][:4]
    for party in with_phones:
        national = national_digits(party.phones[0])
        narrow.append(("narrow", "phone 11 digits", national))
        narrow.append(("narrow", "phone formatted", format_phone(party.phones[0])))
        narrow.append(("narrow", "phone local", f"{national[2:-4]}-{national[-4:]}"))

    cpfs = [p.tax_id for p in persons if p.tax_id][:3]
    for number in cpfs:
        narrow.append(("narrow", "CPF digits", number))
        narrow.append(("narrow", "CPF formatted", cpf.format(number)))
    cnpjs = [p.tax_id for p in companies if p.tax_id][:3]
    for number in cnpjs:
        narrow.append(("narrow", "CNPJ formatted", cnpj.format(number)))
        narrow.append(("narrow", "CNPJ digits", number))

    broad = [("broad", "common word(s)", q) for q in BROAD_QUERIES]
    return [("list", "no search", "")] + narrow + broad


# --- measuring -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(application):
    """The WSGI application, adding the server's time to each response's headers.

    Django builds the whole response before it calls start_response, so the time at
    that call is the server's time for everything but sending the body. The thread's
    CPU time beside it (SQLite's work included, PostgreSQL's not) varies less than the
    clock on a machine shared with other work."""

    def app(environ, start_response):
        started, cpu_started = time.perf_counter(), time.thread_time()

        def start(status, headers, exc_info=None):
            ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.thread_time() - cpu_started) * 1000
            timing = [(TIMING_HEADER, f"{ms:.3f}"), (CPU_HEADER, f"{cpu_ms:.3f}")]
            return start_response(status, [*headers, *timing], exc_info)

        return application(environ, start)

    return app


def start_server(threads: int):
    from waitress.server import create_server

    from clientela.wsgi import application

    server = create_server(
        timed(application), host="127.0.0.1", port=0, threads=threads, ident="clientela-bench"
    )
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return server


class Surface:
    """One way to ask for a search: the API with a token, or the page with a session."""

    def __init__(self, name: str, path: str, headers: dict):
        self.name = name
        self.path = path
        self.headers = headers

    def url(self, q: str) -> str:
        params = {"q": q, "limit": PAGE_LIMIT} if self.name == "api" else {"q": q}
        return f"{self.path}?{urllib.parse.urlencode(params)}"


def api_surface(user) -> tuple[Surface, object]:
    from clientela.accounts.tokens import token_create

    token, raw = token_create(user=user, name="search benchmark")
    return Surface("api", API_PATH, {"Authorization": f"Bearer {raw}"}), token


def page_surface(user) -> tuple[Surface, str]:
    """The customers page as a browser sees it: a session cookie of a logged-in user."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}", "Accept-Language": "pt-BR"}
    return Surface("page", PAGE_PATH, headers), key


def http_get(conn: http.client.HTTPConnection, path: str, headers: dict):
    """(status, body, {"e2e": ms, "server": ms, "cpu": ms})."""
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    times = {
        "e2e": (time.perf_counter() - started) * 1000,
        "server": float(response.getheader(TIMING_HEADER, "nan")),
        "cpu": float(response.getheader(CPU_HEADER, "nan")),
    }
    return response.status, body, times


def measure_http(port: int, surface: Surface, queries, runs: int, rng: random.Random) -> dict:
    """{q: {"e2e": [...], "server": [...], "cpu": [...], "count_*": [...], "count": n}},
    measured after a warm-up."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    results = {}
    for _kind, _label, q in queries:  # warm-up, and a check of the answers
        status, body, _times = http_get(conn, surface.url(q), surface.headers)
        if status != 200:
            raise SystemExit(f"GET {surface.url(q)} answered {status}: {body[:300]!r}")
        result = {key: [] for key in ("e2e", "server", "cpu", "count_e2e", "count_server")}
        if surface.name == "api":
            data = json.loads(body)
            if not {"items", "count", "next_cursor"} <= set(data):
                raise SystemExit(f"Unexpected answer for q={q!r}: {sorted(data)}")
            result.update(count=data["count"], items=len(data["items"]))
        else:
            found = COUNT_URL.search(body.decode())
            result["count_url"] = found and found.group(1).replace("&amp;", "&")
        results[q] = result
    order = [q for _kind, _label, q in queries]
    for _ in range(runs):
        rng.shuffle(order)  # no query always follows the same neighbour
        for q in order:
            status, _body, times = http_get(conn, surface.url(q), surface.headers)
            if status != 200:
                raise SystemExit(f"GET {surface.url(q)} answered {status}")
            for key in ("e2e", "server", "cpu"):
                results[q][key].append(times[key])
            count_url = results[q].get("count_url")
            if count_url:  # what the browser asks next, as HTMX does
                headers = {**surface.headers, "HX-Request": "true"}
                status, _body, times = http_get(conn, count_url, headers)
                if status != 200:
                    raise SystemExit(f"GET {count_url} answered {status}")
                results[q]["count_e2e"].append(times["e2e"])
                results[q]["count_server"].append(times["server"])
    conn.close()
    return results


def api_sql(surface: Surface, q: str) -> list[str]:
    """The party SQL the list endpoint runs for this query (the endpoint itself, in process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=surface.headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(surface.url(q))
    if response.status_code != 200:
        raise SystemExit(f"GET {surface.url(q)} answered {response.status_code} in process")
    return [c["sql"] for c in captured.captured_queries if "parties_party" in c["sql"]]


def plan_outline(node: dict) -> str:
    """'Limit > Index Scan (party_sort_name_id)': the plan's spine, for the report."""
    parts = []
    while node:
        name = node["Node Type"]
        if node.get("Index Name"):
            name += f" ({node['Index Name']})"
        parts.append(name)
        children = node.get("Plans") or []
        node = children[0] if children else None
    return " > ".join(parts)


def time_sql(statements: list[str]) -> tuple[float, list[str]]:
    """Database milliseconds for the statements, and their plan outlines."""
    from django.db import connection

    total = 0.0
    outlines = []
    with connection.cursor() as cursor:
        for sql in statements:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                raw = cursor.fetchone()[0]
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
                total += plan["Planning Time"] + plan["Execution Time"]
                outlines.append(plan_outline(plan["Plan"]))
            else:
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                total += (time.perf_counter() - started) * 1000
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                outlines.append(" > ".join(row[-1] for row in cursor.fetchall()))
    return total, outlines


def measure_sql(surface: Surface, queries, runs: int) -> dict:
    results = {}
    for _kind, _label, q in queries:
        statements = api_sql(surface, q)
        time_sql(statements)  # warm-up
        figures, outlines = [], []
        for _ in range(runs):
            ms, outlines = time_sql(statements)
            figures.append(ms)
        results[q] = {"ms": figures, "plans": outlines}
    return results


# --- report ----------------------------------------------------------------------------------


def figures(values: list[float]) -> tuple[float, float] | None:
    return (statistics.median(values), percentile(values, 0.95)) if values else None


def summarise(queries, http_results, sql_results) -> dict:
    """Median and p95 of every timed run of the group's queries, per kind."""
    summary = {}
    for kind in KINDS:
        qs = [q for k, _label, q in queries if k == kind]
        if not qs:
            continue

        def every(key, results=http_results, qs=qs):
            return [ms for q in qs for ms in results[q][key]]

        summary[kind] = {
            "queries": len(qs),
            "e2e": figures(every("e2e")),
            "server": figures(every("server")),
            "cpu": figures(every("cpu")),
            "count_server": figures(every("count_server")),
            "count_e2e": figures(every("count_e2e")),
            "sql": figures([ms for q in qs for ms in sql_results[q]["ms"]])
            if sql_results
            else None,
        }
    return summary


def verdict(vendor: str, kind: str, s: dict) -> str:
    target = TARGETS.get(vendor, {})
    if kind not in target:
        return ""
    median_limit, p95_limit = target[kind]
    median, p95 = s[target["clock"]]
    ok = (median_limit is None or median <= median_limit) and p95 <= p95_limit
    wanted = " and ".join(
        f"{name} <= {limit:.0f}"
        for name, limit in (("median", median_limit), ("p95", p95_limit))
        if limit is not None
    )
    return f"{'ok' if ok else 'MISSED'} ({target['clock']} {wanted})"


def ms_pair(pair) -> str:
    return f"{pair[0]:6.1f} {pair[1]:6.1f}" if pair else f"{'-':>6} {'-':>6}"


def print_report(header: str, vendor: str, measured: list, verbose: bool) -> None:
    print()
    print(header)
    print()
    line = "{:<36} {:<5} {:<7} {:>4}  {:>13}  {:>13}  {:>13}  {:>13}  {:>13}  {}"
    print(
        line.format(
            "",
            "",
            "",
            "",
            "end to end",
            "server",
            "server CPU",
            "count request",
            "database",
            "target",
        )
    )
    print(
        line.format("user", "what", "kind", "n", "median p95", "median p95", "", "server", "", "")
    )
    print("-" * 145)
    for label, surface, queries, http_results, sql_results in measured:
        summary = summarise(queries, http_results, sql_results)
        for kind, s in summary.items():
            print(
                line.format(
                    label,
                    surface,
                    kind,
                    s["queries"],
                    ms_pair(s["e2e"]),
                    ms_pair(s["server"]),
                    ms_pair(s["cpu"]),
                    ms_pair(s["count_server"]),
                    ms_pair(s["sql"]),
                    verdict(vendor, kind, s),
                )
            )
    print("(milliseconds; the page's count request, when it has one, is not in its figures)")
    print()
    for label, surface, queries, http_results, sql_results in measured:
        slowest = sorted(queries, key=lambda k: -statistics.median(http_results[k[2]]["server"]))
        print(f"Slowest for {label}, {surface} (median server ms, matches, plan):")
        for kind, qlabel, q in slowest[: 6 if not verbose else len(slowest)]:
            h = http_results[q]
            count = h.get("count", "")
            if surface == "api":
                count = "10,000+" if count is None else f"{count:,}"
            extra = ""
            if h["count_server"]:
                extra = f" + count {statistics.median(h['count_server']):.1f}"
            plans = " | ".join(sql_results[q]["plans"]) if sql_results else ""
            print(
                f"  {statistics.median(h['server']):7.1f}{extra:<14} {kind:<6} {qlabel:<20} "
                f"{q!r:<34} {count:>8}  {plans}"
            )
        print()


def database_label() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def main(argv=None) -> int:
    args = parse_args(argv)
    surfaces = [s.strip() for s in args.surfaces.split(",") if s.strip()]
    data_dir = configure(args)
    if args.count_cap:
        from clientela.core import pagination

        pagination.COUNT_CAP = args.count_cap
    from django.contrib.sessions.models import Session
    from django.db import connection

    from clientela.parties.models import Party

    server = None
    tokens, sessions = [], []
    try:
        admin, agent, alive = prepare_database(args)
        rng = random.Random(args.random_seed)
        server = start_server(args.threads)
        port = server.effective_port
        measured = []
        agent_parties = Party.objects.restrict(agent).count()
        for user, label in (
            (admin, f"{admin.username} (admin, scope all)"),
            (agent, f"{agent.username} (agent, own: {agent_parties:,})"),
        ):
            queries = build_queries(user, rng)
            counts = {kind: sum(1 for k, _l, _q in queries if k == kind) for kind in KINDS}
            print(f"Measuring for {user.username}: {counts}…")
            if "api" in surfaces:
                surface, token = api_surface(user)
                tokens.append(token)
                http_results = measure_http(port, surface, queries, args.runs, rng)
                sql_results = measure_sql(surface, queries, args.runs)
                measured.append((label, "api", queries, http_results, sql_results))
            if "page" in surfaces:
                surface, key = page_surface(user)
                sessions.append(key)
                http_results = measure_http(port, surface, queries, args.runs, rng)
                measured.append((label, "page", queries, http_results, None))
        header = (
            f"Party list and search on {database_label()}: {alive:,} parties, {args.runs} "
            f"timed runs of each query after a warm-up, limit {PAGE_LIMIT}, "
            f"{args.threads} server threads."
        )
        if args.count_cap:
            header += f" WHAT-IF: counts stop at {args.count_cap:,}."
        print_report(header, connection.vendor, measured, args.verbose)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "header": header,
                        "results": [
                            {"user": label, "surface": surface, "queries": q, "http": h, "sql": s}
                            for label, surface, q, h, s in measured
                        ],
                    },
                    indent=1,
                    ensure_ascii=False,
                )
            )
        return 0
    finally:
        for token in tokens:  # benchmark tokens and sessions are of no use afterwards
            token.delete()
        Session.objects.filter(session_key__in=sessions).delete()
        if server is not None:
            server.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
