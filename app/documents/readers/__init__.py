"""Readers, one per kind of document, each turning bytes into a ``ReadDocument``.

``READERS`` maps a media type to its reader: plugging in another kind is one line. The
service's own workbook (``XLSX``) is read by ``app.workbooks.reader`` into a report body
directly (``app.documents.importer``).
"""

from __future__ import annotations

from collections.abc import Callable

from app.documents.readers.docx import read_docx
from app.documents.readers.html import read_html
from app.documents.readers.model import DocumentTooLarge, ReadDocument, Row, UnreadableDocument
from app.documents.readers.pdf import read_pdf
from app.documents.readers.text import read_text

Reader = Callable[[bytes], ReadDocument]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

READERS: dict[str, Reader] = {
    "text/html": read_html,
    "application/xhtml+xml": read_html,
    "application/pdf": read_pdf,
    DOCX: read_docx,
    "text/plain": read_text,
    "text/markdown": read_text,
}

# A file's media type from its name, for callers that read files rather than requests
# (the backfill command, the corpus measure).
MEDIA_TYPE_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".docx": DOCX,
    ".txt": "text/plain",
    ".md": "text/plain",
}

# Kinds whose parsers a crafted file can drive into endless work: read in a child process.
SANDBOXED = frozenset({"application/pdf", DOCX, XLSX})

__all__ = [
    "DOCX",
    "MEDIA_TYPE_BY_SUFFIX",
    "READERS",
    "SANDBOXED",
    "XLSX",
    "DocumentTooLarge",
    "ReadDocument",
    "Reader",
    "Row",
    "UnreadableDocument",
]
