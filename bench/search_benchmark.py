#!/usr/bin/env python3
"""End-to-end benchmark of the party search, GET /api/v1/parties?q=...&limit=50.

Runs the real application over HTTP (waitress, in a thread of this process)
against a database of your choice, with queries built from that database's
own rows, for an administrator (scope all) and for a seed agent (scope own).
Next to each HTTP figure it shows the database time of the same SQL the
endpoint runs (EXPLAIN ANALYZE on PostgreSQL, a timed execute on SQLite).

    python bench/search_benchmark.py \\
        --database-url postgres://postgres@127.0.0.1:5432/clt_bench \\
        --parties 1000000 --seed-if-needed

    # a quick check on SQLite
    python bench/search_benchmark.py --database-url sqlite:////tmp/clt-bench.sqlite3 \\
        --parties 20000 --seed-if-needed --runs 3

Targets (DESIGN.md, "Scale"): narrow median <= 25 ms and broad p95 <= 150 ms, end to end.
"""

import argparse
import http.client
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

NARROW_TARGET_MS = 25.0
BROAD_P95_TARGET_MS = 150.0
API_PATH = "/api/v1/parties"
PAGE_LIMIT = 50
ADMIN_USERNAME = "bench_admin"
BROAD_QUERIES = [
    "silva", "maria", "são paulo", "santos", "jose", "rio de janeiro", "oliveira", "souza",
    "ana", "joão", "maria silva", "ltda", "padaria", "gmail", "centro", "campinas", "pereira",
    "belo horizonte", "costa", "lima", "ferreira", "oficina mecânica", "9876", "11",
]  # fmt: skip


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
    os.environ["CLIENTELA_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
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
    """[(kind, label, q)]: narrow ones from rows the user sees, broad ones from common words."""
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
    return narrow + broad


# --- measuring -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def start_server(threads: int):
    from waitress.server import create_server

    from clientela.wsgi import application

    server = create_server(
        application, host="127.0.0.1", port=0, threads=threads, ident="clientela-bench"
    )
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    return server


def http_get(conn: http.client.HTTPConnection, token: str, q: str) -> tuple[int, bytes]:
    query = urllib.parse.urlencode({"q": q, "limit": PAGE_LIMIT})
    conn.request("GET", f"{API_PATH}?{query}", headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    return response.status, response.read()


def measure_http(port: int, token: str, queries, runs: int, rng: random.Random) -> dict:
    """{q: {"ms": [...], "count": n, "items": n}} after one warm-up pass."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    results = {}
    for _kind, _label, q in queries:  # warm-up, and a check of the answers
        status, body = http_get(conn, token, q)
        if status != 200:
            raise SystemExit(f"GET {API_PATH}?q={q!r} answered {status}: {body[:300]!r}")
        data = json.loads(body)
        if not {"items", "count", "next_cursor"} <= set(data):
            raise SystemExit(f"Unexpected answer for q={q!r}: {sorted(data)}")
        results[q] = {"ms": [], "count": data["count"], "items": len(data["items"])}
    order = [q for _kind, _label, q in queries]
    for _ in range(runs):
        rng.shuffle(order)  # no query always follows the same neighbour
        for q in order:
            started = time.perf_counter()
            status, _body = http_get(conn, token, q)
            results[q]["ms"].append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"GET {API_PATH}?q={q!r} answered {status}")
    conn.close()
    return results


def api_sql(user, q: str) -> list[str]:
    """The party SQL the list endpoint runs for this user and query (page, then count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clientela.core.pagination import paginate
    from clientela.parties.queries import SORTS, filter_parties

    # The same calls as clientela.api.parties.list_parties with only `q` and `limit`.
    with CaptureQueriesContext(connection) as captured:
        paginate(
            filter_parties(user, q=q),
            sort_field=SORTS["name"],
            descending=False,
            limit=PAGE_LIMIT,
            cursor=None,
        )
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
    """Database milliseconds for the statements, and their plan outlines (PostgreSQL)."""
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


def measure_sql(user, queries, runs: int) -> dict:
    results = {}
    for _kind, _label, q in queries:
        statements = api_sql(user, q)
        time_sql(statements)  # warm-up
        figures, outlines = [], []
        for _ in range(runs):
            ms, outlines = time_sql(statements)
            figures.append(ms)
        results[q] = {"ms": figures, "plans": outlines}
    return results


# --- report ----------------------------------------------------------------------------------


def summarise(queries, http_results, sql_results) -> dict:
    """Median and p95 of every timed run of the group's queries, per group."""
    summary = {}
    for kind in ("narrow", "broad"):
        qs = [q for k, _label, q in queries if k == kind]
        e2e = [ms for q in qs for ms in http_results[q]["ms"]]
        db = [ms for q in qs for ms in sql_results[q]["ms"]]
        summary[kind] = {
            "queries": len(qs),
            "e2e_median": statistics.median(e2e),
            "e2e_p95": percentile(e2e, 0.95),
            "sql_median": statistics.median(db),
            "sql_p95": percentile(db, 0.95),
        }
    return summary


def print_report(header: str, users: list, verbose: bool) -> bool:
    print()
    print(header)
    print()
    line = "{:<44} {:<7} {:>7} {:>10} {:>10}   {:>10} {:>10}"
    print(line.format("", "", "", "end to end (HTTP)", "", "database (same SQL)", ""))
    print(line.format("user", "kind", "queries", "median", "p95", "median", "p95"))
    print("-" * 106)
    ok = True
    for label, queries, http_results, sql_results in users:
        summary = summarise(queries, http_results, sql_results)
        for kind in ("narrow", "broad"):
            s = summary[kind]
            print(
                line.format(
                    label,
                    kind,
                    s["queries"],
                    f"{s['e2e_median']:.1f} ms",
                    f"{s['e2e_p95']:.1f} ms",
                    f"{s['sql_median']:.1f} ms",
                    f"{s['sql_p95']:.1f} ms",
                )
            )
        narrow_ok = summary["narrow"]["e2e_median"] <= NARROW_TARGET_MS
        broad_ok = summary["broad"]["e2e_p95"] <= BROAD_P95_TARGET_MS
        ok = ok and narrow_ok and broad_ok
        print(
            f"{'':<44} targets: narrow median <= {NARROW_TARGET_MS:.0f} ms "
            f"{'ok' if narrow_ok else 'MISSED'}, broad p95 <= {BROAD_P95_TARGET_MS:.0f} ms "
            f"{'ok' if broad_ok else 'MISSED'}"
        )
    print()
    for label, queries, http_results, sql_results in users:
        slowest = sorted(queries, key=lambda k: -statistics.median(http_results[k[2]]["ms"]))
        print(f"Slowest for {label} (median end to end / database, matches, plan):")
        for kind, qlabel, q in slowest[: 5 if not verbose else len(slowest)]:
            h, s = http_results[q], sql_results[q]
            count = "10,000+" if h["count"] is None else f"{h['count']:,}"
            plans = " | ".join(s["plans"]) or "-"
            print(
                f"  {statistics.median(h['ms']):7.1f} / {statistics.median(s['ms']):7.1f} ms"
                f"  {kind:<6} {qlabel:<20} {q!r:<34} {count:>8}  {plans}"
            )
        print()
    return ok


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
    data_dir = configure(args)
    from clientela.accounts.tokens import token_create
    from clientela.parties.models import Party

    server = None
    tokens = []
    try:
        admin, agent, alive = prepare_database(args)
        rng = random.Random(args.random_seed)
        server = start_server(args.threads)
        port = server.effective_port
        users = []
        agent_parties = Party.objects.restrict(agent).count()
        for user, label in (
            (admin, f"{admin.username} (admin, scope all)"),
            (agent, f"{agent.username} (agent, own: {agent_parties:,})"),
        ):
            queries = build_queries(user, rng)
            narrow = sum(1 for kind, _label, _q in queries if kind == "narrow")
            print(
                f"Measuring for {user.username}: {len(queries)} queries ({narrow} narrow, "
                f"{len(queries) - narrow} broad)…"
            )
            token, raw = token_create(user=user, name="search benchmark")
            tokens.append(token)
            http_results = measure_http(port, raw, queries, args.runs, rng)
            sql_results = measure_sql(user, queries, args.runs)
            users.append((label, queries, http_results, sql_results))
        header = (
            f"Party search on {database_label()}: {alive:,} parties, {args.runs} timed runs "
            f"of each query after a warm-up, limit {PAGE_LIMIT}, {args.threads} server threads."
        )
        ok = print_report(header, users, args.verbose)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "header": header,
                        "results": {
                            label: {"queries": q, "http": h, "sql": s} for label, q, h, s in users
                        },
                    },
                    indent=1,
                    ensure_ascii=False,
                )
            )
        return 0 if ok else 1
    finally:
        for token in tokens:  # benchmark tokens are of no use afterwards
            token.delete()
        if server is not None:
            server.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
