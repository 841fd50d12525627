"""Cell formats of the workbooks, made once per workbook (XlsxWriter binds formats to one)."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.format import Format  # type: ignore[import-untyped]
from xlsxwriter.workbook import Workbook  # type: ignore[import-untyped]

from app.formats.definitions import ValueKind

_BORDER = {"border": 1, "valign": "vcenter", "font_name": "宋体", "font_size": 10}


@dataclass(frozen=True)
class Styles:
    title: Format
    header: Format
    label: Format
    note: Format
    text: Format  # an unlocked free-text cell
    inputs: dict[ValueKind, Format]  # unlocked figure cells, per kind
    computed: dict[ValueKind, Format]  # locked totals (formulas)
    reference: Format  # last year's figure beside a row: locked, greyed


def make_styles(book: Workbook) -> Styles:
    def fmt(**props: object) -> Format:
        return book.add_format({**_BORDER, **props})

    number_formats = {
        ValueKind.COUNT: "0",
        ValueKind.CHANGE: "+0;-0;0",
        ValueKind.AMOUNT: "General",
    }
    return Styles(
        title=book.add_format({"bold": True, "font_size": 14, "font_name": "黑体"}),
        header=fmt(bold=True, align="center", text_wrap=True, bg_color="#D9D9D9"),
        label=fmt(text_wrap=True),
        note=book.add_format({"text_wrap": True, "valign": "top", "font_size": 10}),
        text=fmt(text_wrap=True, locked=False, valign="top"),
        inputs={
            kind: fmt(locked=False, num_format=number, bg_color="#FFFFF0")
            for kind, number in number_formats.items()
        },
        computed={
            kind: fmt(num_format=number, bg_color="#EDEDED")
            for kind, number in number_formats.items()
        },
        reference=fmt(font_color="#7F7F7F", italic=True),
    )
