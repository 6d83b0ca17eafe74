"""Person ids survive merges and splits: a retired id leads to the surviving person (#13.3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from habeas.access.reader import Reader
from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage import link
from habeas.linkage.review import decide
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.person_ids import resolve
from habeas.workspace import Workspace

ADMIN = Reader("admin", "ana", "documentation")

LISTS = {
    "Manifest": 'No.,NAME,DOB,A#\n1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990,A-208-304-911\n',
    "Press": 'No.,NAME,DOB\n1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990\n',
    "Relatives": 'No.,NAME,DOB,A#\n1,"RODRIGUES, JOSE",05/04/1990,A208304911\n',
}


def _three_persons(store: Store, tmp_path: Path) -> dict[str, tuple[int, int]]:
    """One record per list, each imported as its own person: source → (record, person)."""
    for title, text in LISTS.items():
        path = tmp_path / f"{title}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(store, path, ImportOptions(title, "list", date_order="MDY"))
    return {r["source"]: (r["record"], r["person_id"]) for r in queries.iter_records(store)}


def _persons(store: Store) -> dict[str, int]:
    return {r["source"]: r["person_id"] for r in queries.iter_records(store)}


def test_merged_ids_lead_to_the_survivor_and_a_split_keeps_the_larger_part(
    store: Store, tmp_path: Path
) -> None:
    start = _three_persons(store, tmp_path)
    (m_rec, m_pid), (p_rec, p_pid), (r_rec, r_pid) = (
        start["Manifest"],
        start["Press"],
        start["Relatives"],
    )
    assert len({m_pid, p_pid, r_pid}) == 3

    # one record each: the lowest id stays
    decide(store, (m_rec, p_rec), "same", reviewer="ana", reader=ADMIN)
    survivor = min(m_pid, p_pid)
    retired = max(m_pid, p_pid)
    assert set(_persons(store).values()) == {survivor, r_pid}
    moved = resolve(store, retired)
    assert not moved.current and moved.survivor == survivor and moved.merged_at is not None
    assert moved.path[0].records == 1 and moved.path[0].kind == "merged"

    decide(store, (m_rec, r_rec), "same", reviewer="ana", reader=ADMIN)  # two records beat one
    assert set(_persons(store).values()) == {survivor}
    assert resolve(store, r_pid).survivor == survivor
    assert resolve(store, retired).survivor == survivor  # still, after a second merge

    decide(store, (m_rec, r_rec), "different", reviewer="ana", reader=ADMIN)  # keeps {m, p}
    after = _persons(store)
    assert after["Manifest"] == survivor  # the id stays with the larger part
    split = resolve(store, survivor)
    assert split.current and [m.kind for m in split.split_off] == ["split"]
    new_ids = {m.into_id for m in split.split_off}
    assert new_ids == set(after.values()) - {survivor} and len(new_ids) == 1

    assert not resolve(store, 10_000).known  # never existed
    assert not resolve(store, 2**70).known and not resolve(store, -1).known


def test_a_rerun_of_link_keeps_every_person_id(store: Store, tmp_path: Path) -> None:
    _three_persons(store, tmp_path)
    link(store)
    before = _persons(store)
    retired = {p for p in range(1, 4)} - set(before.values())
    link(store)
    assert _persons(store) == before
    link(store, full=True)
    assert _persons(store) == before
    for pid in retired:  # ids retired by the first run still lead somewhere
        assert resolve(store, pid).moved_to


def test_a_merge_written_before_person_change_is_followed_through_the_links(
    store: Store, tmp_path: Path
) -> None:
    """Registers linked before revision 0012 have no person_change rows."""
    from sqlalchemy import delete

    from habeas.store.schema_linkage import PersonChange

    start = _three_persons(store, tmp_path)
    decide(store, (start["Manifest"][0], start["Press"][0]), "same", reviewer="ana", reader=ADMIN)
    with store.engine.begin() as conn:
        conn.execute(delete(PersonChange))
    retired = max(start["Manifest"][1], start["Press"][1])
    assert resolve(store, retired).survivor == min(start["Manifest"][1], start["Press"][1])


def test_cli_person_and_dossier_of_a_retired_id_show_the_survivor(
    store: Store,
    workspace: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from habeas.cli.main import main

    start = _three_persons(store, tmp_path)
    decide(store, (start["Manifest"][0], start["Press"][0]), "same", reviewer="ana", reader=ADMIN)
    survivor, retired = sorted((start["Manifest"][1], start["Press"][1]))
    ws = ["--workspace", str(workspace.root)]
    monkeypatch.setenv("HABEAS_LANG", "en")
    assert main(["person", str(retired), "--json", *ws]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["person_id"] == survivor
    assert json.loads(out)["asked"]["survivor"] == survivor
    assert f"Person {retired} was merged into person {survivor} on " in err
    assert f"Showing person {survivor}" in err
    monkeypatch.setenv("HABEAS_LANG", "es")
    dossier = tmp_path / "d.html"
    assert (
        main(["report", "person", str(retired), "--format", "html", "--output", str(dossier), *ws])
        == 0
    )
    err = capsys.readouterr().err
    assert f"La persona {retired} se fusionó con la persona {survivor} el " in err
    html = dossier.read_text(encoding="utf-8")  # the dossier follows the CLI's language too
    assert f"La persona {retired} se fusionó con la persona {survivor} el " in html
    assert f"es el expediente de la persona {survivor}" in html
