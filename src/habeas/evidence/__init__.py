"""Evidence integrity: chain of custody per file, verification, exports with hashes, backups.

* :mod:`habeas.evidence.custody` — a file's chain of custody, read from the change log;
  :func:`add_file` and :func:`read_file` log ``add`` and ``view``.
* :mod:`habeas.evidence.verify` — :func:`verify_evidence` re-hashes every stored file.
* :mod:`habeas.evidence.export` — :func:`export_evidence` (files + ``MANIFEST.sha256`` +
  ``manifest.json``) and :func:`write_sidecar_manifest` for table exports.
* :mod:`habeas.evidence.backup` — :func:`backup`; :mod:`habeas.evidence.restore` — :func:`restore`.
"""

from __future__ import annotations

from habeas.evidence.backup import BackupResult, backup
from habeas.evidence.custody import CustodyEntry, add_file, file_custody, read_file
from habeas.evidence.export import EvidenceExport, export_evidence, write_sidecar_manifest
from habeas.evidence.restore import RestoreResult, restore
from habeas.evidence.verify import EvidenceProblem, EvidenceReport, verify_evidence

__all__ = [
    "BackupResult",
    "CustodyEntry",
    "EvidenceExport",
    "EvidenceProblem",
    "EvidenceReport",
    "RestoreResult",
    "add_file",
    "backup",
    "export_evidence",
    "file_custody",
    "read_file",
    "restore",
    "verify_evidence",
    "write_sidecar_manifest",
]
