"""Report bodies the render tests print: every sample and fixture report, and variants."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from app.formats.samples import SAMPLE_DIR

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# (name, file, year, agency name): every report body shipped with the service or its tests.
REPORTS = (
    (
        "sample 白土岗乡 2020 (2019)",
        SAMPLE_DIR / "baitugang_2020.json",
        2020,
        "灵武市白土岗乡人民政府",
    ),
    ("sample 洪泽区 2023 (2021)", SAMPLE_DIR / "hongze_2023.json", 2023, "淮安市洪泽区人民政府"),
    ("sample 洪泽区 2024 (2021)", SAMPLE_DIR / "hongze_2024.json", 2024, "淮安市洪泽区人民政府"),
    ("fixture 洪泽区 2023 (2021)", FIXTURES / "hongze_2023.json", 2023, "淮安市洪泽区人民政府"),
    ("fixture 洪泽区 2024 (2021)", FIXTURES / "hongze_2024.json", 2024, "淮安市洪泽区人民政府"),
)


def load(path: Path) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def with_other_handling_parts(body: dict[str, Any]) -> dict[str, Any]:
    """A 2021 body giving （六）其他处理 as its three sub-rows instead of the subtotal."""
    changed = copy.deepcopy(body)
    applications = changed["applications"]
    del applications["other"]
    columns = list(applications["granted"])
    for row, value in (("other_no_correction", 2), ("other_fee_unpaid", 0), ("other_misc", 1)):
        applications[row] = dict.fromkeys(columns, 0)
        applications[row]["natural_person"] = applications[row]["total"] = value
    for row in ("results_total", "new_received"):
        applications[row]["natural_person"] += 3
        applications[row]["total"] += 3
    return changed
