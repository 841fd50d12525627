"""``python -m app import-reports PATH…``: store years of published documents.

Each file is imported as ``POST /api/v1/imports`` reads it and stored through the one write
path (``app.reports.service.put_report``); one file's refusal never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlmodel import Session, select

from app.agencies.models import Agency
from app.agencies.service import get_agency_by_code
from app.documents.importer import ImportLimits, import_document
from app.documents.readers import MEDIA_TYPE_BY_SUFFIX
from app.errors import ProblemError
from app.formats.schema import parse_report
from app.reports import service

WRITER = service.Writer(written_by="admin")


@dataclass(frozen=True)
class Outcome:
    path: Path
    agency: str
    year: str
    stored: bool
    why: str


def documents_under(paths: Sequence[Path]) -> Iterator[Path]:
    """The importable files named or found in the folders named (recursively), sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in MEDIA_TYPE_BY_SUFFIX
            )
        else:
            yield path


def backfill(
    session: Session,
    paths: Sequence[Path],
    *,
    agency_code: str | None,
    year: int | None,
    status: str,
    dry_run: bool,
    limits: ImportLimits,
    out: TextIO,
) -> list[Outcome]:
    files = list(documents_under(paths))
    outcomes: list[Outcome] = []
    for number, path in enumerate(files, start=1):
        outcome = _one(session, path, agency_code, year, status, dry_run, limits)
        outcomes.append(outcome)
        verdict = "stored" if outcome.stored else "refused"
        print(f"[{number}/{len(files)}] {path}: {verdict} — {outcome.why}", file=out, flush=True)
    return outcomes


def _one(
    session: Session,
    path: Path,
    agency_code: str | None,
    year: int | None,
    status: str,
    dry_run: bool,
    limits: ImportLimits,
) -> Outcome:
    media_type = MEDIA_TYPE_BY_SUFFIX.get(path.suffix.lower())
    if media_type is None:
        return Outcome(path, "", "", False, f"unknown kind of file ({path.suffix or 'no suffix'})")
    try:
        imported = import_document(path.read_bytes(), media_type, year=year, limits=limits)
    except ProblemError as error:
        return Outcome(path, agency_code or "", str(year or ""), False, error.detail)
    except OSError as error:
        return Outcome(path, agency_code or "", str(year or ""), False, str(error))
    found_year = imported.interpretation.year
    try:
        agency = (
            get_agency_by_code(session, agency_code)
            if agency_code
            else _agency_named(session, imported.interpretation.agency_name)
        )
    except ProblemError as error:
        return Outcome(path, agency_code or "", str(found_year), False, error.detail)
    except LookupError as error:
        return Outcome(path, "", str(found_year), False, str(error))
    body = imported.body.model_dump(mode="json", exclude_unset=True)
    body["status"] = status
    if dry_run:
        return Outcome(path, agency.code, str(found_year), False, "dry run: nothing stored")
    try:
        stored, _ = service.put_report(
            session,
            agency=agency,
            year=found_year,
            body=parse_report(body, year=found_year),
            writer=WRITER,
            if_match=None,
        )
    except ProblemError as error:
        session.rollback()
        findings = error.extensions.get("findings") or []
        rules = sorted({f["rule"] for f in findings if f.get("severity") == "error"})
        why = error.detail + (f" ({', '.join(rules)})" if rules else "")
        return Outcome(path, agency.code, str(found_year), False, why)
    return Outcome(path, agency.code, str(found_year), True, f"revision {stored.revision.revision}")


def _agency_named(session: Session, name: str | None) -> Agency:
    if not name:
        raise LookupError("no agency name in the document; pass --agency")
    matches = session.exec(select(Agency).where(Agency.name == name)).all()
    if not matches:
        raise LookupError(f"no stored agency is named {name}; pass --agency")
    if len(matches) > 1:
        codes = ", ".join(sorted(agency.code for agency in matches))
        raise LookupError(f"{len(matches)} agencies are named {name} ({codes}); pass --agency")
    return matches[0]


def print_table(outcomes: Sequence[Outcome], out: TextIO) -> None:
    rows = [("file", "agency", "year", "result")] + [
        (str(o.path), o.agency, o.year, ("stored: " if o.stored else "refused: ") + o.why)
        for o in outcomes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
            + "  "
            + row[3],
            file=out,
        )
    stored = sum(o.stored for o in outcomes)
    print(f"{stored} stored, {len(outcomes) - stored} refused", file=out)
