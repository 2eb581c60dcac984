#!/usr/bin/env python3
"""Benchmark of the relationship log: agenda, lists, calendars, a party's story, bulk.

Runs the real application over HTTP (waitress, in a thread of this process)
against a database of your choice, for an administrator (scope all) and for a
seed agent (scope own), the way search_benchmark.py does (its helpers: the
server, the clocks, the database's own time of the SQL):

- the agenda page (`/activities/agenda/`);
- the follow-ups list page, open ones (`/activities/?status=open`) and a
  filtered one (a type and the next two weeks);
- the API list: overdue ones (`/api/v1/activities?status=overdue&limit=50`)
  and one party's (`?party_id=…`);
- the month calendar of a busy person and of a whole business unit;
- the relationship tab of the party with the most activities, and its API
  timeline (`/api/v1/parties/{id}/timeline`);
- a bulk reschedule of 1,000 open follow-ups (`POST /api/v1/activities/bulk`
  with `shift_days` +1, then -1, so the data ends as it began; each call
  writes its history, which the benchmark deletes at the end).

For each it prints median and p95 of the time end to end (the client's clock)
and of the server's time (from the WSGI call to the response headers), the
number of queries, and the database's own time for the same SQL (EXPLAIN
ANALYZE on PostgreSQL, a timed execute on SQLite; the bulk's statements in a
transaction rolled back), so that what is over target shows whether the time
goes to the database or to Python.

    python bench/activities_benchmark.py \\
        --database-url postgres://postgres@127.0.0.1:5432/clt_bench_activities \\
        --parties 1000000 --activities 2000000 --seed-if-needed

    # SQLite, the embedded default
    python bench/activities_benchmark.py --database-url sqlite:////tmp/clt-act.sqlite3 \\
        --parties 20000 --activities 200000 --seed-if-needed

Target: p95 <= 50 ms end to end for the agenda, the lists and the calendars.
Figures vary on a shared machine: repeat runs and compare medians. This
prints figures; it asserts nothing.
"""

import argparse
import datetime
import http.client
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# The search benchmark's helpers, from the same folder (run as a script, it is on the path).
from search_benchmark import (
    TIMING_HEADER,
    configure,
    database_label,
    figures,
    http_get,
    ms_pair,
    page_surface,
    prepare_database,
    start_server,
    time_sql,
)

TARGET_P95_MS = 50.0  # end to end
TARGET_GROUPS = ("agenda", "list", "calendar")
BULK_SIZE = 1000


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
        "--activities",
        type=int,
        default=10_000_000,
        help="activities the database should hold (default 10,000,000)",
    )
    parser.add_argument(
        "--seed-if-needed",
        action="store_true",
        help="add synthetic parties and activities (manage seed) when there are fewer",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per request (default 20)")
    parser.add_argument(
        "--bulk-runs",
        type=int,
        default=3,
        help="timed bulk reschedules, each +1 day then -1 day (default 3)",
    )
    parser.add_argument(
        "--sql-runs", type=int, default=5, help="runs of each request's SQL (default 5)"
    )
    parser.add_argument("--threads", type=int, default=4, help="waitress threads (default 4)")
    parser.add_argument(
        "--random-seed",
        type=int,
        default=1,
        help="seeds missing parties and activities, orders the runs (default 1)",
    )
    parser.add_argument("--plans", action="store_true", help="print the database's plans")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures as JSON")
    return parser.parse_args(argv)


# --- data ------------------------------------------------------------------------------------


def seed_activities(args) -> int:
    """Seed activities when there are fewer than asked (and allowed); the count."""
    from django.core.management import call_command

    from clientela.activities.models import Activity

    present = Activity.objects.count()
    if present < args.activities:
        if args.seed_if_needed:
            missing = args.activities - present
            print(f"Seeding {missing:,} activities (the database has {present:,})…")
            call_command("seed", activities=missing, random_seed=args.random_seed)
            present = Activity.objects.count()
        else:
            print(
                f"Note: the database has {present:,} activities, fewer than --activities "
                f"{args.activities:,}; pass --seed-if-needed to add the rest."
            )
    return present


def busiest_party(user):
    """(party, activities) with the most activities the user may see."""
    from django.db.models import Count

    from clientela.activities.models import Activity
    from clientela.parties.models import Party

    top = (
        Activity.objects.restrict(user)
        .values("party_id")
        .annotate(n=Count("id"))
        .order_by("-n", "party_id")
        .first()
    )
    if top is None:
        raise SystemExit(f"{user.username} sees no activity: seed some first.")
    return Party.objects.get(pk=top["party_id"]), top["n"]


def busiest_assignee():
    """(user, open follow-ups) of the person with the most open follow-ups."""
    from django.db.models import Count

    from clientela.accounts.models import User
    from clientela.activities.models import Activity

    top = (
        Activity.objects.alive()
        .open()
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee_id")
        .first()
    )
    return User.objects.get(pk=top["assignee_id"]), top["n"]


def bulk_ids(user, unit_id: int) -> list[int]:
    """Open follow-ups the user may see, in the unit, soonest first (the list's order)."""
    from clientela.activities.models import Activity

    return list(
        Activity.objects.restrict(user)
        .open()
        .filter(unit_id=unit_id)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:BULK_SIZE]
    )


