"""The dry run of an import: read and check the whole file, write nothing, and say what
would be stored (a sample of prepared rows, the count, every problem)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from habeas.ingest.options import ImportOptions, check_options
from habeas.ingest.prepared import PreparedRecord
from habeas.ingest.problems import Problem
from habeas.ingest.provenance import source_problems
from habeas.ingest.reading import Progress, TablePlan, open_tables
from habeas.ingest.rowchecks import Citations, RowChecks, facility_index
from habeas.store.db import Store
from habeas.store.filestore import sha256_file

#: Prepared rows a dry run keeps to show what would be stored.
SAMPLE_SIZE = 20


@dataclass
class ImportPlan:
    """What an import would do: the dry-run result, and the input to the write."""

    file: str
    sha256: str
    tables: list[TablePlan]
    sample: list[PreparedRecord]  # the first SAMPLE_SIZE rows as they would be stored
    record_count: int
    problems: list[Problem]
    corrected_source_id: int | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def plan_import(
    store: Store,
    path: Path,
    options: ImportOptions,
    progress: Progress | None = None,
    sha256: str | None = None,
) -> ImportPlan:
    """Read and check the whole file without writing anything (the dry run).

    The file is read in bounded batches: what is kept is a sample of prepared rows, the
    count, and the problems."""
    check_options(options)
    sha256 = sha256 or sha256_file(path)
    reading = open_tables(store, path, options, sha256)
    problems = [*source_problems(store, reading.vocab, path.name, options), *reading.problems]
    reading.problems = problems
    sample: list[PreparedRecord] = []
    count = 0
    with store.read() as session:
        checks = RowChecks(path.name, *facility_index(session))
        citations = Citations(session, path.name, options.corrects) if options.corrects else None
        for batch in reading.batches(progress):
            count += len(batch)
            if len(sample) < SAMPLE_SIZE:
                sample.extend(batch[: SAMPLE_SIZE - len(sample)])
            checks.feed(batch)
            if citations is not None:
                citations.cite(session, batch)
    problems.extend(checks.finish())
    if citations is not None:
        problems.extend(citations.problems)
    return ImportPlan(
        path.name,
        sha256,
        reading.plans,
        sample,
        count,
        problems,
        citations.source_id if citations is not None else None,
    )
