"""Refuse a zip (DOCX, XLSX) whose declared sizes promise a bomb, before inflating anything."""

from __future__ import annotations

import io
import zipfile

from app.documents.readers.model import DocumentTooLarge, UnreadableDocument

MAX_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 100 * 2**20
MAX_RATIO = 200  # XML compresses well, but not a thousandfold


def check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableDocument(f"not a zip-based Office file: {error}") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise DocumentTooLarge(f"the file holds {len(entries)} parts (at most {MAX_ENTRIES})")
        total = 0
        for entry in entries:
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > 1_000_000 and ratio > MAX_RATIO:
                raise DocumentTooLarge(
                    f"part {entry.filename} inflates {ratio:.0f}-fold (a zip bomb?)"
                )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise DocumentTooLarge(
                f"the file inflates to {total} bytes (at most {MAX_UNCOMPRESSED_BYTES})"
            )
