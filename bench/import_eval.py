"""Measure the importer against real published reports: ``make import-eval CORPUS=dir``.

For every input of the corpus README's table, imports it through the endpoint's code
(``app.documents.importer.import_document``), then prints per document the cells that equal
the hand transcription (every section, row and column of the expected body, nulls
included) and whether the verdict — the error rules that fail, with their cells — matches.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.documents.importer import import_document
from app.documents.readers import MEDIA_TYPE_BY_SUFFIX
from app.errors import ProblemError
from app.formats.definitions import SECTION_KEYS
from app.formats.rules import evaluate
from app.formats.schema import parse_report

_ROW = re.compile(r"^\|\s*`([^`]+)`[^|]*\|\s*`([^`]+)`")


def corpus_pairs(corpus: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for line in (corpus / "README.md").read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            pairs.append(((corpus / match.group(1)).resolve(), (corpus / match.group(2)).resolve()))
    return pairs


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) or isinstance(actual, str):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except ArithmeticError:
            return False
    return bool(expected == actual) and type(expected) is type(actual)


def compare_cells(expected: dict[str, Any], actual: dict[str, Any]) -> tuple[int, int, list[str]]:
    equal = total = 0
    wrong: list[str] = []
    for section in SECTION_KEYS:
        for row, columns in (expected.get(section) or {}).items():
            for column, value in columns.items():
                total += 1
                got = ((actual.get(section) or {}).get(row) or {}).get(column)
                if _same(value, got) if value is not None else got is None:
                    equal += 1
                else:
                    wrong.append(f"/{section}/{row}/{column}: expected {value}, got {got}")
    return equal, total, wrong


def verdict(body: dict[str, Any], year: int) -> set[tuple[str, tuple[str, ...]]]:
    evaluation = evaluate(parse_report(body, year=year), year=year)
    return {(f.rule, tuple(f.cells)) for f in evaluation.errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong cell")
    args = parser.parse_args(argv)
    pairs = corpus_pairs(args.corpus)
    if not pairs:
        print(f"no inputs listed in {args.corpus / 'README.md'}", file=sys.stderr)
        return 2
    equal_all = total_all = imported = 0
    for source, expected_path in pairs:
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        media_type = MEDIA_TYPE_BY_SUFFIX.get(source.suffix.lower(), "text/plain")
        try:
            result = import_document(source.read_bytes(), media_type)
        except ProblemError as error:
            print(f"{source.name:32} refused: {error.detail}")
            total_all += compare_cells(expected, {})[1]
            continue
        actual = result.body.model_dump(mode="json", exclude_unset=True)
        year = result.interpretation.year
        equal, total, wrong = compare_cells(expected, actual)
        same_verdict = verdict(expected, year) == verdict(actual, year)
        exact = equal == total
        imported += exact and same_verdict
        equal_all += equal
        total_all += total
        print(
            f"{source.name:32} {result.interpretation.format} {year} "
            f"cells {equal}/{total} ({100 * equal / total:.1f}%) "
            f"verdict {'same' if same_verdict else 'DIFFERENT'}"
        )
        for line in wrong if args.verbose else wrong[:5]:
            print(f"    {line}")
        if not args.verbose and len(wrong) > 5:
            print(f"    … {len(wrong) - 5} more (-v)")
    share = 100 * equal_all / total_all if total_all else 0.0
    print(
        f"set: cells {equal_all}/{total_all} ({share:.1f}%); "
        f"imported exactly with the right verdict: {imported}/{len(pairs)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
