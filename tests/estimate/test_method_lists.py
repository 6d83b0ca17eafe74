"""The list of estimation methods has one home (habeas.estimate, issue #14)."""

from __future__ import annotations

from habeas.estimate import ALL_METHODS, MAIN_METHODS, METHODS


def test_every_face_lists_the_same_methods() -> None:
    from habeas.cli.estimate import CHOICES, _Run
    from habeas.web.pages import estimates as page

    assert tuple(METHODS.names()) == ALL_METHODS
    assert (*ALL_METHODS, "all") == CHOICES
    assert set(page.METHODS) == set(ALL_METHODS)  # a label for every method
    assert set(MAIN_METHODS) < set(ALL_METHODS)
    assert not hasattr(page, "ALL_METHODS")  # the page's "all" is MAIN_METHODS
    run = _Run("all", None, None, None, None, 0.95, "table", None, {})
    assert run.names == list(ALL_METHODS)
