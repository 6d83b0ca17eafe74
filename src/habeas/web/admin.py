"""Administration: users (add, role, disable, API tokens), vocabulary terms, the change log
and the audit of reads (who viewed or exported restricted data, when and why)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from habeas.access import policy, users
from habeas.access.reader import PURPOSES
from habeas.audit.query import KINDS, LogFilter, count_entries, log_entries
from habeas.errors import UsageError
from habeas.messages import N_
from habeas.store.changelog import canonical_json
from habeas.store.vocabulary import VocabularyIndex, add_term, list_terms
from habeas.web import labels
from habeas.web.auth import weak_password_message
from habeas.web.context import Context
from habeas.web.rendering import render
from habeas.web.views import action, page

LOG_PAGE = 50


def _enabled_admins(ctx: Context) -> list[str]:
    return [u.name for u in users.list_users(ctx.store) if u.role == "admin" and not u.disabled]


@page(
    "/admin",
    permission="admin",
    template="admin.html",
    name="admin",
    nav=N_("Administration"),
    nav_order=90,
)
def admin(ctx: Context) -> dict[str, Any]:
    """Users, their roles and API tokens."""
    return {
        "users": [u.to_dict() for u in users.list_users(ctx.store)],
        "tokens": users.list_tokens(ctx.store),
        "roles": list(policy.ROLES),
        "role_permissions": {r: sorted(p) for r, p in policy.ROLE_PERMISSIONS.items()},
        "permission_labels": {
            r: labels.permissions(sorted(p), ctx._) for r, p in policy.ROLE_PERMISSIONS.items()
        },
    }


def _shown_once(ctx: Context, data: dict[str, Any]) -> Any:
    """Secrets (TOTP seed, API token) are shown once, in this response, never stored."""
    if ctx.wants_json:
        return data
    return render(ctx, "admin_secret.html", data)


@action("/admin/users", permission="admin", name="admin_add_user", redirect="/admin")
def add_user(ctx: Context) -> Any:
    """Add a user: fields ``name``, ``role``, ``password`` (10+ characters), ``totp`` (on)."""
    name = str(ctx.form.get("name", "")).strip()
    role = str(ctx.form.get("role", "")).strip()
    password = str(ctx.form.get("password", ""))
    totp = str(ctx.form.get("totp", "")) in ("1", "on", "true")
    if not name or not role or not password:
        raise UsageError(ctx._("Give a user name, a role and a password."))
    try:
        user, secret = users.add_user(
            ctx.store,
            name,
            role,
            password,
            totp=totp,
            display_name=str(ctx.form.get("display_name", "")) or None,
            actor=ctx.actor,
        )
    except users.WeakPassword as exc:
        raise UsageError(weak_password_message(ctx, exc)) from exc
    if secret is None:
        ctx.flash(ctx._("User %(name)s added.", name=name), "ok")
        return {"user": user.to_dict()}
    return _shown_once(
        ctx,
        {
            "user": user.to_dict(),
            "totp_secret": secret,
            "totp_uri": users.totp_uri(name, secret),
            "token": None,
        },
    )


@action("/admin/users/{name}/role", permission="admin", name="admin_set_role", redirect="/admin")
def set_role(ctx: Context, name: str) -> dict[str, Any]:
    """Change a user's role (field ``role``)."""
    role = str(ctx.form.get("role", "")).strip()
    policy.check_role(role)
    if role != "admin" and _enabled_admins(ctx) == [name]:
        raise UsageError(
            ctx._("This is the last administrator; make someone else administrator first.")
        )
    user = users.set_role(ctx.store, name, role, actor=ctx.actor)
    ctx.flash(ctx._("%(name)s is now %(role)s.", name=name, role=ctx._(role)), "ok")
    return {"user": user.to_dict()}


@action(
    "/admin/users/{name}/disable", permission="admin", name="admin_disable_user", redirect="/admin"
)
def disable(ctx: Context, name: str) -> dict[str, Any]:
    """Disable a user (their sessions end and their API tokens stop working)."""
    if _enabled_admins(ctx) == [name]:
        raise UsageError(ctx._("This is the last administrator; it cannot be disabled."))
    user = users.set_disabled(ctx.store, name, True, actor=ctx.actor)
    ctx.flash(ctx._("User %(name)s disabled.", name=name), "ok")
    return {"user": user.to_dict()}


@action(
    "/admin/users/{name}/enable", permission="admin", name="admin_enable_user", redirect="/admin"
)
def enable(ctx: Context, name: str) -> dict[str, Any]:
    """Enable a disabled user again."""
    user = users.set_disabled(ctx.store, name, False, actor=ctx.actor)
    ctx.flash(ctx._("User %(name)s enabled.", name=name), "ok")
    return {"user": user.to_dict()}