# --- what is asked ----------------------------------------------------------------------------


@dataclass
class Request:
    """One request as a browser or an API client sends it."""

    group: str  # agenda, list, calendar, party, bulk: the report's rows and targets
    label: str
    surface: str  # "page" (session) or "api" (token)
    path: str
    method: str = "GET"
    body: dict | None = None
    undo: dict | None = None  # the bulk's way back (-1 day), timed too
    # measured
    e2e: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    queries: int = 0
    statements: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    size: str = ""


def requests_for(user, *, party, busy_user, unit_id: int, ids: list[int]) -> list[Request]:
    from django.utils import timezone

    today = timezone.localdate()
    filtered = (
        f"/activities/?status=open&type=call&due_from={today.isoformat()}"
        f"&due_to={(today + datetime.timedelta(days=14)).isoformat()}"
    )
    busy = "me" if busy_user.pk == user.pk else str(busy_user.pk)
    return [
        Request("agenda", "agenda page", "page", "/activities/agenda/"),
        Request("list", "list page, open", "page", "/activities/?status=open"),
        Request("list", "list page, call in 14 days", "page", filtered),
        Request("list", "API list, overdue", "api", "/api/v1/activities?status=overdue&limit=50"),
        Request(
            "list", "API list, busiest party", "api", f"/api/v1/activities?party_id={party.pk}"
        ),
        Request(
            "calendar",
            f"calendar month, {busy_user.username}",
            "page",
            f"/activities/calendar/?view=month&assignee={busy}",
        ),
        Request(
            "calendar",
            f"calendar month, unit {unit_id}",
            "page",
            f"/activities/calendar/?view=month&assignee=all&unit={unit_id}",
        ),
        Request("party", "party tab, busiest party", "page", f"/activities/party/{party.pk}/"),
        Request(
            "party", "API timeline, busiest party", "api", f"/api/v1/parties/{party.pk}/timeline"
        ),
        Request(
            "bulk",
            f"API bulk reschedule {len(ids):,} (+1/-1 day)",
            "api",
            "/api/v1/activities/bulk",
            method="POST",
            body={"action": "reschedule", "ids": ids, "shift_days": 1},
            undo={"action": "reschedule", "ids": ids, "shift_days": -1},
        ),
    ]


# --- measuring -------------------------------------------------------------------------------


def api_headers(user) -> tuple[dict, object]:
    from clientela.accounts.tokens import token_create

    token, raw = token_create(user=user, name="activities benchmark")
    return {"Authorization": f"Bearer {raw}", "Accept-Language": "pt-BR"}, token


