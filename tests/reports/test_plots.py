"""The charts' bars drawn as one PolyCollection per colour are the bars ``barh`` would draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from districtsurvey.reports import plots


def _corners(path) -> set[tuple[float, float]]:
    return {(round(float(x), 9), round(float(y), 9)) for x, y in path.vertices}


def test_hbars_are_barh_rectangles():
    # the oracle: matplotlib's own barh on a second axes, same data, zero-width and NaN-free
    y = np.array([3.0, 2.0, 1.0, 0.0])
    width = np.array([20.0, 0.0, 55.5, 100.0])
    left = np.array([-10.0, -5.0, 0.0, -30.25])
    fig = Figure()
    mine, theirs = fig.subplots(1, 2)
    bars = plots._hbars(mine, y, width, left=left, color="#2c7bb6", height=0.65, label="A")
    rects = theirs.barh(y, width, left=left, color="#2c7bb6", height=0.65, label="A")
    assert len(bars.get_paths()) == len(rects)
    for path, rect in zip(bars.get_paths(), rects, strict=True):
        assert _corners(path) == _corners(rect.get_path().transformed(rect.get_patch_transform()))
    assert tuple(bars.get_facecolor()[0]) == tuple(rects[0].get_facecolor())
    assert bars.get_label() == "A"


def test_likert_legend_and_area_legend_order():
    t = pd.DataFrame(
        {
            "label": ["A", "B"],
            "pct_favorable": [60.0, 40.0],
            "pct_neutral": [20.0, 30.0],
            "pct_unfavorable": [20.0, 30.0],
            "district_pct_favorable": [50.0, 45.0],
            "suppressed": [False, False],
        }
    )
    likert = plots.plot_likert(t)
    assert [x.get_text() for x in likert.get_legend().get_texts()] == [
        "Unfavorable",
        "Neutral",
        "Favorable",
    ]
    area = plots.plot_favorability(t, own="This school")
    # the district's marker first, as when the bars were barh patches
    assert [x.get_text() for x in area.get_legend().get_texts()] == ["District", "This school"]
