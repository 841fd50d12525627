"""What every reader produces: the document's rows, whatever its kind.

A row is a list of cells as the document lays them out: a paragraph is a row of one cell,
a table row keeps one cell per grid column. ``None`` marks a grid position that a merged
cell covers (nothing is printed there); ``""`` is a cell printed empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class UnreadableDocument(Exception):
    """The bytes are not a document of the kind claimed (or hold nothing readable)."""


class DocumentTooLarge(Exception):
    """The document exceeds a limit (pages, decompressed size, objects)."""


@dataclass(frozen=True)
class Row:
    cells: tuple[str | None, ...]
    source: str  # where the reader found it: "page 3, table 1, row 5", "line 40"
    in_table: bool = False


@dataclass
class ReadDocument:
    kind: str  # html, pdf, docx, text
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader could not take

    def add_text(self, text: str, source: str) -> None:
        if text.strip():
            self.rows.append(Row((text,), source))

    def add_table_row(self, cells: list[str | None], source: str) -> None:
        if any(cell and cell.strip() for cell in cells):
            self.rows.append(Row(tuple(cells), source, in_table=True))

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "rows": [[list(row.cells), row.source, row.in_table] for row in self.rows],
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ReadDocument:
        rows = data["rows"]
        notes = data["notes"]
        if not isinstance(rows, list) or not isinstance(notes, list):
            raise UnreadableDocument("the reader's answer is malformed")
        document = cls(kind=str(data["kind"]), notes=[str(note) for note in notes])
        for cells, source, in_table in rows:
            document.rows.append(Row(tuple(cells), str(source), bool(in_table)))
        return document
