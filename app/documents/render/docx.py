"""The document as a Word file: real tables with merged cells and repeating header rows.

Fonts follow the usual layout of published reports (仿宋 for text, 黑体 for headings), set
for East Asian text through ``w:eastAsia``; the font table names a fallback for each, so
Word and WPS substitute a like font where the named one is missing.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.run import Run
from lxml import etree  # type: ignore[import-untyped]

from app.documents.render.document import as_report, build_layout
from app.documents.render.layout import Table
from app.formats.schema import ReportBase

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
# (name, alternative name, family) written to the font table for substitution.
FONT_FALLBACKS = (
    ("仿宋", "FangSong", "modern"),
    ("黑体", "SimHei", "swiss"),
)


def render_document_docx(
    body: ReportBase | Mapping[str, Any], *, agency_name: str, year: int
) -> bytes:
    layout = build_layout(as_report(body, year), agency_name=agency_name, year=year)
    word = Document()
    _page_setup(word)
    _fonts(word)
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(layout.title), HEADING_FONT, Pt(18))
    for line in layout.preamble:
        _paragraph(word, line)
    for part in layout.parts:
        heading = word.add_paragraph()
        heading.paragraph_format.keep_with_next = True
        _font(heading.add_run(part.heading), HEADING_FONT, Pt(16))
        for line in part.paragraphs:
            _paragraph(word, line)
        if part.table is not None:
            _table(word, part.table)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _page_setup(word: Any) -> None:
    # A4 with the margins of GB/T 9704 official documents.
    for section in word.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _fonts(word: Any) -> None:
    normal = word.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(12)
    _east_asian(normal.element.get_or_add_rPr(), BODY_FONT)
    for rel in word.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            # python-docx keeps the font table as raw XML: parse, extend, write back.
            part = rel.target_part
            root = etree.fromstring(part.blob)
            _add_fallbacks(root)
            part._blob = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )


def _add_fallbacks(root: Any) -> None:
    for name, alternative, family in FONT_FALLBACKS:
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alternative), ("w:charset", "86"), ("w:family", family)):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)


def _east_asian(rpr: Any, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _font(run: Run, name: str, size: Pt | None = None) -> None:
    run.font.name = LATIN_FONT
    if size is not None:
        run.font.size = size
    _east_asian(run._element.get_or_add_rPr(), name)


def _paragraph(word: Any, text: str) -> None:
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(24)
    _font(paragraph.add_run(text), BODY_FONT)


def _table(word: Any, table: Table) -> None:
    grid = word.add_table(rows=len(table.rows), cols=table.columns)
    grid.style = "Table Grid"
    # Looked up once: python-docx finds a cell by walking the whole table each time. Merging
    # keeps the top-left cell of every span, the only ones used below.
    cells = [row.cells for row in grid.rows]
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        column = 0
        for cell in row:
            while (r, column) in taken:
                column += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, column + dc))
            target = cells[r][column]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(cells[r + cell.rowspan - 1][column + cell.colspan - 1])
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = target.paragraphs[0]
            if cell.header or cell.is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(cell.text), BODY_FONT, Pt(9))
            column += cell.colspan
    for r in range(table.header_rows):
        properties = grid.rows[r]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
