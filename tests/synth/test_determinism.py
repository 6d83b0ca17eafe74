"""Same seed, same bytes; different seed, different case."""

from __future__ import annotations

from pathlib import Path

from habeas.synth import generate_case


def _files(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a = generate_case(tmp_path / "a", persons=300, seed=11)
    b = generate_case(tmp_path / "b", persons=300, seed=11)
    assert a.name == b.name == "case.json"
    fa, fb = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(fa) == set(fb)
    assert len(fa) == 10  # 7 lists + case.json + 2 truth files
    for name in fa:
        assert fa[name] == fb[name], name


def test_different_seed_differs(tmp_path: Path) -> None:
    generate_case(tmp_path / "a", persons=300, seed=11)
    generate_case(tmp_path / "b", persons=300, seed=12)
    fa, fb = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(fa) == set(fb)
    for name in fa:
        assert fa[name] != fb[name], name


def test_csv_only_mode(tmp_path: Path) -> None:
    path = generate_case(tmp_path, persons=200, seed=3, lists_format_mix=False)
    lists = sorted(p.suffix for p in (tmp_path / "lists").iterdir())
    assert lists and set(lists) == {".csv"}
    text = path.read_text(encoding="utf-8")
    assert ".xlsx" not in text and ".jsonl" not in text
