"""Helpers for the browser tests and the screenshot script (not a pytest conftest).

* :func:`build_demo_store` — a fresh SQLite workspace with the synthetic demo case
  imported through the real importer and linked (as ``make demo`` does), and one
  user per role (:data:`PASSWORD`).
* :class:`LiveServer` — the real web application under uvicorn on 127.0.0.1, on a
  free port, in a background thread.
* :func:`launch_chromium` — Debian's Chromium (``/usr/bin/chromium``) through
  Playwright. Never a downloaded browser: there is no ``playwright install`` here.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.store.db import Store

PASSWORD = "correct horse battery staple"
CHROMIUM = os.environ.get("HABEAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def build_demo_store(
    root: Path, persons: int = 200, seed: int = 7, roles: tuple[str, ...] | None = None
) -> Store:
    """A workspace under ``root`` with the synthetic case loaded, indexed and linked
    (:func:`habeas.demo.build_demo`), and one user per role (or per ``roles``)."""
    from habeas.access.policy import ROLES
    from habeas.access.users import add_user
    from habeas.demo import build_demo
    from habeas.workspace import init_workspace

    store = Store.open(init_workspace(root / "ws"), create=True)
    # generate_case → load_case (the real importer) → search index → link, as `make demo`
    build_demo(store, root / "case", persons=persons, seed=seed)
    for role in roles or ROLES:
        add_user(store, role, role, PASSWORD, actor="test")
    return store


@dataclass
class DemoPerson:
    person_id: int
    given: str
    surname: str


def a_person(store: Store) -> DemoPerson:
    """A linked person from the flight manifest with a long given name and two surnames."""
    from habeas.store.schema import Link, Record, Source

    with store.read() as s:
        rows = s.execute(
            select(Link.person_id, Record.given_names, Record.surnames)
            .join(Record, Record.id == Link.record_id)
            .join(Source, Source.id == Record.source_id)
            .where(Link.superseded_at.is_(None), Source.title.like("Flight manifest%"))
            .order_by(Record.id)
        ).all()
    for pid, given, surnames in rows:
        if (
            given
            and surnames
            and len(surnames) == 2
            and all(len(x) >= 6 for x in surnames)
            and len(given[0]) >= 5
            and all(x.isascii() and x.isalpha() for x in (given[0], surnames[0]))
        ):
            return DemoPerson(pid, given[0], surnames[0])
    raise AssertionError("no suitable person in the demo case")


def misspell(word: str) -> str:
    """A typo a person might make: two inner letters swapped, then lower case."""
    i = len(word) // 2
    swapped = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if swapped.lower() == word.lower():  # the two letters were the same
        swapped = word[:i] + word[i + 1 :]
    return swapped.lower()


def free_socket(host: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1 (a free port) in a daemon thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        import uvicorn

        self.sock = free_socket(host)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(
            app, host=host, port=self.port, log_level="warning", lifespan="off", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.sock]},
            daemon=True,
            name="habeas-live-server",
        )

    def start(self, timeout: float = 30.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {self.url}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


class ChromiumUnavailable(RuntimeError):
    pass


class Chromium:
    """Playwright driving Debian's Chromium.

    Each launch gets a fresh, temporary user-data directory (Playwright makes one
    for every non-persistent launch and deletes it on close), and every
    :meth:`context` is isolated (its own cookies and storage).
    """

    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Any = None

    def start(self) -> Chromium:
        if not Path(CHROMIUM).exists():
            raise ChromiumUnavailable(
                f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y "
                "chromium). The tests never download a browser."
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise ChromiumUnavailable(f"the playwright package is not installed: {exc}") from exc
        try:
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
            )
        except Exception as exc:  # noqa: BLE001 - any launch failure has one meaning here
            self.stop()
            raise ChromiumUnavailable(
                f"Chromium at {CHROMIUM} could not be launched: {exc.__class__.__name__}: {exc}"
            ) from exc
        return self

    def context(self, *, lang: str = "es", phone: bool = False, **options: Any) -> Any:
        """A new, isolated browser context (its own cookies), Spanish by default."""
        settings: dict[str, Any] = {
            "viewport": PHONE if phone else DESKTOP,
            "locale": "es-ES" if lang == "es" else "en-GB",
            "timezone_id": "America/Caracas",
        }
        if phone:
            settings.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        return self.browser.new_context(**{**settings, **options})

    def stop(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None


def log_in(page: Any, base_url: str, name: str, password: str = PASSWORD) -> None:
    """Log in through the form, by the fields' labels (Spanish or English)."""
    page.goto(f"{base_url}/login")
    user_field = page.get_by_label("Usuario", exact=True)
    password_field = page.get_by_label("Contraseña", exact=True)
    user_field.or_(page.get_by_label("User name", exact=True)).fill(name)
    password_field.or_(page.get_by_label("Password", exact=True)).fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def snapshot(page: Any, name: str) -> None:
    """Photograph the whole page as ``name.png`` in ``HABEAS_SCREENSHOTS`` when that names a
    folder (to look at by eye); otherwise nothing."""
    folder = os.environ.get("HABEAS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def keep_file(path: Path, name: str) -> None:
    """Copy a downloaded file (a letter, a dossier) into ``HABEAS_SCREENSHOTS`` when set."""
    folder = os.environ.get("HABEAS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(path.read_bytes())
