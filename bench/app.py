"""Benchmark the app's map: build time and bytes sent to the browser, against a naive folium map.

For the real catalogue and synthetic catalogues of 10,000 and 100,000 projects (attributes
resampled from the real ones, points uniform inside the real county polygons), prints

* the time to build and render our map (one GeoJSON layer per category, ``geo.mapview``),
* the size of the rendered map (what streamlit-folium sends to the browser),

each next to a naive map with one folium ``Marker`` (with popup and tooltip) per project
built in the same run, and the ratios ours / naive. Run: ``python bench/app.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build import synthetic

from geo.boundaries import boundaries_from_dir
from geo.explore import Filters, filter_projects
from geo.layers import boundaries_frame, projects_from_layers
from geo.mapview import MapOptions, build_map, map_html, naive_marker_map
from geo.settings import load_settings


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="synthetic catalogue sizes")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size the naive map is built for")
    args = parser.parse_args()
    settings = load_settings()
    real = projects_from_layers(settings.layers_dir)
    counties = boundaries_from_dir(settings.boundaries_dir, level="county")
    boundaries = boundaries_frame(boundaries_from_dir(settings.boundaries_dir, level="region"), counties)
    cases = [("real catalogue", real)] + [(f"synthetic {int(n):,}", synthetic(real, counties, int(n)))
                                          for n in args.sizes.split(",")]
    print(f"{'case':<18}{'ours s':>9}{'naive s':>9}{'ratio':>7}{'ours MB':>10}{'naive MB':>10}{'ratio':>7}")
    for label, frame in cases:
        frame = filter_projects(frame, Filters())
        ours_t, ours_html = timed(lambda f=frame: map_html(build_map(f, boundaries, MapOptions())))
        if len(frame) <= args.naive_max:
            naive_t, naive_html = timed(lambda f=frame: map_html(naive_marker_map(f, boundaries)))
            naive_mb = len(naive_html.encode()) / 1e6
            ratio_t = f"{ours_t / naive_t:7.2f}"
            ratio_b = f"{len(ours_html.encode()) / len(naive_html.encode()):7.2f}"
            naive_cells = f"{naive_t:9.2f}"
            naive_size = f"{naive_mb:10.2f}"
        else:
            naive_cells, naive_size, ratio_t, ratio_b = f"{'-':>9}", f"{'-':>10}", f"{'-':>7}", f"{'-':>7}"
        print(f"{label:<18}{ours_t:9.2f}{naive_cells}{ratio_t}{len(ours_html.encode()) / 1e6:10.2f}{naive_size}"
              f"{ratio_b}")


if __name__ == "__main__":
    main()
