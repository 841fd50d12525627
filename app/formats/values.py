"""Constrained value types of report cells, reusable wherever a report figure is accepted.

Strict integers because pydantic's lax mode would accept JSON ``false`` as 0 and ``"5"`` as 5:
a statistic typed as a boolean or a string is a client bug worth reporting, not guessing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from app.formats.definitions import ValueKind
from app.types import UNIT_10K_YUAN, UNIT_ITEMS

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
COUNT_LIMIT = 10**12
"""Far above any real figure of one report, and low enough that no sum over a nation of
200,000 reports (at most 2·10^17) comes near a signed 64-bit integer."""
AMOUNT_LIMIT = 10**12
AMOUNT_DECIMAL_PLACES = 6


# ASCII digits only: \d would take "٣" (Arabic-Indic three) for 3.
AMOUNT_STRING_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"
_AMOUNT_STRING = re.compile(AMOUNT_STRING_PATTERN)


def _numbers_only(value: Any) -> Any:
    # Decimal's lax mode would take "1e3", " 5" or "NaN"; a figure is plain digits or a number.
    if isinstance(value, str):
        if not _AMOUNT_STRING.fullmatch(value):
            raise PydanticCustomError(
                "decimal_format", 'must be a decimal like "7730.28" (at most 6 decimal places)'
            )
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError(
            "decimal_type", "must be a decimal number (a JSON number or a numeric string)"
        )
    return value


def _plain_notation(value: Decimal) -> Decimal:
    # A Decimal handed over in Python (from storage) may be Decimal('1E+3'), and -0 stays
    # Decimal('-0'): store and echo them as "1000" and "0".
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        value = value.quantize(Decimal(1))
    return value + Decimal(0)


Count = Annotated[StrictInt, Field(ge=0, le=COUNT_LIMIT)]
"""An integer from 0 to 10^12."""

Change = Annotated[StrictInt, Field(ge=-COUNT_LIMIT, le=COUNT_LIMIT)]
"""A signed integer (本年增/减) within ±10^12."""

Amount = Annotated[
    Decimal,
    Field(ge=0, lt=AMOUNT_LIMIT, decimal_places=AMOUNT_DECIMAL_PLACES, allow_inf_nan=False),
    BeforeValidator(_numbers_only),
    AfterValidator(_plain_notation),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "exclusiveMaximum": AMOUNT_LIMIT},
                {"type": "string", "pattern": AMOUNT_STRING_PATTERN},
            ]
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": AMOUNT_STRING_PATTERN}, mode="serialization"),
]
"""A decimal ≥ 0 with at most six decimal places, below 10¹²; a string in JSON output."""

VALUE_UNITS: dict[ValueKind, str] = {
    ValueKind.COUNT: UNIT_ITEMS,
    ValueKind.CHANGE: UNIT_ITEMS,
    ValueKind.AMOUNT: UNIT_10K_YUAN,
}
"""The unit of each kind of cell: the tables count 件 and sum amounts in 万元."""

VALUE_TYPES: dict[ValueKind, Any] = {
    ValueKind.COUNT: Count,
    ValueKind.CHANGE: Change,
    ValueKind.AMOUNT: Amount,
}
