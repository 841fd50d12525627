"""Refuse a zip (DOCX) whose declared sizes promise a bomb, before inflating anything."""

from __future__ import annotations

import io
import zipfile

from app.documents.readers.model import DocumentTooLarge, UnreadableDocument
from app.workbooks.safety import inflation_problem


def check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableDocument(f"not a zip-based Office file: {error}") from None
    with archive:
        problem = inflation_problem(archive)
    if problem is not None:
        raise DocumentTooLarge(f"the file {problem}")
