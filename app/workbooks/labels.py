"""The words a workbook prints and reads back: taken from the format definitions and the
report schema wherever they exist, so the workbook never keeps a second copy of a label.

The few words here are the printed table's own furniture (信息内容, 申请人情况) and the
workbook's sheet titles, which Excel limits to 31 characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel

from app.formats.definitions import ReportFormat, SectionSpec
from app.formats.schema import ChannelItem, Channels, Contact, Narrative, ReportBase

# Sheet titles as the national format names the tables (三 shortened, as the spec cites it).
SHEET_TITLES = {
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理申请情况",
    "reviews": "四、政府信息公开行政复议、行政诉讼情况",
}
NARRATIVE_SHEET = "一五六、叙述、联系方式和渠道"
INSTRUCTIONS_SHEET = "填表说明"
META_SHEET = "_meta"
NARRATIVE_TITLE = "叙述部分、联系方式和公开渠道"

CONTENT_HEADER = "信息内容"  # the first header cell of every block of table 二
APPLICANTS_HEADER = "申请人情况"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
REFERENCE_SUFFIX = "（上年，仅供参考）"

IDENTITY_FIELDS = (
    ("agency_code", "机关代码"),
    ("agency_name", "机关名称"),
    ("year", "报告年度"),
    ("format", "报告格式"),
)


def sheet_title(section: SectionSpec) -> str:
    return SHEET_TITLES.get(section.key, section.label.zh[:31])


def zh(model: type[BaseModel], field: str) -> str:
    """The Chinese half of a schema field's "中文 / English" description."""
    description = model.model_fields[field].description or field
    return description.split(" / ")[0].strip()


@dataclass(frozen=True)
class TextField:
    """One labelled line of the narrative sheet: where it goes in the report body."""

    path: tuple[str, ...]  # ("narrative", "overview"), ("fees_collected_yuan",)
    label: str
    kind: str  # "text", "count", "amount", "date"

    @property
    def pointer(self) -> str:
        return "/" + "/".join(self.path)


def narrative_fields() -> tuple[TextField, ...]:
    fields = [
        TextField(("narrative", key), zh(Narrative, key), "text") for key in Narrative.model_fields
    ]
    fields.append(TextField(("channels", "total"), zh(Channels, "total"), "count"))
    fields.append(
        TextField(("fees_collected_yuan",), zh(ReportBase, "fees_collected_yuan"), "amount")
    )
    fields += [
        TextField(("contact", key), zh(Contact, key), "text") for key in Contact.model_fields
    ]
    fields.append(TextField(("published_on",), zh(ReportBase, "published_on"), "date"))
    fields.append(TextField(("source_url",), zh(ReportBase, "source_url"), "text"))
    return tuple(fields)


CHANNEL_NAME_LABEL = zh(ChannelItem, "name")
CHANNEL_COUNT_LABEL = zh(ChannelItem, "count")


_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "、": "、"})


def normalize(text: object) -> str:
    """A label as compared: full-width forms folded (NFKC), spaces and line breaks dropped,
    curly quotes straightened — the ways a hand-edited or re-saved workbook varies."""
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub("", folded)


def format_marker_labels(fmt: ReportFormat) -> frozenset[str]:
    """Column labels of table 二 that only this format prints (they tell the formats apart)."""
    return frozenset(
        normalize(column.label.zh)
        for row in fmt.section("proactive").rows
        for column in row.columns
    )
