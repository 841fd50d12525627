"""Web pages: paragraphs and tables in document order; scripts, styles and navigation ignored."""

from __future__ import annotations

import re

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from app.documents.readers.grid import SpannedCell, expand
from app.documents.readers.model import ReadDocument, UnreadableDocument

_SKIPPED = {"script", "style", "noscript", "nav", "header", "footer", "head", "select", "button"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "br"}


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def decode_html(data: bytes) -> str:
    """The page's text: its declared charset, else UTF-8, else GB18030 (older sites)."""
    declared = _CHARSET.search(data[:4096])
    candidates = [declared.group(1).decode("ascii")] if declared else []
    for encoding in (*candidates, "utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableDocument("the page's text is in no known encoding")


def read_html(data: bytes) -> ReadDocument:
    text = _XML_DECLARATION.sub("", decode_html(data))
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise UnreadableDocument(f"not an HTML document: {error}") from None
    document = ReadDocument(kind="html")
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        document.add_text(title.text_content().strip(), "title")
    body = root.find("body")
    _walk(body if body is not None else root, document, [0])
    if not document.rows:
        raise UnreadableDocument("the page holds no text")
    return document


def _walk(element: etree._Element, document: ReadDocument, tables: list[int]) -> None:
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            document.add_text("".join(buffer), f"paragraph {len(document.rows) + 1}")
            buffer.clear()

    if element.text:
        buffer.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIPPED or not tag:
            if child.tail:
                buffer.append(child.tail)
            continue
        if tag == "table":
            flush()
            tables[0] += 1
            _read_table(child, document, tables[0])
        elif tag in _BLOCKS or _contains_block(child):
            flush()
            _walk(child, document, tables)
        else:
            buffer.append(child.text_content())
        if child.tail:
            buffer.append(child.tail)
    flush()


def _contains_block(element: etree._Element) -> bool:
    return any(
        isinstance(node.tag, str) and (node.tag in _BLOCKS or node.tag == "table")
        for node in element.iterdescendants()
    )


def _read_table(table: etree._Element, document: ReadDocument, number: int) -> None:
    rows: list[list[SpannedCell]] = []
    for tr in table.iter("tr"):
        if _enclosing_table(tr) is not table:
            continue  # a nested table's rows belong to the cell holding it
        cells = [
            SpannedCell(
                " ".join(cell.text_content().split()),
                _span(cell.get("rowspan")),
                _span(cell.get("colspan")),
            )
            for cell in tr
            if isinstance(cell.tag, str) and cell.tag in ("td", "th")
        ]
        rows.append(cells)
    for index, line in enumerate(expand(rows), start=1):
        document.add_table_row(line, f"table {number}, row {index}")


def _enclosing_table(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(value: str | None) -> int:
    try:
        return int(value) if value else 1
    except ValueError:
        return 1
