"""PDF files: pdfplumber's text layer, tables rebuilt from ruling lines, prose in between.

Run it in the sandbox (``app.documents.sandbox``): a hostile PDF can make any parser loop.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from app.documents.readers.model import DocumentTooLarge, ReadDocument, UnreadableDocument

MAX_PAGES = 60
# Published reports hold a few thousand objects; a million is an attack on the parser.
MAX_OBJECTS = 200_000


def read_pdf(data: bytes, *, max_pages: int = MAX_PAGES) -> ReadDocument:
    if not data.startswith(b"%PDF"):
        raise UnreadableDocument("not a PDF file (no %PDF header)")
    objects = data.count(b" obj")
    if objects > MAX_OBJECTS:
        raise DocumentTooLarge(f"the PDF declares {objects} objects (at most {MAX_OBJECTS})")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        with pdf:
            pages = pdf.pages
            if len(pages) > max_pages:
                raise DocumentTooLarge(f"the PDF has {len(pages)} pages (at most {max_pages})")
            document = ReadDocument(kind="pdf")
            for number, page in enumerate(pages, start=1):
                _read_page(page, number, document)
                page.close()
    except (PDFSyntaxError, PdfminerException) as error:
        raise UnreadableDocument(f"the PDF cannot be parsed: {error}") from None
    if not document.rows:
        raise UnreadableDocument("the PDF has no text layer (a scan?): nothing to read")
    return document


def _read_page(page: Any, number: int, document: ReadDocument) -> None:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    items: list[tuple[float, int, Any]] = []
    for index, table in enumerate(tables):
        items.append((table.bbox[1], 1, (index, table.extract())))
    for line in page.extract_text_lines(return_chars=False):
        middle = (line["top"] + line["bottom"]) / 2
        if not any(
            x0 <= line["x0"] <= x1 and top <= middle <= bottom for x0, top, x1, bottom in boxes
        ):
            items.append((line["top"], 0, line["text"]))
    items.sort(key=lambda item: (item[0], item[1]))
    for top, kind, payload in items:
        if kind == 0:
            document.add_text(payload, f"page {number}, y {top:.0f}")
            continue
        index, rows = payload
        for row_number, cells in enumerate(rows, start=1):
            source = f"page {number}, table {index + 1}, row {row_number}"
            filled = [cell for cell in cells if cell and cell.strip()]
            if (len(filled) == 1 and len(cells) > 1) or len(cells) == 1:
                # Prose laid out in a one-column table, or a caption row inside one.
                document.add_text(filled[0] if filled else "", source)
            else:
                document.add_table_row(list(cells), source)
