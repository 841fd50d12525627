"""Real published reports shipped with the service, as request bodies.

They are the OpenAPI examples of each format and the sample data of a fresh install.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Shipped beside the operator tools that load them into a fresh install.
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "ops" / "sample"

# 灵武市白土岗乡人民政府 2020 (format 2019) and 淮安市洪泽区人民政府 2024 (format 2021).
EXAMPLE_FILES = {"2019": "baitugang_2020.json", "2021": "hongze_2024.json"}


def load_sample(name: str) -> dict[str, Any]:
    """A sample report body by file name, e.g. ``baitugang_2020.json``."""
    body: dict[str, Any] = json.loads((SAMPLE_DIR / name).read_text(encoding="utf-8"))
    return body


def example_body(format_id: str) -> dict[str, Any] | None:
    name = EXAMPLE_FILES.get(format_id)
    return load_sample(name) if name else None
