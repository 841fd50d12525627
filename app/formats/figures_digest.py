"""A digest of a report's figures: equal digests, equal tables (format and every cell).

Stored with each revision so that a report identical to another agency's report of the same
year is found with one index lookup. Computed from the completed cells, so a body that omits
its totals and one that states them agree; a blank stays apart from a 0.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from app.formats.cells import CompletedCells, complete
from app.formats.definitions import FORMATS
from app.formats.schema import ReportBody, to_cells

DIGEST_LENGTH = 64  # hex of SHA-256
# A report with fewer non-zero figures than this says too little to be told from another:
# many townships legitimately file all zeros, or one application granted to one person.
MIN_NONZERO_DATA_CELLS = 4


def figures_digest(cells: CompletedCells) -> str | None:
    """The digest of the figures, or None for a report too empty to compare."""
    data_keys, pointers = _CELLS_OF[cells.fmt.id]
    values = cells.values
    nonzero = sum(1 for key in data_keys if values[key] not in (None, 0))
    if nonzero < MIN_NONZERO_DATA_CELLS:
        return None
    canonical = "\n".join(
        [cells.fmt.id] + [f"{pointer}={_text(values[key])}" for key, pointer in pointers]
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# Per format, once: its data cells' keys, and every cell's key with its pointer.
_CELLS_OF = {
    format_id: (
        tuple(cell.key for cell in fmt.cells() if not cell.is_total),
        tuple((cell.key, cell.pointer) for cell in fmt.cells()),
    )
    for format_id, fmt in FORMATS.items()
}


def _text(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 7730.28 and 7730.280 are one amount
    return str(value)


def report_digest(report: ReportBody, completed: CompletedCells | None = None) -> str | None:
    """``figures_digest`` of a body's completed cells (``completed``, when already known)."""
    return figures_digest(completed or complete(FORMATS[report.format], to_cells(report)))
