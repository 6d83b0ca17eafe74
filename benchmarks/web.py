"""Benchmark the web application: server time per page at 100,000+ persons.

Usage::

    .venv/bin/python benchmarks/web.py [--persons 40000] [--seed 7] [--no-link]
        [--requests 200] [--concurrency 4] [--workers 1] [--runs 3] [--out benchmarks/out]

1. **The register** is built once and cached under ``benchmarks/out/web_p<N>_s<seed>/``
   (git-ignored): the synthetic case (``habeas.synth.generate_case``, every list
   as CSV) imported through the real importer (``habeas.demo.load_case``), the
   search index built (``index_pending``), then linked (``habeas.linkage.link``)
   unless ``--no-link``. 40,000 generated persons give ~110,000 records; linked,
   ~45,000 persons; unlinked, every record is its own person (≥100,000).
   ``build.json`` there records the sizes and how long each step took.
2. **The server** is the real application (``habeas.web.app.create_app``) under
   one uvicorn process on 127.0.0.1 (as ``habeas serve`` runs it), in a
   subprocess; ``--workers N`` starts N such processes and spreads the requests
   over them in turn, as a reverse proxy spreads them over ``uvicorn --workers``
   (``docs/deploy.md``). One Python process runs one request's Python code at a
   time, so with more requests in flight than processes, server time includes
   waiting for the interpreter. This script wraps the app in a small ASGI middleware that adds a
   ``Server-Timing: app;dur=<ms>`` header: the time from the request reaching
   the app to the response headers (the pages render their whole body before
   that), so it is server time — not client, network or queueing time in the
   load generator.
3. **The load generator** (httpx, on loopback) logs in as an admin user through
   the login form, then for each page sends ``--requests`` GETs with
   ``--concurrency`` in flight: dashboard, search (names drawn from the
   register, a third of them misspelled), person pages (random persons),
   review queue, facilities, one facility (random), a facility chart (the
   PNG the facility page links to, drawn once per register state), incidents,
   sources. Every answer must be 200.
4. **Figures**: p50/p95/p99 of server time per page (and client latency, for
   comparison), each the median over ``--runs`` runs; beside them the server
   processes' **CPU per request** (user + system time of the server processes
   over the timed requests, from ``/proc``, divided by their number): wall time
   on a shared machine depends on what else runs, CPU time much less. Printed as
   a table and written to ``benchmarks/out/web_results.json`` with the load
   average (the machine may be shared: note it).

Issue 16's case (one process, 4 requests in flight, ≥100,000 persons)::

    .venv/bin/python benchmarks/web.py --no-link --pages search,person --workers 1 \
        --concurrency 4 --runs 3

Target (issue 6): p95 < 100 ms server time per page.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TARGET_P95_MS = 100.0
ADMIN, PASSWORD = "bench-admin", "benchmark password 2025"
PAGES = (
    "dashboard",
    "search",
    "person",
    "review",
    "facilities",
    "facility",
    "chart",
    "incidents",
    "sources",
)


# -- 1. the register -------------------------------------------------------------


def build(base: Path, persons: int, seed: int, linked: bool) -> dict[str, Any]:
    """The cached workspace (built on first use); returns ``build.json``'s content."""
    from sqlalchemy import func, select

    from habeas.access.users import add_user, count_users
    from habeas.demo import load_case
    from habeas.linkage import link
    from habeas.search.index import index_pending
    from habeas.store.db import Store
    from habeas.store.schema import Link, Person, Record
    from habeas.synth import generate_case
    from habeas.workspace import find_workspace, init_workspace

    meta_path = base / "build.json"
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    base.mkdir(parents=True, exist_ok=True)
    case_dir, ws_dir = base / "case", base / "ws"

    def step(name: str, fn: Any) -> None:
        if name in meta.get("seconds", {}):
            return
        print(f"[build] {name} …", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        fn()
        meta.setdefault("seconds", {})[name] = round(time.perf_counter() - t0, 1)
        meta_path.write_text(json.dumps(meta, indent=1))
        print(f"[build] {name}: {meta['seconds'][name]} s", file=sys.stderr, flush=True)

    step(
        "generate",
        lambda: generate_case(case_dir, persons=persons, seed=seed, lists_format_mix=False),
    )
    if not ws_dir.exists():
        init_workspace(ws_dir)
    store = Store.open(find_workspace(ws_dir), create=True)
    step("import", lambda: load_case(store, case_dir / "case.json"))
    step("search_index", lambda: index_pending(store, actor="benchmark"))
    if linked:
        step("link", lambda: link(store, actor="benchmark"))
    if count_users(store) == 0:
        add_user(store, ADMIN, "admin", PASSWORD, actor="benchmark")
    with store.read() as s:
        meta["records"] = int(s.execute(select(func.count()).select_from(Record)).scalar() or 0)
        meta["persons"] = int(
            s.execute(
                select(func.count(func.distinct(Link.person_id))).where(
                    Link.superseded_at.is_(None)
                )
            ).scalar()
            or 0
        )
        meta["person_rows"] = int(s.execute(select(func.count()).select_from(Person)).scalar() or 0)
    meta.update(
        {
            "generated_persons": persons,
            "seed": seed,
            "linked": linked,
            "database_bytes": sum(p.stat().st_size for p in ws_dir.glob("*.db*")),
        }
    )
    meta_path.write_text(json.dumps(meta, indent=1))
    store.close()
    return meta


def sample_targets(ws_dir: Path, seed: int, n: int = 60) -> dict[str, list[str]]:
    """The URLs to request: random persons and facilities, names from the register."""
    from sqlalchemy import select

    from habeas.document.conditions import facility_conditions
    from habeas.report.charts import has_population_chart, has_space_chart
    from habeas.store.db import Store
    from habeas.store.schema import Facility, Link, Record
    from habeas.workspace import find_workspace

    rng = random.Random(seed)
    store = Store.open(find_workspace(ws_dir))
    with store.read() as s:
        person_ids = list(
            s.execute(
                select(Link.person_id).where(Link.superseded_at.is_(None)).distinct()
            ).scalars()
        )
        facility_ids = list(s.execute(select(Facility.id)).scalars())
        facility_names = list(s.execute(select(Facility.id, Facility.name)).all())
        max_record = int(s.execute(select(Record.id).order_by(Record.id.desc())).scalar() or 0)
        names: list[str] = []
        while len(names) < n:
            rid = rng.randint(1, max_record)
            row = s.execute(
                select(Record.given_names, Record.surnames).where(Record.id == rid)
            ).first()
            if row and row[0] and row[1]:
                given, surnames = row[0][0], " ".join(row[1])
                query = f"{given} {surnames}"
                if len(names) % 3 == 2 and len(surnames) > 5:  # a typo: two letters swapped
                    i = len(surnames) // 2
                    query = (
                        f"{given} {surnames[: i - 1]}{surnames[i]}{surnames[i - 1]}"
                        f"{surnames[i + 1 :]}"
                    )
                names.append(query)
    charts = []  # the charts the facility pages link to (those with something to draw)
    for fid, name in facility_names:
        fc = facility_conditions(store, name)
        charts += [
            f"/facilities/{fid}/charts/{chart}.png"
            for chart, drawn in (
                ("population", has_population_chart(fc)),
                ("space", has_space_chart(fc)),
            )
            if drawn
        ]
    store.close()
    from urllib.parse import quote

    return {
        "dashboard": ["/"],
        "search": [f"/search?q={quote(q)}" for q in names],
        "person": [f"/persons/{pid}" for pid in rng.sample(person_ids, min(n, len(person_ids)))],
        "review": ["/review"],
        "facilities": ["/facilities"],
        "facility": [f"/facilities/{fid}" for fid in facility_ids],
        "chart": charts,
        "incidents": ["/incidents"],
        "sources": ["/sources"],
    }


# -- 2. the server (a subprocess running this file with --serve) --------------------


class ServerTiming:
    """ASGI middleware: ``Server-Timing: app;dur=<ms>`` from request to response start."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"server-timing", f"app;dur={ms:.2f}".encode()),
                ]
            await send(message)

        await self.app(scope, receive, timed_send)


def serve(ws_dir: Path, port: int) -> None:
    import logging

    import uvicorn

    from habeas.store.db import Store
    from habeas.web.app import create_app
    from habeas.workspace import find_workspace

    logging.getLogger("habeas.web").setLevel(logging.WARNING)
    store = Store.open(find_workspace(ws_dir))
    app = create_app(store, secret_key="benchmark-secret-key")
    uvicorn.run(
        ServerTiming(app), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


def start_server(ws_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(ws_dir), "--port", str(port)],
        cwd=Path(__file__).parent.parent,
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(url + "/login", timeout=5).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the server did not start within 2 minutes")


# -- 3. the load generator ---------------------------------------------------------------


async def log_in(client: Any) -> None:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the login page"
    answer = await client.post(
        "/login", data={"name": ADMIN, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/", (
        f"login failed: {answer.status_code} {answer.headers.get('location')}"
    )


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes ``pids`` so far (Linux ``/proc``; 0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


async def load(
    urls: list[str],
    paths: list[str],
    requests: int,
    concurrency: int,
    rng: random.Random,
    pids: list[int] = [],  # noqa: B006 - read only
) -> dict[str, Any]:
    """``requests`` GETs of ``paths`` with ``concurrency`` in flight, spread in turn over
    the server processes at ``urls`` (as a reverse proxy spreads them over workers);
    the server processes ``pids``' CPU time over those requests."""
    import httpx

    server: list[float] = []
    client_ms: list[float] = []
    failures: list[str] = []
    queue = [paths[i % len(paths)] for i in range(requests)]
    rng.shuffle(queue)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    turn = itertools.cycle(urls)
    async with httpx.AsyncClient(
        base_url=urls[0], limits=limits, timeout=60, headers={"Accept-Language": "es"}
    ) as client:
        await log_in(client)  # the session lives in the database: every worker knows it
        for url in urls:
            for path in paths[:3]:  # warm-up (templates compiled, caches filled)
                await client.get(url + path)

        async def worker() -> None:
            while queue:
                path = queue.pop()
                t0 = time.perf_counter()
                response = await client.get(next(turn) + path)
                client_ms.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    failures.append(f"{path}: {response.status_code}")
                timing = re.search(r"app;dur=([\d.]+)", response.headers.get("server-timing", ""))
                if timing is None:
                    failures.append(f"{path}: no Server-Timing header")
                else:
                    server.append(float(timing.group(1)))

        cpu_before = cpu_seconds(pids)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        cpu_used = cpu_seconds(pids) - cpu_before
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests, e.g. {failures[:5]}")
    return {"server": server, "client": client_ms, "cpu_ms": cpu_used * 1000 / requests}


def percentiles(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(q[49], 1), "p95": round(q[94], 1), "p99": round(q[98], 1)}


# -- 4. main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--persons",
        type=int,
        default=40_000,
        help="persons the generator makes (40,000 → ~110,000 records)",
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-link", action="store_true", help="do not link (faster build)")
    ap.add_argument("--requests", type=int, default=200, help="requests per page per run")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (as uvicorn --workers behind a proxy; requests "
        "are spread over them in turn)",
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated subset")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return {}

    linked = not args.no_link
    base = args.out / f"web_p{args.persons}_s{args.seed}{'' if linked else '_unlinked'}"
    meta = build(base, args.persons, args.seed, linked)
    print(
        f"register: {meta['records']:,} records, {meta['persons']:,} persons "
        f"({'linked' if linked else 'not linked'}), {meta['database_bytes'] / 1e6:.0f} MB",
        file=sys.stderr,
    )
    if args.build_only:
        return meta
    targets = sample_targets(base / "ws", args.seed)
    pages = [p for p in args.pages.split(",") if p]
    load_before = os.getloadavg()
    servers = [start_server(base / "ws") for _ in range(args.workers)]
    urls = [url for _, url in servers]
    pids = [proc.pid for proc, _ in servers]
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in pages}
    try:
        for run in range(args.runs):
            rng = random.Random(args.seed * 100 + run)
            for page in pages:
                got = asyncio.run(
                    load(urls, targets[page], args.requests, args.concurrency, rng, pids)
                )
                runs[page].append(
                    {
                        "server": percentiles(got["server"]),
                        "client": percentiles(got["client"]),
                        "cpu_ms_per_request": round(got["cpu_ms"], 1),
                    }
                )
                print(
                    f"[run {run + 1}] {page:<11} server p95 "
                    f"{runs[page][-1]['server']['p95']:7.1f} ms, CPU "
                    f"{got['cpu_ms']:5.1f} ms per request",
                    file=sys.stderr,
                )
    finally:
        for proc, _ in servers:
            proc.terminate()
        for proc, _ in servers:
            proc.wait(timeout=30)
    load_after = os.getloadavg()
    url = os.environ.get("HABEAS_DATABASE_URL", "")
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"

    def median(page: str, kind: str, key: str) -> float:
        return round(statistics.median(r[kind][key] for r in runs[page]), 1)

    table: dict[str, dict[str, Any]] = {
        page: {
            kind: {k: median(page, kind, k) for k in ("p50", "p95", "p99")}
            for kind in ("server", "client")
        }
        for page in pages
    }
    for page in pages:
        table[page]["cpu_ms_per_request"] = round(
            statistics.median(r["cpu_ms_per_request"] for r in runs[page]), 1
        )
    result = {
        "register": {
            k: meta[k]
            for k in (
                "records",
                "persons",
                "person_rows",
                "linked",
                "generated_persons",
                "seed",
                "database_bytes",
            )
        },
        "requests_per_page_per_run": args.requests,
        "concurrency": args.concurrency,
        "runs": args.runs,
        "server": f"{args.workers} uvicorn process(es), {backend}",
        "database": backend,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "target_p95_ms": TARGET_P95_MS,
        "pages": table,
        "missed_target": [p for p in pages if table[p]["server"]["p95"] >= TARGET_P95_MS],
        "per_run": runs,
    }
    print(
        f"\n{meta['records']:,} records, {meta['persons']:,} persons; {args.runs} runs × "
        f"{args.requests} requests per page, concurrency {args.concurrency}, "
        f"{args.workers} server process(es), {backend}; "
        f"load average {load_before[0]:.1f} → {load_after[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"{'page':<12}{'server p50':>11}{'p95':>8}{'p99':>8}   {'client p50':>10}{'p95':>8}"
        f"{'p99':>8}   {'CPU/request':>11}  (ms, median of runs)"
    )
    for page in pages:
        s, c = table[page]["server"], table[page]["client"]
        flag = "" if s["p95"] < TARGET_P95_MS else "  ← misses p95 < 100 ms"
        print(
            f"{page:<12}{s['p50']:>11.1f}{s['p95']:>8.1f}{s['p99']:>8.1f}   "
            f"{c['p50']:>10.1f}{c['p95']:>8.1f}{c['p99']:>8.1f}   "
            f"{table[page]['cpu_ms_per_request']:>11.1f}{flag}"
        )
    print("command: " + " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]))
    out = args.out / "web_results.json"
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps({"pages": table, "missed_target": result["missed_target"]}))
    print(f"written to {out}", file=sys.stderr)
    return result


if __name__ == "__main__":
    main()
