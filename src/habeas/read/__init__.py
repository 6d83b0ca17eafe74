"""The read layer: every read a face (CLI, web, API) makes of the register.

Faces present; they do not query. Each module here owns one concept and returns
typed results (dataclasses). Reads of personal or source data take a mandatory
keyword ``reader`` (:class:`habeas.access.reader.Reader`): what the reader may not
see is left out and counted in a :class:`habeas.access.reader.Withheld`, and reads
of restricted or witness-protected data are written to the read audit
(:func:`habeas.audit.reads.log_read`). Aggregates without personal data take the
reader's levels. :mod:`habeas.store` below keeps persistence only.
"""
