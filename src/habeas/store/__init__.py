"""The store: schema, migrations, the change log, the file store and queries.

Public entry point: :class:`habeas.store.db.Store`.
"""
