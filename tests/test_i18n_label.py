"""Text kept in both languages is picked by one helper, habeas.i18n.label (issue #14)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from habeas import i18n
from habeas.errors import UsageError

SRC = Path(__file__).resolve().parents[1] / "src" / "habeas"


def test_label_reads_attributes_and_keys_by_stem() -> None:
    term = SimpleNamespace(label_en="Beating", label_es="Golpiza")
    assert i18n.label(term, "es") == "Golpiza" and i18n.label(term, "en-GB") == "Beating"
    flag = {"title_en": "Disappeared", "title_es": "Desaparecido"}
    assert i18n.label(flag, "es_VE", "title") == "Desaparecido"
    with pytest.raises(UsageError):
        i18n.label(term, "fr")


def test_no_module_picks_a_language_by_hand() -> None:
    """No ``x_es if lang == "es" else x_en`` outside i18n: one helper decides."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.IfExp):
                continue
            test = ast.unparse(node.test)
            if "'es'" in test and (
                "_es" in ast.unparse(node.body) or "_es" in ast.unparse(node.orelse)
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []
