"""The package layering (issue #14): faces present, the store persists.

* ``habeas.web`` and ``habeas.cli`` never import SQLAlchemy or the schema: every read
  goes through :mod:`habeas.read` (or the library module that owns the concept).
* ``habeas.store`` imports nothing from the layers above it (access, audit, ingest,
  encryption management), so there is no ``access ↔ store ↔ crypto ↔ ingest`` cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "habeas"


def imports(path: Path, root: Path = SRC) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports (also inside functions and TYPE_CHECKING blocks)."""
    package = ".".join(("habeas", *path.relative_to(root).with_suffix("").parts[:-1]))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield node.lineno, base
            for alias in node.names:  # from habeas.store import schema
                yield node.lineno, f"{base}.{alias.name}"


def offences(package: str, forbidden: tuple[str, ...], root: Path = SRC) -> list[str]:
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for line, name in imports(path, root):
            if any(
                name == f or name.startswith(f + ".") or name.startswith(f + "_") for f in forbidden
            ):
                found.append(f"{path.relative_to(root.parent)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("face", ["web", "cli"])
def test_faces_do_not_query(face: str) -> None:
    assert offences(face, ("sqlalchemy", "habeas.store.schema")) == []


def test_store_keeps_persistence_only() -> None:
    assert (
        offences(
            "store",
            (
                "habeas.access",
                "habeas.audit",
                "habeas.ingest",
                "habeas.encryption",
                "habeas.read",
                "habeas.web",
                "habeas.cli",
            ),
        )
        == []
    )


def test_crypto_is_below_the_store() -> None:
    assert offences("crypto", ("habeas.store", "habeas.access", "habeas.audit")) == []


def test_the_check_sees_an_import(tmp_path: Path) -> None:
    """The walker finds plain, from-, relative and function-level imports."""
    root = tmp_path / "habeas"
    module = root / "web" / "pages" / "probe.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import sqlalchemy.orm\n"
        "from ..context import Context\n"
        "from habeas.store import db\n"
        "def f():\n    from habeas.store import schema_linkage\n",
        encoding="utf-8",
    )
    names = {n for _, n in imports(module, root)}
    assert {
        "sqlalchemy.orm",
        "habeas.web.context",
        "habeas.store.db",
        "habeas.store.schema_linkage",
    } <= names
    assert [
        o.split(" imports ")[1]
        for o in offences("web", ("sqlalchemy", "habeas.store.schema"), root)
    ] == ["sqlalchemy.orm", "habeas.store.schema_linkage"]


def test_search_is_its_own_package() -> None:
    """Finding a person is not record linkage: it lives in habeas.search (issue #14)."""
    from habeas.search import find, search
    from habeas.search.query import search as in_query

    assert search is in_query and callable(find)
    assert sorted(p.name for p in (SRC / "linkage").glob("search*.py")) == []
