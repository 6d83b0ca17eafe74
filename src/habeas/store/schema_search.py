"""Tables for the find-a-person search index (see :mod:`habeas.search.index`).

The index is derived data: every row can be rebuilt from ``record`` and
``record_identifier`` (``habeas index rebuild``). It is keyed by **record**, never
by person: links change when linkage merges or splits persons, so the person a
record belongs to is looked up through the current link at query time.

* :class:`SearchKey` — the postings: one row per (blocking key, record). A key is
  a 64-bit hash of a compound text key such as ``gs|#yose|#rodriges`` (given-name
  key + surname phonetic key); see ``habeas.search.keys`` for the families.
* :class:`SearchRecord` — one row per indexed record with the folded fields the
  scorer needs (so scoring a candidate is one primary-key read, no JSON, no join).
  A record without a row here is *unindexed*; queries count and scan those.
* :class:`SearchTerm` — the vocabulary of phonetic name keys (given ``g`` and
  surname ``s``), used to expand a mistyped query name to the keys that exist.
* :class:`SearchMeta` — one row: when the index was built and the record id up to
  which every record is known to be indexed (``indexed_through``), so finding
  unindexed records only looks at newer ids.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from habeas.store.schema import Base, Id


class SearchKey(Base):
    """A posting: the record ``record_id`` carries the blocking key ``key`` (hashed)."""

    __tablename__ = "search_key"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)


class SearchRecord(Base):
    """The scorer's view of one indexed record (folded tokens, ``|``-separated)."""

    __tablename__ = "search_record"

    record_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    given: Mapped[str] = mapped_column(Text, default="")
    surnames: Mapped[str] = mapped_column(Text, default="")
    dob_earliest: Mapped[date | None] = mapped_column(Date)
    dob_latest: Mapped[date | None] = mapped_column(Date)
    dob_precision: Mapped[str | None] = mapped_column(String(16))
    nationality: Mapped[str | None] = mapped_column(String(3))
    identifiers: Mapped[str] = mapped_column(Text, default="")  # "type=value|type=value"


class SearchTerm(Base):
    """A phonetic name key present in the index: ``kind`` ``g`` (given) or ``s`` (surname)."""

    __tablename__ = "search_term"

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    term: Mapped[str] = mapped_column(String(128), primary_key=True)


class SearchMeta(Base):
    """The index's state (a single row, ``id = 1``)."""

    __tablename__ = "search_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    indexed_through: Mapped[int] = mapped_column(BigInteger, default=0)
    built_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    built_by: Mapped[str | None] = mapped_column(String(128))
