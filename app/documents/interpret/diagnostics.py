"""How a document was read, said once per finding of the reader or interpreter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    pointer: str | None = None
    source: str | None = None

    def to_json(self) -> dict[str, str]:
        data = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.pointer is not None:
            data["pointer"] = self.pointer
        if self.source is not None:
            data["source"] = self.source
        return data
