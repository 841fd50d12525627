"""Which language a caller reads: Chinese unless Accept-Language prefers English."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from app.types import Lang, language


def preferred_language(accept_language: str | None) -> Lang:
    best: tuple[float, Lang] = (0.0, "zh")
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        if tag.strip().lower().split("-")[0] not in ("zh", "en"):
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if quality > best[0]:
            best = (quality, language(tag))
    return best[1]


async def get_language(
    accept_language: Annotated[
        str | None,
        Header(
            description="`en` for English messages; Chinese otherwise.",
            examples=["zh-CN"],
        ),
    ] = None,
) -> Lang:
    return preferred_language(accept_language)


LangDep = Annotated[Lang, Depends(get_language)]
