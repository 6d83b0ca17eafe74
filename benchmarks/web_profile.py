"""Profile one page of the web application in-process: CPU per request, and where it goes.

Usage::

    .venv/bin/python benchmarks/web_profile.py [--persons 40000] [--no-link]
        [--page search] [--requests 120] [--rounds 3] [--profile] [--top 40]

The register is the one ``benchmarks/web.py`` builds and caches (run that first). The
real application (``habeas.web.app.create_app``) is called through httpx's ASGI
transport, one request at a time, with the work the server hands to worker threads
(the views, the guard) run inline, so that the thread's CPU time
(``time.thread_time``) is the request's and ``cProfile`` sees all of it. The startup
heap is frozen as the server does (``gc.freeze``). The same URLs as ``web.py``'s
(``sample_targets``, same seed). Prints the thread CPU per request of each round
(the median is the figure) and, with ``--profile``, the functions by cumulative time
over one more round. Not the p95 under concurrency: ``web.py`` measures that.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent))

from benchmarks.web import log_in, sample_targets  # noqa: E402


def _inline_threadpool() -> None:
    """Run what Starlette/FastAPI send to worker threads in the calling thread."""
    import fastapi.dependencies.utils as dep_utils
    import fastapi.routing as routing

    import habeas.web.app as web_app

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    web_app.run_in_threadpool = inline  # type: ignore[assignment]
    dep_utils.run_in_threadpool = inline  # type: ignore[assignment]
    routing.run_in_threadpool = inline  # type: ignore[attr-defined]


async def _run(app: Any, paths: list[str], rounds: int, profile: bool) -> dict[str, Any]:
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1", headers={"Accept-Language": "es"}
    ) as client:
        await log_in(client)
        for path in paths[:3]:  # warm-up
            assert (await client.get(path)).status_code == 200
        per_round = []
        for _ in range(rounds):
            t0 = time.thread_time()
            for path in paths:
                answer = await client.get(path)
                assert answer.status_code == 200, (path, answer.status_code)
            per_round.append((time.thread_time() - t0) * 1000 / len(paths))
        prof = None
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            for path in paths:
                await client.get(path)
            prof.disable()
    return {"cpu_ms": per_round, "profile": prof}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, default=40_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-link", action="store_true")
    ap.add_argument("--page", default="search")
    ap.add_argument("--requests", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = ap.parse_args(argv)

    import logging

    from habeas.store.db import Store
    from habeas.web.app import create_app
    from habeas.workspace import find_workspace

    base = args.out / f"web_p{args.persons}_s{args.seed}{'' if not args.no_link else '_unlinked'}"
    if not (base / "ws").exists():
        sys.exit(f"no register at {base}: run benchmarks/web.py first")
    targets = sample_targets(base / "ws", args.seed)[args.page]
    paths = [targets[i % len(targets)] for i in range(args.requests)]
    logging.getLogger("habeas.web").setLevel(logging.WARNING)
    _inline_threadpool()
    store = Store.open(find_workspace(base / "ws"))
    app = create_app(store, secret_key="benchmark-secret-key")
    gc.collect()
    gc.freeze()
    got = asyncio.run(_run(app, paths, args.rounds, args.profile))
    rounds = ", ".join(f"{ms:.2f}" for ms in got["cpu_ms"])
    print(
        f"{args.page}: thread CPU per request {statistics.median(got['cpu_ms']):.2f} ms "
        f"(median of {args.rounds} rounds × {len(paths)} requests: {rounds})"
    )
    if got["profile"] is not None:
        pstats.Stats(got["profile"]).sort_stats(args.sort).print_stats(args.top)
    store.close()


if __name__ == "__main__":
    main()
