"""The audit of reads: who saw or exported restricted personal data, when, and why.

Reads are entries of the same hash-chained change log as writes
(:mod:`habeas.store.changelog`), so ``habeas log verify`` covers them:

* :func:`habeas.audit.reads.log_read` — append one ``read`` entry (library read
  functions call it when they show restricted or witness_protected data);
* :func:`habeas.audit.query.log_entries` — the log filtered by kind (read /
  write), user, person, period and purpose (``habeas log show``, the admin page).
"""
