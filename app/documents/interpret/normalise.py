"""Text normalisation shared by label matching: widths, spaces, quotes, numbering."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")


def norm(text: str) -> str:
    """Full- and half-width folded, spaces and line breaks removed, quotes dropped."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub("", folded).replace("．", ".").replace("、", "、")
