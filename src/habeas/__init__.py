"""habeas — account for every person who is detained or deported.

The library core (store, ingest, domain, estimate, ...) never imports the faces
(``habeas.cli``, and later the web layer); each face is a thin translator over
the same library calls.
"""

__version__ = "0.1.0"
