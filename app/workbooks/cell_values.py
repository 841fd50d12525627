"""What a typed cell means: a figure, not reported, or something the reader refuses.

Following the report format: blank, "/" and "—" are not reported (null, never 0); units
ride inside cells ("12件", "251000元"); full-width digits are digits; a sign may lead a
change ("+1036"). Anything else is not guessed: the cell stays null with an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.formats.definitions import ValueKind

NOT_REPORTED_MARKS = frozenset({"/", "\\", "—", "——", "–", "-", "--", "─"})
_COUNT_UNITS = ("件", "个", "项", "条", "次", "家", "人")
_SEPARATED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
LARGEST_EXACT_FLOAT = 2**53


@dataclass(frozen=True)
class CellReading:
    value: int | float | str | None  # what goes into the report body (strings: amounts)
    code: str | None = None  # a diagnostic about how it was read
    severity: str = "info"
    message: str | None = None


def read_figure(raw: object, kind: ValueKind) -> CellReading:
    if raw is None or raw == "":
        return CellReading(None)
    if isinstance(raw, bool):
        return _refused(f"{raw} 不是数字 / a boolean is not a figure")
    if isinstance(raw, int | float):
        return _number(raw, kind)
    if not isinstance(raw, str):
        # Dates and times: a figure cell formatted as a date is a typing slip, not a count.
        return _refused(f"“{raw}” 不是数字 / not a number")
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "")
    if text == "":
        return CellReading(None)
    if text in NOT_REPORTED_MARKS:
        return CellReading(
            None, "not_reported_mark", "info", f"“{raw}” 视为未填报 / read as not reported"
        )
    if kind is ValueKind.AMOUNT:
        return _amount(raw, text)
    unit = next((u for u in _COUNT_UNITS if text.endswith(u)), None)
    digits = text[: -len(unit)] if unit else text
    if _SEPARATED.fullmatch(digits):
        digits = digits.replace(",", "")
    if not _INTEGER.fullmatch(digits):
        return _refused(f"“{raw}” 不是整数 / not a whole number")
    value = int(digits)
    if unit or digits != raw.strip():
        return CellReading(
            value, "value_normalized", "info", f"“{raw}” 读作 {value} / read as {value}"
        )
    return CellReading(value)


def _number(raw: int | float, kind: ValueKind) -> CellReading:
    if isinstance(raw, float) and (raw != raw or raw in (float("inf"), float("-inf"))):
        return _refused("不是有限数字 / not a finite number")
    if kind is ValueKind.AMOUNT:
        return CellReading(_plain(Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)))
    if isinstance(raw, float):
        if abs(raw) > LARGEST_EXACT_FLOAT:
            return _refused(
                f"{raw!r} 超出可精确读取的范围，请以文本填写 / too large to read exactly"
            )
        if raw.is_integer():
            return CellReading(int(raw))
        return CellReading(raw)  # 12.5 for a count: the schema names it, with the cell
    return CellReading(raw)


def _amount(raw: str, text: str) -> CellReading:
    if text.endswith("万元"):
        number, scale = text[:-2], Decimal(1)
    elif text.endswith("元"):
        number, scale = text[:-1], Decimal("0.0001")
    elif text.endswith("万"):
        number, scale = text[:-1], Decimal(1)
    else:
        number, scale = text, Decimal(1)
    if _SEPARATED.fullmatch(number):
        number = number.replace(",", "")
    if not _DECIMAL.fullmatch(number):
        return _refused(f"“{raw}” 不是金额 / not an amount")
    try:
        value = Decimal(number) * scale
    except InvalidOperation:
        return _refused(f"“{raw}” 不是金额 / not an amount")
    shown = _plain(value)
    if scale != 1:
        return CellReading(
            shown,
            "unit_converted",
            "info",
            f"“{raw}” 换算为 {shown} 万元 / converted to {shown} (10,000 yuan)",
        )
    if number != text or text != raw.strip():
        return CellReading(
            shown, "value_normalized", "info", f"“{raw}” 读作 {shown} / read as {shown}"
        )
    return CellReading(shown)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _refused(message: str) -> CellReading:
    return CellReading(None, "unreadable_value", "error", message)
