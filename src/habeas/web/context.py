"""The per-request context every view receives as its first argument, ``ctx``.

A view is a plain (sync) function ``def view(ctx: Context, **params) -> dict``
registered with :func:`habeas.web.views.page` or :func:`habeas.web.views.action`;
the framework builds ``ctx`` before calling it (and has already checked the
route's permission). What a view may use:

``ctx.store``           the :class:`habeas.store.db.Store` (read with ``store.read()``;
                        write with ``store.write(ctx.actor)``)
``ctx.user``            the logged-in :class:`habeas.access.users.User`, or ``None``
``ctx.role``            the user's role (``None`` when not logged in)
``ctx.actor``           the name to pass to ``store.write`` (the user's name)
``ctx.reader``          who is asking (:class:`habeas.access.reader.Reader`): pass it
                        to every library read function that shows personal data.
                        Its purpose is the one stated for this browser session
                        (``/purpose``), or for API clients the ``X-Habeas-Purpose``
                        header or ``?purpose=`` parameter
``ctx.purpose_url``     where a page sends the reader to state the purpose
``ctx.lang``            ``"es"`` or ``"en"``
``ctx._(text)``         translate a message (gettext; also ``ctx.ngettext``);
                        in templates use ``{{ _("...") }}``
``ctx.allowed(perm)``   may this user do ``perm``? (e.g. hide identities for analysts)
``ctx.require(perm)``   raise 403 unless allowed (for finer checks inside a view)
``ctx.csrf_token``      the token forms must send as ``csrf_token`` (templates:
                        ``{{ csrf_field() }}``; htmx sends it as a header by itself)
``ctx.form``            for actions: the submitted form (or JSON body) as a dict
                        of str -> str; uploaded files in ``ctx.files``
                        (``UploadFile`` objects)
``ctx.query``           the query-string parameters (also declare them as view
                        parameters to have them typed and documented in OpenAPI)
``ctx.wants_json``      the response will be JSON (``.json`` suffix or Accept header)
``ctx.htmx``            the request came from htmx (``HX-Request`` header)
``ctx.flash(message)``  show ``message`` once on the next HTML page
``ctx.url(name, **p)``  the path of a named route (``name`` for the HTML page,
                        ``name + ".json"`` for its JSON twin)
``ctx.format_date(d)``, ``ctx.format_number(n)``   localised (Babel)
``ctx.request``         the Starlette request (rarely needed)
``ctx.settings``        the :class:`habeas.web.settings.Settings`
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile

from habeas import i18n
from habeas.access import policy
from habeas.access.reader import Reader, check_purpose
from habeas.access.users import User, session_purpose
from habeas.store.db import Store

#: API clients state the purpose of a request in this header (or ``?purpose=``).
PURPOSE_HEADER = "X-Habeas-Purpose"

if TYPE_CHECKING:
    from starlette.requests import Request

    from habeas.web.sessions import SessionData
    from habeas.web.settings import Settings


@dataclass
class Context:
    request: Request
    store: Store
    settings: Settings
    user: User | None
    lang: str
    session: SessionData
    via_token: bool = False
    wants_json: bool = False
    htmx: bool = False
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)

    # -- who ---------------------------------------------------------------
    @property
    def role(self) -> str | None:
        return self.user.role if self.user is not None else None

    @property
    def actor(self) -> str:
        return self.user.name if self.user is not None else "anonymous"

    @cached_property
    def purpose(self) -> str | None:
        """Why this request consults restricted data (see the module doc)."""
        if self.via_token or self.session.sid is None:
            stated = self.request.headers.get(PURPOSE_HEADER) or self.request.query_params.get(
                "purpose"
            )
            return check_purpose(stated)
        return session_purpose(self.store, self.session.sid)

    def known_purpose(self, purpose: str | None) -> None:
        """The session's purpose, read with its user (one look-up per request, not two)."""
        self.__dict__["purpose"] = purpose  # what the cached property would have read

    @cached_property
    def reader(self) -> Reader:
        return Reader(self.role, self.actor, self.purpose, "api" if self.via_token else "web")

    @property
    def purpose_url(self) -> str:
        from urllib.parse import quote

        return f"/purpose?next={quote(str(self.request.url.path), safe='')}"

    def allowed(self, permission: str, *, sensitivity: str = policy.PUBLIC) -> bool:
        return policy.allowed(self.role, permission, sensitivity=sensitivity)

    def require(self, permission: str, *, sensitivity: str = policy.PUBLIC) -> None:
        policy.require(self.role, permission, sensitivity=sensitivity)

    # -- language ----------------------------------------------------------
    @property
    def translations(self) -> Any:
        return i18n.translator(self.lang)

    def _(self, message: str, **values: Any) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": n, **values}

    @property
    def translate(self) -> Callable[..., str]:
        return self._

    def format_date(self, value: date | datetime | None, format: str = "medium") -> str:
        return i18n.format_date(value, self.lang, format)

    def format_number(self, value: int | float | None) -> str:
        return i18n.format_number(value, self.lang)

    # -- request -----------------------------------------------------------
    @property
    def csrf_token(self) -> str:
        return self.session.csrf

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params)

    def flash(self, message: str, kind: str = "info") -> None:
        self.session.flashes.append({"message": message, "kind": kind})

    def url(self, name: str, **params: Any) -> str:
        from habeas.web.urls import url_path

        return url_path(self.request.app, name, **params)
