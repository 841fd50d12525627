"""Import a published document: read it, interpret it, check it — nothing stored.

The endpoint, the ``import-reports`` command and ``bench/import_eval.py`` all come here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.documents.interpret import Interpretation, interpret
from app.documents.interpret.diagnostics import Diagnostic
from app.documents.readers import READERS, SANDBOXED, XLSX, DocumentTooLarge, UnreadableDocument
from app.documents.readers.model import ReadDocument
from app.documents.sandbox import ReadTimeout, read_in_child
from app.errors import PayloadTooLarge, ProblemError, UnprocessableError
from app.formats.definitions import FORMATS, format_for_year
from app.formats.problems import ReportSchemaError
from app.formats.schema import ReportBody, parse_report
from app.workbooks.reader import read_workbook

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_PAGES = 60


class UnsupportedMediaType(ProblemError):
    status, code, title = 415, "unsupported_media_type", "Unsupported Media Type"


@dataclass(frozen=True)
class ImportLimits:
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_pages: int = DEFAULT_MAX_PAGES


@dataclass
class Imported:
    interpretation: Interpretation
    body: ReportBody

    @property
    def diagnostics(self) -> list[dict[str, str]]:
        return [d.to_json() for d in self.interpretation.diagnostics]


def read_document(data: bytes, media_type: str, limits: ImportLimits) -> ReadDocument:
    if media_type not in READERS:
        supported = ", ".join(sorted(READERS))
        raise UnsupportedMediaType(
            f"cannot import {media_type or 'this body'}; send one of: {supported}, {XLSX}"
        )
    if not data:
        raise UnprocessableError("the document is empty")
    try:
        if media_type in SANDBOXED:
            return read_in_child(
                data, media_type, timeout=limits.timeout_seconds, max_pages=limits.max_pages
            )
        return READERS[media_type](data)
    except DocumentTooLarge as error:
        raise PayloadTooLarge(str(error)) from None
    except (UnreadableDocument, ReadTimeout) as error:
        raise UnprocessableError(str(error)) from None


def import_document(
    data: bytes,
    media_type: str,
    *,
    year: int | None = None,
    format_id: str | None = None,
    limits: ImportLimits | None = None,
) -> Imported:
    if format_id is not None and format_id not in FORMATS:
        raise UnprocessableError(f"unknown format {format_id!r}; known: {', '.join(FORMATS)}")
    if media_type == XLSX:
        return _import_workbook(data, year=year, format_id=format_id)
    document = read_document(data, media_type, limits or ImportLimits())
    try:
        interpretation = interpret(document, year=year, format_id=format_id)
    except UnreadableDocument as error:
        raise UnprocessableError(str(error)) from None
    return Imported(interpretation, _parsed(interpretation))


def _import_workbook(data: bytes, *, year: int | None, format_id: str | None) -> Imported:
    """The service's own workbook: read by its labels (app.workbooks), not interpreted."""
    read = read_workbook(data, format_id=format_id, year=year)
    found_year = year or read.year
    if found_year is None:
        raise UnprocessableError("the workbook names no report year: give the year")
    diagnostics = [
        Diagnostic(d["code"], d["severity"], d["message"], d.get("pointer"), d.get("source"))
        for d in read.diagnostics
    ]
    body = dict(read.report)
    fmt = format_id or read.format or format_for_year(found_year).id
    body.setdefault("format", fmt)
    interpretation = Interpretation(body, fmt, found_year, read.agency_name, diagnostics)
    return Imported(interpretation, _parsed(interpretation))


def _parsed(interpretation: Interpretation) -> ReportBody:
    """The body as PUT takes it; a part the schema refuses is dropped with a diagnostic."""
    body: dict[str, Any] = interpretation.body
    try:
        return parse_report(body, year=interpretation.year)
    except ReportSchemaError as error:
        for problem in error.errors:
            parts = problem.pointer.split("/")
            _drop(body, parts[1:])
            interpretation.diagnostics.append(
                Diagnostic("value_refused", "warning", problem.message, pointer=problem.pointer)
            )
        return parse_report(body, year=interpretation.year)


def _drop(body: dict[str, Any], path: list[str]) -> None:
    # A figure out of range becomes a blank; any other refused part is left out.
    if len(path) == 3 and path[0] in ("proactive", "applications", "reviews"):
        row = body.get(path[0], {}).get(path[1])
        if isinstance(row, dict) and path[2] in row:
            row[path[2]] = None
            return
    if path and path[0] in body and path[0] != "format":
        del body[path[0]]
