"""Settings of one web application instance (see :func:`habeas.web.app.create_app`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from habeas.access.users import SESSION_LIFETIME


@dataclass
class Settings:
    secret_key: str
    #: Send cookies only over HTTPS (set when serving behind TLS).
    secure_cookies: bool = False
    session_lifetime: timedelta = SESSION_LIFETIME
    #: Language when neither the visitor's choice nor their browser says one we have.
    default_language: str = "es"
    #: Largest file accepted for import (bytes).
    max_upload_bytes: int = 200 * 1024 * 1024
    #: Largest request body (bytes) of every route but the import upload (forms, JSON).
    max_body_bytes: int = 1024 * 1024
    #: Host names the server answers to besides loopback ones (``*.example.org``: its
    #: subdomains); ``None``: no check (``habeas serve`` always sets it).
    allowed_hosts: tuple[str, ...] | None = None
    #: Estimates computed at the same time (each may take seconds of CPU); more are
    #: refused with 503 and Retry-After. Results are cached per register state.
    max_concurrent_estimates: int = 2
    #: Where uploaded files wait between the dry run and the import (default: the
    #: workspace's private uploads/ folder; see habeas.web.uploads).
    upload_dir: Path | None = None
    #: Title shown in the header (e.g. the workspace name).
    site_name: str = "habeas"
    extra: dict[str, object] = field(default_factory=dict)
