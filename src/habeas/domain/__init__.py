"""Pure domain rules for names, identifiers, dates and countries.

Everything here is a pure function (or a frozen value type): no database, no
network, no CLI, no files other than the editable data lists packaged in
``habeas/domain/data/`` (read once and cached). These modules must never import
``habeas.store``, ``habeas.cli`` or any web layer; the importer and record
linkage call them on millions of rows, so they are precompiled and cached.

Modules
-------
``text``         folding (case, accents, ñ, punctuation) and OCR repair of name tokens
``names``        parse a name as written into given names and surnames (with particles)
``phonetic``     a Spanish-aware phonetic key for name tokens
``nicknames``    nickname and spelling-variant equivalence of given names (data files)
``identifiers``  A-numbers, Venezuelan cédulas, Salvadoran DUIs, passports
``dates``        uncertain dates, date parsing, day/month order inference
``countries``    country names, demonyms and codes to ISO 3166-1 alpha-3
"""
