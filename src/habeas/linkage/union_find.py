"""The union-find that groups records into persons under constraints.

Each group (its root's :class:`Node`) knows the constrained document numbers its
records hold (:data:`CONSTRAINED_ID_TYPES`), the sources whose records may not share a
person, and whether it is anchored (holds a record with a date of birth or a document);
:class:`UnionFind` refuses a join that would put two different numbers of one kind, or
two records that must stay apart, in one person. :func:`habeas.linkage.cluster.cluster`
decides which pairs to try, strongest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from habeas.linkage.households import one_edit

CONSTRAINED_ID_TYPES = frozenset({"a_number", "cedula_ve", "dui_sv", "cedula_co"})


@dataclass(slots=True)
class Node:
    """A cluster's constraint state (kept on the union-find root)."""

    members: list[int]
    # None until the cluster holds one: most records have neither, and a million empty
    # dicts and sets would cost a third of a gigabyte
    ids: dict[str, set[str]] | None = None
    rpp_sources: set[int] | None = None
    anchored: bool = False  # holds a record with an identifier or a date of birth


class UnionFind:
    """Records grouped into persons, each join checked against the constraints first:
    never two different numbers of one constrained document kind (one typo apart is
    one number), never a pair a human decided are different, never a pair the model
    scored under :data:`habeas.linkage.cluster.UNLIKE`."""

    def __init__(self, records: pd.DataFrame, cannot: Iterable[tuple[int, int]]) -> None:
        rids = records["unique_id"].astype("int64").tolist()
        bare = records["name_only"].astype(bool).tolist()
        self.parent: dict[int, int] = dict(zip(rids, rids, strict=True))
        self.node: dict[int, Node] = {
            rid: Node(members=[rid], anchored=not b) for rid, b in zip(rids, bare, strict=True)
        }
        self.bare: set[int] = {rid for rid, b in zip(rids, bare, strict=True) if b}  # name-only
        # record → its own valid constrained document numbers (``type:value``)
        self.documents: dict[int, set[str]] = {}
        for rid, ids in zip(rids, records["ids"].tolist(), strict=True):
            if ids is None or not len(ids):
                continue
            n, held = self.node[rid], set()
            for item in ids:
                kind, _, value = str(item).partition(":")
                if kind in CONSTRAINED_ID_TYPES:
                    if n.ids is None:
                        n.ids = {}
                    n.ids.setdefault(kind, set()).add(value)
                    held.add(str(item))
            if held:
                self.documents[rid] = held
        rpp = records["rpp"].astype(bool).to_numpy()
        for rid, sid in zip(
            records["unique_id"].to_numpy()[rpp].tolist(),
            records["source_id"].to_numpy()[rpp].tolist(),
            strict=True,
        ):
            self.node[int(rid)].rpp_sources = {int(sid)}
        self.cannot: dict[int, set[int]] = {}
        for a, b in cannot:
            self.cannot.setdefault(a, set()).add(b)
            self.cannot.setdefault(b, set()).add(a)
        self.unlike: dict[int, set[int]] = {}  # pairs the model scored under UNLIKE
        # record → records it was scored with at or above the threshold (``alike``), or in
        # the review band (``unsure``): what a join of two persons is judged on
        self.alike: dict[int, list[int]] = {}
        self.unsure: dict[int, list[int]] = {}
        self._judged: dict[tuple[int, int, int, int], bool] = {}

    def add_unlike(self, a: int, b: int) -> None:
        self.unlike.setdefault(a, set()).add(b)
        self.unlike.setdefault(b, set()).add(a)

    def add_scored(self, a: int, b: int, alike: bool) -> None:
        table = self.alike if alike else self.unsure
        table.setdefault(a, []).append(b)
        table.setdefault(b, []).append(a)

    def outvoted(self, ra: int, rb: int) -> bool:
        """Whether more pairs between the two persons (roots) say "different" than "same".

        Splink-style clustering joins two persons on one pair. A record with little on
        it (a given name and a year, a surname and a date) can score above the threshold
        with two people at once and chain them, though every other pair between the two
        says they differ: "Arthur, 1855" joining Arthur Englefield and Arthur Black, both
        born 1855. A join of two persons of two records or more therefore needs as many
        pairs between them at or above the threshold ("same") as pairs under the review
        band or never compared ("different": blocking compares records that share a
        name, date or residence key; pairs it never compared share none). Pairs in the
        band abstain. Counting a pair never compared as one scored low makes the vote
        the same whatever low pairs were dropped before clustering.
        """
        a, b = self.node[ra], self.node[rb]
        if len(a.members) == 1 or len(b.members) == 1:
            return False  # one record: its own pairs are all the evidence there is
        key = (min(ra, rb), max(ra, rb), len(a.members), len(b.members))
        if key in self._judged:
            return self._judged[key]
        small, big = (a, rb) if len(a.members) <= len(b.members) else (b, ra)
        same = unsure = 0
        for rec in small.members:
            same += sum(self.find(o) == big for o in self.alike.get(rec, ()))
            unsure += sum(self.find(o) == big for o in self.unsure.get(rec, ()))
        different = len(a.members) * len(b.members) - same - unsure
        self._judged[key] = same < different
        return same < different

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def conflict(self, ra: int, rb: int, *, through_bare_name: bool = False) -> str | None:
        """Why clusters ``ra`` and ``rb`` (roots) may not be joined, or None.

        ``through_bare_name``: the join rests on a pair with a name-only record; then a
        member of one side the model scored as clearly different from a member of the
        other (:data:`UNLIKE`) forbids it too. Any join is refused when the pairs
        between the two sides outvote it (:meth:`outvoted`).
        """
        a, b = self.node[ra], self.node[rb]
        if a.ids and b.ids:
            # in a fixed order: a set of strings iterates in an order that changes from one
            # process to the next (string hashing), and so did the reason given
            for kind in sorted(a.ids.keys() & b.ids.keys()):
                if not a.ids[kind] & b.ids[kind] and not _one_typo_apart(a.ids[kind], b.ids[kind]):
                    return f"conflict: different {kind}"
        if a.rpp_sources and b.rpp_sources and a.rpp_sources & b.rpp_sources:
            return "conflict: one-row-per-person source"
        small, big = (a, rb) if len(a.members) <= len(b.members) else (b, ra)
        for rec in small.members:
            for other in self.cannot.get(rec, ()):
                if self.find(other) == big:
                    return "conflict: decided different"
        if through_bare_name:
            for rec in small.members:
                for other in self.unlike.get(rec, ()):
                    if self.find(other) == big:
                        return "conflict: unlike a member"
        if self.outvoted(ra, rb):
            return "conflict: outvoted by other pairs"
        return None

    def union(self, ra: int, rb: int) -> int:
        a, b = self.node[ra], self.node[rb]
        if len(a.members) < len(b.members) or (len(a.members) == len(b.members) and rb < ra):
            ra, rb, a, b = rb, ra, b, a
        self.parent[rb] = ra
        a.members.extend(b.members)
        if b.ids:
            if a.ids is None:
                a.ids = {}
            for kind, values in b.ids.items():
                a.ids.setdefault(kind, set()).update(values)
        if b.rpp_sources:
            a.rpp_sources = (a.rpp_sources or set()) | b.rpp_sources
        a.anchored = a.anchored or b.anchored
        del self.node[rb]
        return ra


def _one_typo_apart(ours: set[str], theirs: set[str]) -> bool:
    """Every number on one side is one typo (Damerau-Levenshtein 1) from one on the other.

    One person's number keyed twice, once with a slip ("208304911" / "208340911"), is
    not two people's: the pair that would join them was scored with the "one typo"
    level and still reached the threshold on everything else.
    """
    small, big = (ours, theirs) if len(ours) <= len(theirs) else (theirs, ours)
    # A short number (under six characters) one typo from another is just another number.
    return all(any(len(x) >= 6 and one_edit(x, y) for y in big) for x in small)