def http_send(conn: http.client.HTTPConnection, request: Request, headers: dict, body):
    """(status, body, times) of one request; a GET through search_benchmark.http_get."""
    if request.method == "GET":
        return http_get(conn, request.path, headers)
    payload = json.dumps(body).encode()
    started = time.perf_counter()
    conn.request(
        request.method,
        request.path,
        body=payload,
        headers={**headers, "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    data = response.read()
    times = {
        "e2e": (time.perf_counter() - started) * 1000,
        "server": float(response.getheader(TIMING_HEADER, "nan")),
    }
    return response.status, data, times


def describe(request: Request, body: bytes) -> str:
    if request.surface == "page":
        return f"{len(body) / 1024:,.0f} kB"
    data = json.loads(body)
    if "changed" in data:
        return f"{data['changed']:,} changed"
    count = data.get("count")
    shown = len(data.get("items", []))
    total = "" if "count" not in data else ("10,000+" if count is None else f"{count:,}")
    return f"{shown} items" + (f" of {total}" if total else "")


def measure_http(port: int, requests: list[Request], headers: dict, args, rng) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def send(request, body, record: bool):
        status, data, times = http_send(conn, request, headers[request.surface], body)
        if status != 200:
            raise SystemExit(f"{request.method} {request.path} answered {status}: {data[:300]!r}")
        if record:
            request.e2e.append(times["e2e"])
            request.server.append(times["server"])
        return data

    for request in requests:  # warm-up, and a look at the answers
        request.size = describe(request, send(request, request.body, False))
        if request.undo:
            send(request, request.undo, False)
    order = [r for r in requests if r.method == "GET"]
    for _ in range(args.runs):
        rng.shuffle(order)  # no request always follows the same neighbour
        for request in order:
            send(request, None, True)
    for request in requests:
        if request.undo:
            for _ in range(args.bulk_runs):
                send(request, request.body, True)
                send(request, request.undo, True)
    conn.close()


def captured_sql(request: Request, client) -> list[str]:
    """The statements the request runs (in this process, through the test client); the
    bulk's in a transaction rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        if request.method == "GET":
            response = client.get(request.path)
        else:
            with transaction.atomic():
                response = client.post(
                    request.path, data=request.body, content_type="application/json"
                )
                transaction.set_rollback(True)
    if response.status_code != 200:
        raise SystemExit(f"{request.path} answered {response.status_code} in process")
    request.queries = len(captured.captured_queries)
    skipped = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")
    return [c["sql"] for c in captured.captured_queries if not c["sql"].startswith(skipped)]


def measure_sql(requests: list[Request], clients: dict, runs: int) -> None:
    from django.db import transaction

    for request in requests:
        request.statements = captured_sql(request, clients[request.surface])
        for attempt in range(runs + 1):  # the first is a warm-up
            with transaction.atomic():  # the bulk's updates are taken back
                ms, request.plans = time_sql(request.statements)
                transaction.set_rollback(True)
            if attempt:
                request.sql.append(ms)


def session_client(user):
    """A test client with a session of `user` (a second one besides the HTTP session)."""
    from django.test import Client

    client = Client(headers={"Accept-Language": "pt-BR"})
    client.force_login(user)
    client.get("/activities/agenda/")  # the once-after-login prompt, out of the way
    return client


# --- report ----------------------------------------------------------------------------------


def verdict(request: Request) -> str:
    if request.group not in TARGET_GROUPS:
        return ""
    p95 = figures(request.e2e)[1]
    return f"{'ok' if p95 <= TARGET_P95_MS else 'MISSED'} (p95 <= {TARGET_P95_MS:.0f})"


def print_report(header: str, measured: list[tuple[str, list[Request]]], plans: bool) -> None:
    print()
    print(header)
    print()
    line = "{:<34} {:<40} {:>4}  {:>13}  {:>13}  {:>7}  {:>13}  {:<18} {}"
    print(line.format("", "", "", "end to end", "server", "", "database", "", "target"))
    print(
        line.format(
            "user", "what", "n", "median p95", "median p95", "queries", "median p95", "answer", ""
        )
    )
    print("-" * 160)
    for label, requests in measured:
        for r in requests:
            print(
                line.format(
                    label,
                    r.label,
                    len(r.e2e),
                    ms_pair(figures(r.e2e)),
                    ms_pair(figures(r.server)),
                    r.queries,
                    ms_pair(figures(r.sql)),
                    r.size,
                    verdict(r),
                )
            )
    print(
        "(milliseconds; database: the request's statements (all of them) run again by "
        "themselves; the bulk's figures cover both directions)"
    )
    if not plans:
        return
    for label, requests in measured:
        for r in requests:
            print()
            print(f"{label}, {r.label}: {r.queries} queries; the plans of those on activities:")
            # The same plan many times (the bulk's queries per row) is shown once, counted.
            seen: dict[str, list] = {}
            for sql, plan in zip(r.statements, r.plans, strict=False):
                if "activities_" in sql:
                    seen.setdefault(plan, [0, sql])[0] += 1
            for plan, (times, sql) in seen.items():
                print(f"  {times:>4} x {plan}\n         {sql[:300]}")


def main(argv=None) -> int:
    args = parse_args(argv)
    data_dir = configure(args)
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test import Client

    from clientela.accounts.services import ensure_default_unit
    from clientela.activities.models import Activity
    from clientela.audit.models import ChangeRecord

    server = None
    tokens, sessions, clients = [], [], []
    started = datetime.datetime.now(datetime.UTC)
    users = []
    try:
        admin, agent, alive = prepare_database(args)
        users = [admin, agent]
        activities = seed_activities(args)
        unit = ensure_default_unit()
        busy_user, busy_open = busiest_assignee()
        rng = random.Random(args.random_seed)
        server = start_server(args.threads)
        port = server.effective_port
        measured = []
        notes = []
        for user, label in (
            (admin, f"{admin.username} (admin, scope all)"),
            (agent, f"{agent.username} (agent, own)"),
        ):
            party, count = busiest_party(user)
            ids = bulk_ids(user, unit.pk)
            own_busy = busy_user if user.is_admin else user
            notes.append(
                f"{user.username}: party {party.pk} has {count:,} activities it sees; "
                f"{len(ids):,} open follow-ups to reschedule; calendar of {own_busy.username}"
            )
            print(f"Measuring for {user.username}…")
            requests = requests_for(user, party=party, busy_user=own_busy, unit_id=unit.pk, ids=ids)
            token_headers, token = api_headers(user)
            tokens.append(token)
            surface, key = page_surface(user)
            sessions.append(key)
            measure_http(port, requests, {"api": token_headers, "page": surface.headers}, args, rng)
            page_client = session_client(user)
            clients.append(page_client)
            api_client = Client(headers=token_headers)
            measure_sql(requests, {"page": page_client, "api": api_client}, args.sql_runs)
            measured.append((label, requests))
        header = (
            f"Relationship log on {database_label()}: {alive:,} parties, {activities:,} "
            f"activities; the busiest assignee {busy_user.username} has {busy_open:,} open "
            f"follow-ups; {args.runs} timed runs of each page and list after a warm-up, "
            f"{args.bulk_runs} of the bulk, {args.threads} server threads.\n" + "\n".join(notes)
        )
        print_report(header, measured, args.plans)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "header": header,
                        "results": [
                            {
                                "user": label,
                                "requests": [
                                    {
                                        "label": r.label,
                                        "path": r.path,
                                        "e2e": r.e2e,
                                        "server": r.server,
                                        "sql": r.sql,
                                        "queries": r.queries,
                                        "plans": r.plans,
                                    }
                                    for r in requests
                                ],
                            }
                            for label, requests in measured
                        ],
                    },
                    indent=1,
                    ensure_ascii=False,
                )
            )
        return 0
    finally:
        # Benchmark tokens, sessions and the bulk's history are of no use afterwards.
        for token in tokens:
            token.delete()
        for client in clients:
            client.logout()
        Session.objects.filter(session_key__in=sessions).delete()
        if users:
            ChangeRecord.objects.filter(
                entity=Activity.history_entity, actor__in=users, at__gte=started
            ).delete()
        if server is not None:
            server.close()
        connection.close()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
