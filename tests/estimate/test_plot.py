from __future__ import annotations

import pytest

from habeas.errors import UsageError
from habeas.estimate.independence import independence
from habeas.estimate.loglinear import loglinear
from habeas.estimate.plot import plot_estimate
from habeas.estimate.result import Estimate

try:
    from ._mse import load
except ImportError:  # tests/ is not a package
    from _mse import load  # type: ignore[no-redef]


def test_profile_plot_is_png(tmp_path) -> None:
    e = loglinear(load("rcapture_hare_6occasions"), model="Mth Poisson2")
    out = plot_estimate(e, tmp_path / "p.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_posterior_plot(tmp_path) -> None:
    e = Estimate(
        "dga",
        10,
        20.0,
        (12.0, 40.0),
        diagnostics={
            "curve_N": [10, 20, 30, 40, 50],
            "curve_value": [0.1, 0.4, 0.3, 0.15, 0.05],
            "curve_kind": "posterior",
        },
    )
    assert plot_estimate(e, tmp_path / "q.png").stat().st_size > 5000


def test_no_curve_is_a_usage_error(tmp_path) -> None:
    with pytest.raises(UsageError, match="no likelihood or posterior curve"):
        plot_estimate(independence(load("australia_trafficking_4lists")), tmp_path / "x.png")


def test_axes_fit_the_result_and_speak_the_language() -> None:
    import matplotlib.pyplot as plt

    from habeas.estimate import run
    from habeas.estimate.plot import figure

    est = run("dga", load("australia_trafficking_4lists"))
    assert est.interval is not None
    fig = figure(est, lang="es")
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    grid_top = max(est.diagnostics["curve_N"])  # the posterior grid runs to 30 times n
    assert left <= est.observed and right >= est.interval[1]
    lo, hi = est.interval
    assert right <= hi + 0.5 * (hi - lo) + 1 < grid_top  # the interval, not the whole grid
    assert ax.get_xlabel() == "número total de personas"
    assert ax.get_ylabel() == "probabilidad a posteriori"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("intervalo del 95") for t in labels)
    assert any(t.startswith("en las listas (414)") for t in labels)
    plt.close(fig)
    english = figure(est, lang="en")
    assert english.axes[0].get_xlabel() == "total number of people"
    plt.close(english)
