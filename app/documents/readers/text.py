"""Plain text copied out of a document: tab-separated rows, Markdown tables, or prose.

Lines with tabs become table rows (one cell per tab); Markdown table lines too (their
``|---|`` separators dropped). Any other line stays text: the interpreter reads figures out
of it, whether spaced, aligned in columns, one a line or run together.
"""

from __future__ import annotations

import re

from app.documents.readers.model import ReadDocument, UnreadableDocument

_PAGE_MARKER = re.compile(r"^\s*[-—–]\s*\d{1,4}\s*[-—–]\s*$")
_MARKDOWN_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("the text is neither UTF-8 nor GB18030")


def read_text(data: bytes) -> ReadDocument:
    if b"\x00" in data[:4096]:
        raise UnreadableDocument("binary data, not text")
    text = decode_text(data)
    document = ReadDocument(kind="text")
    for number, line in enumerate(text.splitlines(), start=1):
        source = f"line {number}"
        if not line.strip() or _PAGE_MARKER.match(line):
            continue
        if line.startswith("# source:"):
            continue  # provenance line some archives put first
        stripped = line.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if not _MARKDOWN_SEPARATOR.match(stripped):
                cells = [cell.strip() for cell in stripped.strip("|").split("|")]
                document.add_table_row(list(cells), source)
            continue
        if "\t" in line:
            document.add_table_row([cell.strip() for cell in line.split("\t")], source)
            continue
        document.add_text(line.strip(), source)
    if not document.rows:
        raise UnreadableDocument("the text is empty")
    return document
