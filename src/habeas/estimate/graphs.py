"""Decomposable graphs on a few labelled vertices, with cliques and separators.

Madigan & York's model averaging (:mod:`habeas.estimate.dga`) sums over every
decomposable (chordal) undirected graph on the ``p`` lists. The R package dga
ships these as precomputed tables (``graphs3/4/5.rda``: 8, 61 and 822 graphs);
here they are generated on first use and cached:

1. every subset of the ``p(p-1)/2`` possible edges is a candidate graph
   (at most 2^10 = 1024 of them for p = 5);
2. chordality is tested with *maximum cardinality search* (Tarjan & Yannakakis
   1984): a graph is chordal iff, visiting vertices in MCS order, the
   already-visited neighbours of every vertex are pairwise adjacent (the
   reverse MCS order is then a perfect elimination ordering);
3. the cliques are the maximal complete vertex sets (brute force over the at
   most 32 subsets);
4. the separators are the edge labels ``C_i ∩ C_j`` of a junction tree, which
   for a chordal graph is any maximum-weight spanning tree of the clique graph
   with weights ``|C_i ∩ C_j|`` (Jensen & Jensen 1994). Separators keep their
   multiplicity (the star ``[12][13][14]`` has separator ``{1}`` twice); the
   empty separators between connected components are dropped, as in dga —
   they contribute nothing to a decomposable model's likelihood.

Vertices are 0-based here; :attr:`Graph.label` prints them 1-based in the
usual clique notation, e.g. ``"[12][3]"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

from habeas.errors import UsageError

#: Number of decomposable graphs on p labelled vertices (OEIS A058862).
EXPECTED_COUNTS = {1: 1, 2: 2, 3: 8, 4: 61, 5: 822}

Edge = tuple[int, int]


@dataclass(frozen=True)
class Graph:
    """A decomposable graph: its edges, cliques and junction-tree separators."""

    p: int
    edges: frozenset[Edge]
    cliques: tuple[tuple[int, ...], ...]
    separators: tuple[tuple[int, ...], ...]

    @property
    def label(self) -> str:
        """Clique notation with 1-based vertices, e.g. ``"[12][3]"``."""
        return "".join("[" + "".join(str(v + 1) for v in c) + "]" for c in self.cliques)

    def named(self, names: list[str]) -> str:
        """Clique notation with list names, e.g. ``"[A,B][C]"``."""
        return "".join("[" + ",".join(names[v] for v in c) + "]" for c in self.cliques)


def _adjacency(p: int, edges: frozenset[Edge]) -> list[set[int]]:
    adj: list[set[int]] = [set() for _ in range(p)]
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    return adj


def mcs_order(adj: list[set[int]]) -> list[int]:
    """Maximum cardinality search: repeatedly visit the unvisited vertex with
    the most visited neighbours (lowest index on ties)."""
    p = len(adj)
    visited: list[int] = []
    weight = [0] * p
    remaining = set(range(p))
    while remaining:
        v = min(remaining, key=lambda u: (-weight[u], u))
        visited.append(v)
        remaining.discard(v)
        for u in adj[v]:
            if u in remaining:
                weight[u] += 1
    return visited


def is_chordal(adj: list[set[int]]) -> bool:
    """True iff every cycle of length >= 4 has a chord (MCS / PEO test)."""
    seen: set[int] = set()
    for v in mcs_order(adj):
        earlier = adj[v] & seen
        for a, b in combinations(sorted(earlier), 2):
            if b not in adj[a]:
                return False
        seen.add(v)
    return True


def maximal_cliques(adj: list[set[int]]) -> list[tuple[int, ...]]:
    """All maximal complete vertex sets (brute force; fine for p <= 6)."""
    p = len(adj)
    complete = []
    for size in range(p, 0, -1):
        for subset in combinations(range(p), size):
            if all(b in adj[a] for a, b in combinations(subset, 2)):
                complete.append(frozenset(subset))
    maximal = [c for c in complete if not any(c < d for d in complete)]
    return sorted((tuple(sorted(c)) for c in maximal), key=lambda c: (c[0], -len(c), c))


def junction_separators(cliques: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Separators of a junction tree: Kruskal's maximum-weight spanning forest
    of the clique graph, weight ``|C_i ∩ C_j|``; empty intersections dropped."""
    sets = [set(c) for c in cliques]
    pairs = sorted(
        ((len(sets[i] & sets[j]), i, j) for i, j in combinations(range(len(sets)), 2)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    parent = list(range(len(sets)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    separators = []
    for weight, i, j in pairs:
        if weight == 0:
            break
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[ri] = rj
            separators.append(tuple(sorted(sets[i] & sets[j])))
    return sorted(separators)


def make_graph(p: int, edges: frozenset[Edge]) -> Graph:
    """Build a :class:`Graph`; raises ``ValueError`` if it is not chordal."""
    adj = _adjacency(p, edges)
    if not is_chordal(adj):
        raise ValueError(f"graph {sorted(edges)} is not decomposable")
    cliques = maximal_cliques(adj)
    return Graph(p, edges, tuple(cliques), tuple(junction_separators(cliques)))


@cache
def decomposable_graphs(p: int) -> tuple[Graph, ...]:
    """Every decomposable graph on ``p`` vertices (8, 61, 822 for p = 3, 4, 5).

    Ordered by number of edges, then lexicographically by edge list, so the
    independence graph comes first and the saturated graph last.
    """
    if not 1 <= p <= 6:
        raise UsageError(f"decomposable graphs are enumerated for 1 to 6 lists, not {p}")
    all_edges = list(combinations(range(p), 2))
    graphs = []
    for size in range(len(all_edges) + 1):
        for chosen in combinations(all_edges, size):
            edges = frozenset(chosen)
            if is_chordal(_adjacency(p, edges)):
                graphs.append(make_graph(p, edges))
    return tuple(graphs)
