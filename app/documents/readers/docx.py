"""Word files: paragraphs and tables in body order, merged cells expanded from the XML."""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

from app.documents.readers.grid import MAX_SPAN
from app.documents.readers.model import ReadDocument, UnreadableDocument
from app.documents.readers.zipcheck import check_zip


def read_docx(data: bytes) -> ReadDocument:
    check_zip(data)
    try:
        word = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise UnreadableDocument(f"not a Word (.docx) file: {error}") from None
    document = ReadDocument(kind="docx")
    tables = 0
    for element in word.element.body.iterchildren():
        if element.tag == qn("w:p"):
            document.add_text(_text(element), f"paragraph {len(document.rows) + 1}")
        elif element.tag == qn("w:tbl"):
            tables += 1
            _read_table(element, document, tables)
    return document


def _text(element: etree._Element) -> str:
    paragraphs = element.iter(qn("w:p")) if element.tag != qn("w:p") else [element]
    lines = ["".join(node.text or "" for node in p.iter(qn("w:t"))) for p in paragraphs]
    return "\n".join(line for line in lines if line)


def _read_table(table: etree._Element, document: ReadDocument, number: int) -> None:
    for index, tr in enumerate(table.iterchildren(qn("w:tr")), start=1):
        line: list[str | None] = []
        for tc in tr.iterchildren(qn("w:tc")):
            span, continues = _merge(tc)
            line.append(None if continues else _text(tc))
            line.extend([None] * (span - 1))
        document.add_table_row(line, f"table {number}, row {index}")


def _merge(tc: etree._Element) -> tuple[int, bool]:
    properties = tc.find(qn("w:tcPr"))
    if properties is None:
        return 1, False
    span = 1
    grid_span = properties.find(qn("w:gridSpan"))
    if grid_span is not None:
        try:
            span = max(1, min(int(grid_span.get(qn("w:val"), "1")), MAX_SPAN))
        except ValueError:
            span = 1
    v_merge = properties.find(qn("w:vMerge"))
    continues = v_merge is not None and v_merge.get(qn("w:val"), "continue") != "restart"
    return span, continues
