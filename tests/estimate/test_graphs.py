"""Decomposable graph enumeration (dga's graphs3/4/5, generated in code)."""

from __future__ import annotations

from itertools import combinations

import pytest

from habeas.errors import UsageError
from habeas.estimate.graphs import (
    EXPECTED_COUNTS,
    _adjacency,
    decomposable_graphs,
    is_chordal,
    make_graph,
)


@pytest.mark.parametrize(("p", "count"), [(3, 8), (4, 61), (5, 822)])
def test_counts_match_dga_tables(p: int, count: int) -> None:
    graphs = decomposable_graphs(p)
    assert len(graphs) == count == EXPECTED_COUNTS[p]
    assert len({g.edges for g in graphs}) == count  # all distinct


def test_three_vertex_graphs_cliques_and_separators() -> None:
    got = {g.label: g.separators for g in decomposable_graphs(3)}
    assert got == {
        "[1][2][3]": (),
        "[12][3]": (),
        "[13][2]": (),
        "[1][23]": (),
        "[12][13]": ((0,),),
        "[12][23]": ((1,),),
        "[13][23]": ((2,),),
        "[123]": (),
    }


def test_four_cycle_is_not_decomposable_but_chorded_cycle_is() -> None:
    square = frozenset({(0, 1), (1, 2), (2, 3), (0, 3)})
    assert not is_chordal(_adjacency(4, square))
    with pytest.raises(ValueError):
        make_graph(4, square)
    chorded = make_graph(4, square | {(0, 2)})
    assert chorded.cliques == ((0, 1, 2), (0, 2, 3))
    assert chorded.separators == ((0, 2),)


def test_star_keeps_separator_multiplicity() -> None:
    star = make_graph(4, frozenset({(0, 1), (0, 2), (0, 3)}))
    assert star.label == "[12][13][14]"
    assert star.separators == ((0,), (0,))  # three cliques, two tree edges


@pytest.mark.parametrize("p", [3, 4, 5])
def test_junction_tree_properties(p: int) -> None:
    for g in decomposable_graphs(p):
        edges_from_cliques = {e for c in g.cliques for e in combinations(c, 2)}
        assert edges_from_cliques == set(g.edges)
        # a junction forest: each vertex is in one more clique than separators
        for v in range(p):
            in_c = sum(v in c for c in g.cliques)
            in_s = sum(v in s for s in g.separators)
            assert in_c - in_s == 1
        # separators are non-empty and complete, cliques are maximal
        assert all(len(s) > 0 for s in g.separators)
        for a, b in combinations(g.cliques, 2):
            assert not set(a) <= set(b)


def test_unsupported_size_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        decomposable_graphs(7)
