"""The free-text parts 一, 五 and 六, the contact, the channels and the 信息处理费."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from app.documents.interpret.diagnostics import Diagnostic

_PART_ONE = re.compile(r"一\s*、\s*(?:总体情况|概述)")
_PART_TWO = re.compile(r"[二一]\s*、\s*主动公开政府信息(?:的)?情况")
_PART_FIVE = re.compile(r"[五四]\s*、\s*(?:政府信息公开工作)?存在的主要问题")
_PART_SIX = re.compile(r"[六五]\s*、\s*其他需要报告的事项")

_ADDRESS = re.compile(r"地\s*址\s*[:：]\s*(.+?)\s*[，,；;]?\s*(?=电\s*话|联系电话|传\s*真|[)）])")
_PHONE = re.compile(r"电\s*话\s*[:：]\s*([0-9][0-9\-—–－() ]{5,30}[0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_CHANNELS = re.compile(r"主动公开政府信息\s*(\d+)\s*条\s*[，,]\s*其中\s*[:：]?(.+?)。")
_CHANNEL_ITEM = re.compile(r"(.+?)(?:公开政府信息|公开|发布)?\s*(\d+)\s*条")
_FEE = re.compile(r"信息处理费[^0-9。]{0,12}?(\d+(?:\.\d+)?)\s*元")
_NO_FEE = re.compile(r"未(?:收取|发生)[^。]{0,20}(?:信息处理费|收费)")


def _compact(text: str) -> str:
    # Lines of a PDF or a Word file break mid-sentence: join them without a gap.
    return re.sub(r"\s*\n\s*", "", text).strip()


def read_narrative(text: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Parts of the body from the document's running text (lines joined by newlines)."""
    found: dict[str, Any] = {}
    diagnostics: list[Diagnostic] = []
    one = _PART_ONE.search(text)
    two = _PART_TWO.search(text, one.end() if one else 0)
    five = _PART_FIVE.search(text, two.end() if two else 0)
    six = _PART_SIX.search(text, five.end() if five else (two.end() if two else 0))
    narrative: dict[str, str] = {}
    if one:
        narrative["overview"] = _compact(text[one.end() : two.start() if two else len(text)])
    if five:
        narrative["problems_and_improvements"] = _compact(
            text[five.end() : six.start() if six else len(text)]
        )
    if six:
        narrative["other_matters"] = _compact(text[six.end() :])
    if narrative:
        found["narrative"] = {k: v[:100_000] for k, v in narrative.items() if v}
    preamble = text[: one.start()] if one else text[:3000]
    contact = _contact(preamble)
    if contact:
        found["contact"] = contact
    overview = narrative.get("overview", "")
    channels = _channels(overview)
    if channels:
        found["channels"] = channels
    fee_text = _compact(narrative.get("other_matters", "") or text[-3000:])
    fee = _FEE.search(fee_text)
    if fee:
        found["fees_collected_yuan"] = str(Decimal(fee.group(1)))
    elif _NO_FEE.search(fee_text):
        found["fees_collected_yuan"] = "0"
        diagnostics.append(
            Diagnostic(
                "fee_stated_as_none",
                "info",
                "六、其他需要报告的事项写明未收取信息处理费：记为 0 元",
                pointer="/fees_collected_yuan",
            )
        )
    return found, diagnostics


def _contact(preamble: str) -> dict[str, str]:
    flat = _compact(preamble)
    contact: dict[str, str] = {}
    address = _ADDRESS.search(flat)
    if address:
        contact["address"] = re.sub(r"\s+", "", address.group(1)).rstrip("，,；;")[:200]
    phone = _PHONE.search(flat)
    if phone:
        contact["phone"] = re.sub(r"\s+", "", phone.group(1))[:50]
    email = _EMAIL.search(flat)
    if email:
        contact["email"] = email.group(0)[:254]
    return contact


def _channels(overview: str) -> dict[str, Any] | None:
    match = _CHANNELS.search(overview)
    if not match:
        return None
    items = []
    for part in re.split(r"[，,；;]", match.group(2)):
        item = _CHANNEL_ITEM.fullmatch(part.strip())
        if not item:
            return None  # a list the pattern does not fit: leave the channels out
        name = re.sub(r"(?:公开政府信息|公开|发布)$", "", item.group(1).strip())
        items.append({"name": name, "count": int(item.group(2))})
    return {"total": int(match.group(1)), "items": items}
