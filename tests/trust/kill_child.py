"""Child process for the kill -9 trials: import one CSV, printing progress as it goes.

    python -m tests.trust.kill_child WORKSPACE CSV SOURCE_TITLE

Prints ``PLANNED`` when every row has been checked (the write transaction is next),
``PROGRESS stage done total`` lines, and ``DONE`` after the commit. The parent
kills it with SIGKILL at a random moment.
"""

from __future__ import annotations

import sys
from pathlib import Path

from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.workspace import load_workspace


def main(argv: list[str]) -> int:
    workspace, csv_path, title = argv
    store = Store.open(load_workspace(Path(workspace)))
    planned = False

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal planned
        print(f"PROGRESS {stage.replace(' ', '_')} {done} {total}", flush=True)
        if stage == "checking rows" and done == total and not planned:
            planned = True
            print("PLANNED", flush=True)

    result = import_file(
        store,
        Path(csv_path),
        ImportOptions(
            source_title=title,
            source_kind="list",
            date_order="DMY",
            defaults={"event_type": "removal_flight"},
        ),
        actor="killer",
        progress=progress,
    )
    print(f"DONE {result.records}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
