"""Turn printed figures into cell values, splitting digits run together where that is certain.

A crawler that flattens a table loses the boundaries between its cells (``行政处罚88022``).
``splits`` lists every way the printed tokens can be cut into the row's cells that respects
each cell's kind (a count has no leading zero, only an amount has a decimal point, a sign
only starts a 本年增/减); the caller keeps those that satisfy the table's identities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.documents.interpret.stream import Figure
from app.formats.definitions import ValueKind
from app.formats.values import AMOUNT_DECIMAL_PLACES, AMOUNT_LIMIT, INT64_MAX

MAX_SPLITS = 2_000

_PIECE = {
    ValueKind.COUNT: re.compile(r"(?:0|[1-9]\d*)"),
    ValueKind.CHANGE: re.compile(r"[+\-−]?(?:0|[1-9]\d*)"),
    ValueKind.AMOUNT: re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元)?"),
}
TEN_THOUSAND = Decimal(10_000)

Value = int | Decimal | None


@dataclass(frozen=True)
class Parsed:
    value: Value
    converted_from_yuan: bool = False
    problem: str | None = None  # why the figure cannot be a value of this cell


def parse(raw: str, kind: ValueKind) -> Parsed:
    """One printed figure as a value of a cell of ``kind`` ("" is a blank: not reported)."""
    text = raw.replace("−", "-")
    if text == "":
        return Parsed(None)
    if kind is ValueKind.AMOUNT:
        yuan = text.endswith("元") and not text.endswith("万元")
        number = text.removesuffix("万元").removesuffix("元")
        try:
            amount = Decimal(number)
        except InvalidOperation:
            return Parsed(None, problem=f"{raw!r} is not an amount")
        if yuan:
            amount = amount / TEN_THOUSAND
        amount = _plain(amount)
        places = _decimal_places(amount)
        if amount < 0 or amount >= AMOUNT_LIMIT or places > AMOUNT_DECIMAL_PLACES:
            return Parsed(None, problem=f"{raw!r} does not fit an amount in 万元")
        return Parsed(amount, converted_from_yuan=yuan)
    if not re.fullmatch(r"[+\-]?\d+", text):
        return Parsed(None, problem=f"{raw!r} is not a whole number")
    value = int(text)
    if kind is ValueKind.COUNT and (value < 0 or (text.startswith("+") and value != 0)):
        return Parsed(None, problem=f"{raw!r} is not a count")
    if abs(value) > INT64_MAX:
        return Parsed(None, problem=f"{raw!r} is too large")
    return Parsed(value)


def _plain(amount: Decimal) -> Decimal:
    # 25.1 rather than 25.1000 after dividing 251000元; 2059.2090 as printed otherwise.
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.normalize() if _decimal_places(amount) > AMOUNT_DECIMAL_PLACES else amount


def _decimal_places(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def splits(figures: Sequence[Figure], kinds: Sequence[ValueKind]) -> list[tuple[str, ...]]:
    """Every cut of ``figures`` into exactly ``len(kinds)`` pieces valid for their kinds.

    Only figures read from running text may be cut; a table cell is one piece. Stops at
    ``MAX_SPLITS`` (the caller then treats the row as ambiguous).
    """
    found: list[tuple[str, ...]] = []
    for cut in _cuts(figures, 0, kinds, 0):
        found.append(cut)
        if len(found) >= MAX_SPLITS:
            break
    return found


def _cuts(
    figures: Sequence[Figure], index: int, kinds: Sequence[ValueKind], column: int
) -> Iterator[tuple[str, ...]]:
    if index == len(figures):
        if column == len(kinds):
            yield ()
        return
    remaining_figures = len(figures) - index - 1
    figure = figures[index]
    most = len(kinds) - column - remaining_figures
    if figure.raw == "" or not figure.from_text:
        pieces_options: Iterator[tuple[str, ...]] = iter([(figure.raw,)] if most >= 1 else [])
    else:
        pieces_options = (
            pieces
            for count in range(1, max(most, 0) + 1)
            for pieces in _pieces(figure.raw, kinds[column : column + count])
        )
    for pieces in pieces_options:
        if figure.raw != "" and not all(
            _PIECE[kind].fullmatch(piece)
            for kind, piece in zip(kinds[column:], pieces, strict=False)
        ):
            continue
        for rest in _cuts(figures, index + 1, kinds, column + len(pieces)):
            yield (*pieces, *rest)


def _pieces(raw: str, kinds: Sequence[ValueKind]) -> Iterator[tuple[str, ...]]:
    """Cut ``raw`` into ``len(kinds)`` consecutive pieces, each valid for its kind."""
    if len(kinds) == 1:
        if _PIECE[kinds[0]].fullmatch(raw):
            yield (raw,)
        return
    for end in range(1, len(raw)):
        head = raw[:end]
        if not _PIECE[kinds[0]].fullmatch(head):
            continue
        for rest in _pieces(raw[end:], kinds[1:]):
            yield (head, *rest)
