"""The matters map's grid, and its per-cell tally (ADR 0025).

The map counts matters per cell of about 64 screen pixels. Cells are anchored to the globe and
nest: a cell at zoom z is 90 / 2^z degrees of longitude wide and 72 / 2^z degrees of latitude
high (on a Web-Mercator map a degree of latitude at 37° N is 1 / cos 37° ≈ 1.25 times as long as
one of longitude, so the cells look square across China's cities, 0.8 = cos 37°). In millionths
of a degree both sizes are exact binary fractions, so the cell of a point is the same number
whether PostgreSQL, SQLite or Python divides, and a cell at zoom z is exactly four of z + 1.

`MapCellTally` counts the matters with a point per cell at each zoom of `LEVELS`, by status
band (being handled, other open, the rest), received day and deadline day (migration loop 0021
keeps it in triggers, so every write counts, bulk or not). A city view then adds up a few
thousand tally rows instead of counting hundreds of thousands of matters (loop.map_selectors).
"""

from __future__ import annotations

import datetime
import math

from .workflow import HANDLING, OPEN

MICRO = 1_000_000
# Millionths of a degree across a cell at zoom 0; a zoom halves both.
WIDTH_Z0 = 90 * MICRO
HEIGHT_Z0 = 72 * MICRO
# The zooms whose cells the tally keeps; a view at a coarser zoom adds up the first level's
# cells, a finer view (a few streets) counts its matters directly.
LEVELS = (8, 9, 10, 11, 12)

# Status bands of the tally: being handled (may be late), the other open states, and the rest
# (answered, closed, archived, merged).
BAND_HANDLING = 0
BAND_WAITING = 1
BAND_DONE = 2
OPEN_BANDS = (BAND_HANDLING, BAND_WAITING)
BANDS = {
    **{str(status): BAND_HANDLING for status in HANDLING},
    **{str(status): BAND_WAITING for status in OPEN - HANDLING},
}  # any other status: BAND_DONE
# The deadline day of a matter that cannot be late (not being handled, or without a deadline).
NEVER = datetime.date(9999, 12, 31)


def cell_size(zoom: int) -> tuple[float, float]:
    """(height, width) of a cell at `zoom`, in millionths of a degree."""
    scale = float(2**zoom)
    return HEIGHT_Z0 / scale, WIDTH_Z0 / scale


def cell_of(lat_micro: int, lng_micro: int, zoom: int) -> tuple[int, int]:
    height, width = cell_size(zoom)
    return math.floor(lat_micro / height), math.floor(lng_micro / width)


def level_for(zoom: int) -> int | None:
    """The tally level a view at `zoom` reads (None: too fine, count matters)."""
    return next((level for level in LEVELS if level >= zoom), None)


def cell_range(low: float, high: float, size: float) -> tuple[int, int]:
    """The first and last cell (of `size` millionths) touching [low, high] degrees."""
    return math.floor(low * MICRO / size), math.floor(high * MICRO / size)