@action(
    "/admin/users/{name}/token", permission="admin", name="admin_create_token", redirect="/admin"
)
def create_token(ctx: Context, name: str) -> Any:
    """Create an API token for a user (fields ``label`` and ``days``, how long it stays
    valid: default 90); it is shown only once, with the date it expires."""
    label = str(ctx.form.get("label", "")).strip() or "api"
    raw_days = str(ctx.form.get("days", "")).strip()
    days = int(raw_days) if raw_days.isdigit() else users.TOKEN_LIFETIME.days
    if raw_days and not raw_days.isdigit() or not 0 < days <= users.MAX_TOKEN_LIFETIME.days:
        raise UsageError(
            ctx._("A token is valid for 1 to %(max)s days.", max=users.MAX_TOKEN_LIFETIME.days)
        )
    new = users.create_token(ctx.store, name, label, actor=ctx.actor, lifetime=timedelta(days=days))
    return _shown_once(
        ctx,
        {
            "user": users.get_user(ctx.store, name).to_dict(),
            "token": new.token,
            "expires_at": new.expires_at,
            "label": label,
            "totp_secret": None,
        },
    )


@action(
    "/admin/tokens/{token_id}/revoke",
    permission="admin",
    name="admin_revoke_token",
    redirect="/admin",
)
def revoke_token(ctx: Context, token_id: int) -> dict[str, Any]:
    """Revoke an API token."""
    users.revoke_token(ctx.store, token_id, actor=ctx.actor)
    ctx.flash(ctx._("Token revoked."), "ok")
    return {"revoked": token_id}


@page(
    "/admin/vocabulary",
    permission="admin",
    template="admin_vocabulary.html",
    name="admin_vocabulary",
)
def vocabulary(ctx: Context, vocabulary: str | None = None) -> dict[str, Any]:
    """The controlled vocabularies and their terms (English and Spanish labels)."""
    terms = list_terms(ctx.store, vocabulary or None)
    return {
        "vocabularies": VocabularyIndex.load(ctx.store).vocabularies(),
        "selected": vocabulary,
        "terms": [
            {
                "vocabulary": t.vocabulary,
                "code": t.code,
                "label_en": t.label_en,
                "label_es": t.label_es,
                "synonyms": t.synonyms,
            }
            for t in terms
        ],
    }


@action(
    "/admin/vocabulary", permission="admin", name="admin_add_term", redirect="/admin/vocabulary"
)
def add_vocabulary_term(ctx: Context) -> dict[str, Any]:
    """Add a term: ``vocabulary``, ``code``, ``label_en``, ``label_es``, ``synonyms`` (a|b)."""
    values = {
        k: str(ctx.form.get(k, "")).strip()
        for k in ("vocabulary", "code", "label_en", "label_es", "synonyms")
    }
    if not all(values[k] for k in ("vocabulary", "code", "label_en", "label_es")):
        raise UsageError(ctx._("Give the vocabulary, a code and both labels."))
    synonyms = [s.strip() for s in values["synonyms"].split("|") if s.strip()]
    add_term(
        ctx.store,
        values["vocabulary"],
        values["code"],
        values["label_en"],
        values["label_es"],
        synonyms,
        actor=ctx.actor,
    )
    ctx.flash(ctx._("Term %(code)s added.", code=values["code"]), "ok")
    return {
        "term": {**values, "synonyms": synonyms},
        "redirect": f"/admin/vocabulary?vocabulary={values['vocabulary']}",
    }


@page("/admin/log", permission="admin", template="admin_log.html", name="admin_log")
def change_log(
    ctx: Context,
    before: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    kind: str | None = None,
    person: int | None = None,
    since: str | None = None,
    until: str | None = None,
    purpose: str | None = None,
) -> dict[str, Any]:
    """The change log and the audit of reads, newest first.

    Filters: ``kind`` (read / write), ``actor`` (who), ``action``, ``person`` (entries
    about one person), ``since`` / ``until`` (YYYY-MM-DD), ``purpose`` (a purpose code);
    page with ``before``."""
    filters = LogFilter(
        kind=kind or None,
        user=actor or None,
        person=person,
        since=since or None,
        until=until or None,
        purpose=purpose or None,
        action=action or None,
        before=before,
    )
    entries = [e.to_dict() for e in log_entries(ctx.store, filters, LOG_PAGE)]
    for e in entries:
        e["detail_text"] = canonical_json(e["detail"])
        e["action_label"] = labels.label(labels.ACTIONS, e["action"], ctx._)
        e["entity_label"] = labels.label(labels.ENTITIES, e["entity"], ctx._)
        e["detail_items"] = labels.detail_items(e["detail"], ctx._)
    return {
        "entries": entries,
        "total": count_entries(ctx.store, filters),
        "actor": actor,
        "action": action,
        "kind": kind,
        "person": person,
        "since": since,
        "until": until,
        "purpose": purpose,
        "kinds": list(KINDS),
        "purposes": list(PURPOSES),
        "next_before": entries[-1]["seq"] if len(entries) == LOG_PAGE else None,
    }


@page(
    "/admin/log/verify", permission="admin", template="admin_verify.html", name="admin_log_verify"
)
def verify_log(ctx: Context) -> dict[str, Any]:
    """Recompute the change log's hash chain and compare with the head kept outside the DB."""
    result = ctx.store.verify_log()
    return {
        "ok": result.ok,
        "entries": result.entries,
        "head_seq": result.head_seq,
        "head_hash": result.head_hash,
        "problems": result.problems,
    }
