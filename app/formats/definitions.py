"""The national report formats, each defined once as data.

Everything else in the service — request models, the rule engine, the section views,
the discovery endpoints, workbooks, documents, the importer — is derived from these
definitions, so adding a format year means adding one ``ReportFormat`` to ``_DEFINITIONS``
below. The vocabulary is in ``app.formats.spec``, the tables both formats share in
``app.formats.tables``; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.formats.spec import (
    SECTION_KEYS,
    CellKey,
    CellRole,
    CellSpec,
    ColumnSpec,
    Label,
    ReportFormat,
    RowRole,
    RowSpec,
    SectionSpec,
    ValueKind,
    cell_pointer,
    plain_label,
)
from app.formats.tables import (
    ARTICLE_20_1,
    ARTICLE_20_5,
    ARTICLE_20_6,
    ARTICLE_20_8,
    ARTICLE_20_9,
    OTHER_HANDLING,
    OTHER_ROW,
    applications_section,
    count_column,
    result_row,
    reviews_section,
)

__all__ = [
    "FORMATS",
    "SECTION_KEYS",
    "CellKey",
    "CellRole",
    "CellSpec",
    "ColumnSpec",
    "Label",
    "ReportFormat",
    "RowRole",
    "RowSpec",
    "SectionSpec",
    "ValueKind",
    "cell_pointer",
    "format_for_year",
    "plain_label",
]

_PROACTIVE_LABEL = Label("二、主动公开政府信息情况", "II. Proactive disclosure")

# ---------------------------------------------------------------------------------------------
# 国办公开办函〔2019〕60号

_ITEMS_COLUMNS_2019 = (
    count_column("previous_items", "上一年项目数量", "Items in the previous year"),
    ColumnSpec("change", Label("本年增/减", "Change this year"), ValueKind.CHANGE),
    count_column("decisions", "处理决定数量", "Decisions made"),
)
_DOCUMENT_COLUMNS_2019 = (
    count_column("made", "本年新制作数量", "Newly made this year"),
    count_column("published", "本年新公开数量", "Newly published this year"),
    count_column("total_public", "对外公开总数量", "Total publicly available"),
)

FORMAT_2019 = ReportFormat(
    id="2019",
    document=Label(
        "《中华人民共和国政府信息公开工作年度报告格式（试行）》（国办公开办函〔2019〕60号）",
        "Format of the annual report on government information disclosure (trial), "
        "State Council open-government office letter [2019] No. 60",
    ),
    first_year=2019,
    last_year=2020,
    sections=(
        SectionSpec(
            "proactive",
            _PROACTIVE_LABEL,
            (
                RowSpec(
                    "regulations",
                    Label("规章", "Rules"),
                    _DOCUMENT_COLUMNS_2019,
                    caption=ARTICLE_20_1,
                ),
                RowSpec(
                    "normative_documents",
                    Label("规范性文件", "Normative documents"),
                    _DOCUMENT_COLUMNS_2019,
                    caption=ARTICLE_20_1,
                ),
                RowSpec(
                    "licensing",
                    Label("行政许可", "Administrative licensing"),
                    _ITEMS_COLUMNS_2019,
                    caption=ARTICLE_20_5,
                ),
                RowSpec(
                    "other_services",
                    Label("其他对外管理服务事项", "Other external administrative services"),
                    _ITEMS_COLUMNS_2019,
                    caption=ARTICLE_20_5,
                ),
                RowSpec(
                    "penalties",
                    Label("行政处罚", "Administrative penalties"),
                    _ITEMS_COLUMNS_2019,
                    caption=ARTICLE_20_6,
                ),
                RowSpec(
                    "coercion",
                    Label("行政强制", "Administrative coercion"),
                    _ITEMS_COLUMNS_2019,
                    caption=ARTICLE_20_6,
                ),
                RowSpec(
                    "fees",
                    Label("行政事业性收费", "Administrative fees"),
                    _ITEMS_COLUMNS_2019[:2],
                    caption=ARTICLE_20_8,
                ),
                RowSpec(
                    "procurement",
                    Label("政府集中采购", "Centralised government procurement"),
                    (
                        count_column("projects", "采购项目数量", "Procurement projects"),
                        ColumnSpec(
                            "amount",
                            Label("采购总金额", "Total procurement amount (10,000 yuan)"),
                            ValueKind.AMOUNT,
                        ),
                    ),
                    caption=ARTICLE_20_9,
                ),
            ),
        ),
        applications_section((result_row("other", "（六）其他处理", "Other handling"),)),
        reviews_section(),
    ),
)

# ---------------------------------------------------------------------------------------------
# 国办公开办函〔2021〕30号

_DOCUMENT_COLUMNS_2021 = (
    count_column("issued", "本年制发件数", "Issued this year"),
    count_column("repealed", "本年废止件数", "Repealed this year"),
    count_column("in_force", "现行有效件数", "Currently in force"),
)
_DECISIONS_2021 = (count_column("decisions", "本年处理决定数量", "Decisions this year"),)

FORMAT_2021 = ReportFormat(
    id="2021",
    document=Label(
        "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
        "Format of the annual report on government information disclosure, "
        "State Council open-government office letter [2021] No. 30",
    ),
    first_year=2021,
    last_year=None,
    sections=(
        SectionSpec(
            "proactive",
            _PROACTIVE_LABEL,
            (
                RowSpec(
                    "regulations",
                    Label("规章", "Rules"),
                    _DOCUMENT_COLUMNS_2021,
                    caption=ARTICLE_20_1,
                ),
                RowSpec(
                    "normative_documents",
                    Label("行政规范性文件", "Administrative normative documents"),
                    _DOCUMENT_COLUMNS_2021,
                    caption=ARTICLE_20_1,
                ),
                RowSpec(
                    "licensing",
                    Label("行政许可", "Administrative licensing"),
                    _DECISIONS_2021,
                    caption=ARTICLE_20_5,
                ),
                RowSpec(
                    "penalties",
                    Label("行政处罚", "Administrative penalties"),
                    _DECISIONS_2021,
                    caption=ARTICLE_20_6,
                ),
                RowSpec(
                    "coercion",
                    Label("行政强制", "Administrative coercion"),
                    _DECISIONS_2021,
                    caption=ARTICLE_20_6,
                ),
                RowSpec(
                    "fees",
                    Label("行政事业性收费", "Administrative fees"),
                    (
                        ColumnSpec(
                            "amount",
                            Label(
                                "本年收费金额（单位：万元）",
                                "Fees collected this year (10,000 yuan)",
                            ),
                            ValueKind.AMOUNT,
                        ),
                    ),
                    caption=ARTICLE_20_8,
                ),
            ),
        ),
        applications_section(
            (
                result_row(
                    "other",
                    "（六）其他处理",
                    "Other handling (subtotal)",
                    role=RowRole.RESULT_SUBTOTAL,
                    short=OTHER_ROW,
                ),
                result_row(
                    "other_no_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "Applicant did not correct the request in time without good reason; "
                    "no longer processed",
                    OTHER_HANDLING,
                    role=RowRole.RESULT_PART,
                    short=Label("逾期不补正", "not corrected in time"),
                ),
                result_row(
                    "other_fee_unpaid",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                    "Applicant did not pay the fee in time; no longer processed",
                    OTHER_HANDLING,
                    role=RowRole.RESULT_PART,
                    short=Label("逾期未缴费", "fee not paid in time"),
                ),
                result_row(
                    "other_misc",
                    "3.其他",
                    "Other",
                    OTHER_HANDLING,
                    role=RowRole.RESULT_PART,
                    short=Label("其他", "other"),
                ),
            )
        ),
        reviews_section(),
    ),
)

_DEFINITIONS = (FORMAT_2019, FORMAT_2021)

FORMATS: Mapping[str, ReportFormat] = MappingProxyType({fmt.id: fmt for fmt in _DEFINITIONS})


def format_for_year(year: int) -> ReportFormat:
    """The format a report for ``year`` is due in; years before the first format use it."""
    for fmt in _DEFINITIONS:
        if fmt.covers(year):
            return fmt
    return _DEFINITIONS[0] if year < _DEFINITIONS[0].first_year else _DEFINITIONS[-1]
