"""Screenshots of the web application, in Spanish and English, desktop and phone.

Usage::

    .venv/bin/python benchmarks/screenshots.py [--out benchmarks/out/screens]
        [--persons 200] [--seed 7] [--url http://127.0.0.1:8000 --user NAME --password PW]

Without ``--url`` it builds the synthetic demo case in a temporary workspace
(generated, imported, indexed and linked as ``make demo`` does), serves it with
uvicorn on 127.0.0.1 and logs in as an admin. It drives Debian's Chromium
(``/usr/bin/chromium``; never a downloaded browser) and saves full-page PNGs,
``<page>-<lang>-<desktop|phone>.png``, of: the dashboard, search results for a
misspelled name, a person's page, a review pair, an import's dry run (a small
list uploaded through the form; not imported) and a facility's page. The output
directory is under ``benchmarks/out/`` (git-ignored). It also reports any page
that scrolls sideways on the phone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.web.conftest_browser import (  # noqa: E402
    PASSWORD,
    Chromium,
    LiveServer,
    a_person,
    build_demo_store,
    log_in,
    misspell,
)

LIST_CSV = """\
Nombres,Apellidos,Fecha de nacimiento,Sexo,Cédula,Fecha de detención,Lugar
Ana Beatriz,Quintero Salas,14/02/1990,F,V-19.442.871,15/03/2025,CECOT
José Gregorio,Mendoza Rivas,03/11/1985,M,V-17.220.334,15/03/2025,CECOT
Luisa,Pérez de Arcia,27/07/1999,F,V-26.118.905,16/03/2025,
Carlos Eduardo,Díaz,31/02/1988,M,V-14.55,,CECOT
"""


def _facility_id(store: Any) -> int:
    from sqlalchemy import select

    from habeas.store.schema import Facility

    with store.read() as s:
        rows = s.execute(select(Facility.id, Facility.name).order_by(Facility.id)).all()
    for fid, name in rows:
        if "CECOT" in (name or "").upper():
            return int(fid)
    return int(rows[0][0])


def _search_query(store: Any) -> tuple[str, int]:
    person = a_person(store)
    return f"{misspell(person.given)} {misspell(person.surname)}", person.person_id


def shoot(
    chromium: Chromium,
    url: str,
    user: str,
    password: str,
    out: Path,
    targets: dict[str, str],
    upload: Path,
) -> list[str]:
    problems: list[str] = []
    for lang in ("es", "en"):
        for size in ("desktop", "phone"):
            context = chromium.context(lang=lang, phone=size == "phone", device_scale_factor=1)
            context.set_default_timeout(60_000)
            page = context.new_page()
            log_in(page, url, user, password)
            page.goto(f"{url}/language/{lang}?next=/")
            shots = dict(targets)
            for name, path in shots.items():
                if name == "import-dry-run":
                    page.goto(url + "/sources/import")
                    page.locator("#file").set_input_files(str(upload))
                    page.locator("#source_title").fill("Lista de familiares (ejemplo)")
                    page.locator("#source_kind").select_option("list")
                    page.locator("main form button[type=submit]").click()
                    page.wait_for_url("**/sources/import/*")
                else:
                    page.goto(url + path)
                page.wait_for_load_state("networkidle")
                file = out / f"{name}-{lang}-{size}.png"
                page.screenshot(path=str(file), full_page=True)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                width = page.evaluate("window.innerWidth")
                if scroll > width:
                    problems.append(f"{file.name}: {scroll}px wide on a {width}px screen")
                print(file, file=sys.stderr)
            context.close()
    return problems


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "screens")
    ap.add_argument("--persons", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--url", help="an already running server (else one is started)")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default=PASSWORD)
    ap.add_argument("--search", help="the search query (with --url)")
    ap.add_argument("--person", type=int, help="the person id (with --url)")
    ap.add_argument("--facility", type=int, default=1, help="the facility id (with --url)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="habeas-screens-") as tmp:
        upload = Path(tmp) / "lista_familiares.csv"
        upload.write_text(LIST_CSV, encoding="utf-8")
        server = None
        store = None
        if args.url:
            url = args.url.rstrip("/")
            query, pid, fid = args.search or "Rodriguez", args.person or 1, args.facility
        else:
            from habeas.web import create_app

            store = build_demo_store(Path(tmp), persons=args.persons, seed=args.seed)
            query, pid = _search_query(store)
            fid = _facility_id(store)
            server = LiveServer(
                create_app(store, secret_key="screenshots", upload_dir=Path(tmp) / "uploads")
            ).start()
            url = server.url
        from urllib.parse import quote

        targets = {
            "dashboard": "/",
            "search": f"/search?q={quote(query)}",
            "person": f"/persons/{pid}",
            "review": "/review",
            "import-dry-run": "",
            "facility": f"/facilities/{fid}",
        }
        chromium = Chromium().start()
        try:
            problems = shoot(chromium, url, args.user, args.password, args.out, targets, upload)
        finally:
            chromium.stop()
            if server is not None:
                server.stop()
            if store is not None:
                store.close()
    print(f"screenshots in {args.out}")
    for problem in problems:
        print(f"scrolls sideways: {problem}")


if __name__ == "__main__":
    main()
