"""Checks an uploaded .xlsx before anything decompresses it, and finds its formula cells.

An .xlsx is a zip: the sizes its central directory declares are checked first (a zip bomb
declares gigabytes, or an absurd ratio), and ``zipfile`` never inflates a member beyond its
declared size, so the checks hold for members that lie too. Formula cells are found by
scanning each worksheet's XML for ``<f>``: python-calamine gives a formula's cached value
and cannot say whether a cell held a formula at all.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from app.errors import PayloadTooLarge, UnprocessableError

MAX_WORKBOOK_BYTES = 10 * 2**20
MAX_UNCOMPRESSED_BYTES = 100 * 2**20
MAX_MEMBER_BYTES = 40 * 2**20
MAX_RATIO = 200  # real worksheets compress 10-30 times; bombs compress thousands of times
MAX_MEMBERS = 2000
MAX_SHEETS = 300
MAX_ROWS = 10_000
MAX_COLUMNS = 200

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>[^<]")


class UnreadableWorkbook(UnprocessableError):
    code = "workbook_unreadable"


@dataclass(frozen=True)
class FormulaCells:
    """Per sheet name, the (row, column) of every formula cell and whether it has a value."""

    by_sheet: dict[str, dict[tuple[int, int], bool]]

    def at(self, sheet: str, row: int, col: int) -> bool | None:
        """None: no formula; True: a formula with a cached value; False: one without."""
        return self.by_sheet.get(sheet, {}).get((row, col))


def check_archive(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip, once its declared sizes are safe to inflate; else 413 or 422."""
    if len(data) > MAX_WORKBOOK_BYTES:
        raise PayloadTooLarge(f"the workbook is larger than {MAX_WORKBOOK_BYTES} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableWorkbook("the body is not an .xlsx workbook (not a zip archive)") from None
    problem = inflation_problem(archive)
    if problem is not None:
        raise PayloadTooLarge(f"the workbook {problem}")
    if "xl/workbook.xml" not in archive.namelist():
        raise UnreadableWorkbook("the zip archive is not an .xlsx workbook (no xl/workbook.xml)")
    return archive


def inflation_problem(archive: zipfile.ZipFile) -> str | None:
    """What is wrong with a zip's declared sizes (a zip bomb), or None: shared by every
    zip-based Office reader (XLSX here, DOCX in the importer)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        return f"has more than {MAX_MEMBERS} parts"
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MAX_MEMBER_BYTES or (member.file_size > 2**20 and ratio > MAX_RATIO):
            return (
                f"part {member.filename} would inflate to {member.file_size} bytes "
                f"(compressed {member.compress_size}): refused as a zip bomb"
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        return f"would inflate to {total} bytes, more than {MAX_UNCOMPRESSED_BYTES}"
    return None


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the worksheet XML part, from the workbook and its relationships."""
    workbook = _small_xml(archive, "xl/workbook.xml")
    rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in rels.iter()
        if isinstance(rel.tag, str) and rel.tag.endswith("Relationship")
    }
    parts: dict[str, str] = {}
    for sheet in workbook.iter():
        if not isinstance(sheet.tag, str) or not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(path)
    if len(parts) > MAX_SHEETS:
        raise PayloadTooLarge(f"the workbook has more than {MAX_SHEETS} sheets")
    return parts


def formula_cells(archive: zipfile.ZipFile, parts: dict[str, str]) -> FormulaCells:
    found: dict[str, dict[tuple[int, int], bool]] = {}
    names = set(archive.namelist())
    for name, part in parts.items():
        if part not in names:
            continue
        xml = archive.read(part)  # bounded by the declared size checked above
        if b"<f" not in xml and b":f" not in xml:
            continue
        cells: dict[tuple[int, int], bool] = {}
        for match in _CELL.finditer(xml):
            inner = match.group(2)
            if not inner or not _FORMULA.search(inner):
                continue
            ref = _REF.search(match.group(1))
            if ref is None:
                continue
            cells[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = bool(_VALUE.search(inner))
        found[name] = cells
    return FormulaCells(found)


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - ord("A") + 1
    return index - 1


def _small_xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    try:
        raw = archive.read(name)
    except KeyError:
        raise UnreadableWorkbook(f"the workbook has no {name}") from None
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise UnreadableWorkbook(f"{name} declares a DOCTYPE or entities: refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as error:
        raise UnreadableWorkbook(f"{name} is not well-formed XML: {error}") from None
