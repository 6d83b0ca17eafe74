"""Child process for the concurrent-writer tests.

    python -m tests.trust.concurrent_child import WORKSPACE CSV SOURCE_TITLE
    python -m tests.trust.concurrent_child vocab WORKSPACE PREFIX COUNT

Waits for the file ``WORKSPACE/go`` to exist (so that every writer starts at
once), does its writes, prints ``OK`` and exits 0.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.vocabulary import add_term
from habeas.workspace import load_workspace


def main(argv: list[str]) -> int:
    command, workspace = argv[0], Path(argv[1])
    store = Store.open(load_workspace(workspace))
    while not (workspace / "go").exists():
        time.sleep(0.01)
    if command == "import":
        csv_path, title = argv[2], argv[3]
        result = import_file(
            store,
            Path(csv_path),
            ImportOptions(
                source_title=title,
                source_kind="list",
                date_order="DMY",
                defaults={"event_type": "removal_flight"},
            ),
            actor=f"proc-{title}",
        )
        print(f"OK {result.records}", flush=True)
    elif command == "vocab":
        prefix, count = argv[2], int(argv[3])
        for n in range(count):
            add_term(
                store,
                "source_kind",
                f"{prefix}_{n}",
                f"{prefix} {n}",
                f"{prefix} {n}",
                [],
                actor=f"proc-{prefix}",
            )
        print(f"OK {count}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
