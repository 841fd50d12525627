"""The national report formats, each defined once as data.

Everything else in the service — request models, the rule engine, the section views,
the discovery endpoints — is derived from these definitions, so adding a format year
means adding one ``ReportFormat`` to ``_DEFINITIONS`` below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TypeAlias

SECTION_KEYS = ("proactive", "applications", "reviews")

CellKey: TypeAlias = tuple[str, str, str]
"""(section, row, column): the address of one cell, as stored."""


class ValueKind(StrEnum):
    """What a cell may hold."""

    COUNT = "count"  # integer ≥ 0
    CHANGE = "change"  # signed integer (本年增/减)
    AMOUNT = "amount"  # decimal ≥ 0, in 万元


class RowRole(StrEnum):
    """The part a row plays in the applications matrix identities."""

    DATA = "data"
    INTAKE = "intake"  # 一、本年新收 / 二、上年结转
    RESULT = "result"  # one outcome in 三、本年度办理结果
    RESULT_SUBTOTAL = "result_subtotal"  # 2021 （六）其他处理: the sum of its parts
    RESULT_PART = "result_part"  # a sub-row of the （六） subtotal
    RESULTS_TOTAL = "results_total"  # （七）总计
    CARRIED_FORWARD = "carried_forward"  # 四、结转下年度继续办理


class CellRole(StrEnum):
    DATA = "data"
    TOTAL = "total"
    SUBTOTAL = "subtotal"


@dataclass(frozen=True)
class Label:
    zh: str
    en: str


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: Label
    kind: ValueKind = ValueKind.COUNT
    is_total: bool = False
    group: Label | None = None  # a header spanning several columns (法人或其他组织)


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: Label  # the row's own official wording, numbering included
    columns: tuple[ColumnSpec, ...]
    caption: Label | None = None  # the 条例 article a proactive row reports under
    groups: tuple[Label, ...] = ()  # enclosing group labels, outermost first; no cells of their own
    role: RowRole = RowRole.DATA
    short: Label | None = None  # wording for messages; defaults to the label without numbering

    @property
    def short_label(self) -> Label:
        return self.short or plain_label(self.label)

    @property
    def path_label(self) -> Label:
        """Groups and row without numbering: 本年度办理结果·不予公开·属于国家秘密."""
        parts = [plain_label(label) for label in (*self.groups, self.label)]
        return Label("·".join(part.zh for part in parts), " — ".join(part.en for part in parts))

    def column(self, key: str) -> ColumnSpec:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    label: Label
    rows: tuple[RowSpec, ...]
    _by_key: Mapping[str, RowSpec] = field(init=False, repr=False, compare=False)
    _by_roles: dict[tuple[RowRole, ...], tuple[RowSpec, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # The rule checks look rows up once per cell: a dict, not a scan.
        object.__setattr__(self, "_by_key", MappingProxyType({row.key: row for row in self.rows}))
        object.__setattr__(self, "_by_roles", {})

    def row(self, key: str) -> RowSpec:
        return self._by_key[key]

    def rows_with_role(self, *roles: RowRole) -> tuple[RowSpec, ...]:
        # Asked per column of every evaluation; the answer never changes, so keep it.
        found = self._by_roles.get(roles)
        if found is None:
            found = self._by_roles[roles] = tuple(row for row in self.rows if row.role in roles)
        return found

    def has_row(self, key: str) -> bool:
        return key in self._by_key


@dataclass(frozen=True)
class CellSpec:
    section: str
    row: str
    column: str
    kind: ValueKind
    role: CellRole
    # Built once: every request reads the key of every cell, often several times.
    key: CellKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.section, self.row, self.column))

    @property
    def pointer(self) -> str:
        """RFC 6901 JSON Pointer to this cell in a report body."""
        return cell_pointer(self.key)

    @property
    def is_total(self) -> bool:
        """Computed by the service when omitted or null; checked when given."""
        return self.role is not CellRole.DATA


@dataclass(frozen=True)
class ReportFormat:
    id: str
    document: Label
    first_year: int
    last_year: int | None  # None: still in force
    sections: tuple[SectionSpec, ...]
    _cells: tuple[CellSpec, ...] = field(init=False, repr=False, compare=False)
    _index: Mapping[CellKey, int] = field(init=False, repr=False, compare=False)
    _keys: tuple[CellKey, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Derived once: the definition is immutable and every request walks these cells.
        cells = tuple(self._build_cells())
        object.__setattr__(self, "_cells", cells)
        object.__setattr__(
            self,
            "_index",
            MappingProxyType({cell.key: position for position, cell in enumerate(cells)}),
        )
        object.__setattr__(self, "_keys", tuple(cell.key for cell in cells))

    def _build_cells(self) -> Iterator[CellSpec]:
        for section in self.sections:
            for row in section.rows:
                for column in row.columns:
                    yield CellSpec(
                        section.key, row.key, column.key, column.kind, _cell_role(row, column)
                    )

    def cells(self) -> Iterator[CellSpec]:
        """Every cell, in the order the official tables print them."""
        return iter(self._cells)

    def cell_keys(self) -> tuple[CellKey, ...]:
        """The key of every cell, in the order of ``cells()``."""
        return self._keys

    def total_cells(self) -> Iterator[CellSpec]:
        return (cell for cell in self._cells if cell.is_total)

    def section(self, key: str) -> SectionSpec:
        for section in self.sections:  # three sections: a scan beats a dict here
            if section.key == key:
                return section
        raise KeyError(key)

    def has_cell(self, key: CellKey) -> bool:
        return key in self._index

    def cell(self, key: CellKey) -> CellSpec:
        return self._cells[self._index[key]]

    def position(self, key: CellKey) -> int:
        """The cell's index in format order (used to sort findings)."""
        return self._index[key]

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


def cell_pointer(key: CellKey) -> str:
    return "/" + "/".join(key)


def _cell_role(row: RowSpec, column: ColumnSpec) -> CellRole:
    if column.is_total or row.role is RowRole.RESULTS_TOTAL:
        return CellRole.TOTAL
    if row.role is RowRole.RESULT_SUBTOTAL:
        return CellRole.SUBTOTAL
    return CellRole.DATA


_NUMBERING_ZH = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)\s*")
_NUMBERING_EN = re.compile(r"^(?:[IVX]+\.|\(\d+\))\s*")


def plain_label(label: Label) -> Label:
    """The label without its official numbering (一、 （三） 1. / III. (3))."""
    return Label(_NUMBERING_ZH.sub("", label.zh), _NUMBERING_EN.sub("", label.en))


# ---------------------------------------------------------------------------------------------
# Vocabulary shared by both formats


def _count(
    key: str, zh: str, en: str, *, is_total: bool = False, group: Label | None = None
) -> ColumnSpec:
    return ColumnSpec(key, Label(zh, en), ValueKind.COUNT, is_total, group)


_ARTICLE_20_1 = Label("第二十条第（一）项", "Article 20(1)")
_ARTICLE_20_5 = Label("第二十条第（五）项", "Article 20(5)")
_ARTICLE_20_6 = Label("第二十条第（六）项", "Article 20(6)")
_ARTICLE_20_8 = Label("第二十条第（八）项", "Article 20(8)")
_ARTICLE_20_9 = Label("第二十条第（九）项", "Article 20(9)")

_ORGANISATIONS = Label("法人或其他组织", "Legal persons or other organisations")

APPLICANT_COLUMNS: tuple[ColumnSpec, ...] = (
    _count("natural_person", "自然人", "Natural person"),
    _count("commercial_enterprise", "商业企业", "Commercial enterprise", group=_ORGANISATIONS),
    _count("research_institution", "科研机构", "Research institution", group=_ORGANISATIONS),
    _count(
        "social_welfare_org", "社会公益组织", "Social welfare organisation", group=_ORGANISATIONS
    ),
    _count("legal_service_agency", "法律服务机构", "Legal service agency", group=_ORGANISATIONS),
    _count("other_org", "其他", "Other organisation", group=_ORGANISATIONS),
)
_APPLICATION_COLUMNS = (*APPLICANT_COLUMNS, _count("total", "总计", "Total", is_total=True))

_RESULTS = Label("三、本年度办理结果", "III. Results of handling this year")
_WITHHELD = Label("（三）不予公开", "(3) Not disclosed")
_UNAVAILABLE = Label("（四）无法提供", "(4) Cannot be provided")
_NOT_PROCESSED = Label("（五）不予处理", "(5) Not processed")
_OTHER_HANDLING = Label("（六）其他处理", "(6) Other handling")


def _application_row(
    key: str, zh: str, en: str, role: RowRole, *groups: Label, short: Label | None = None
) -> RowSpec:
    return RowSpec(key, Label(zh, en), _APPLICATION_COLUMNS, groups=groups, role=role, short=short)


def _result(
    key: str,
    zh: str,
    en: str,
    *groups: Label,
    short: Label | None = None,
    role: RowRole = RowRole.RESULT,
) -> RowSpec:
    return _application_row(key, zh, en, role, _RESULTS, *groups, short=short)


def _applications(other_rows: tuple[RowSpec, ...]) -> SectionSpec:
    return SectionSpec(
        "applications",
        Label(
            "三、收到和处理政府信息公开申请情况",
            "III. Applications for government information received and handled",
        ),
        (
            _application_row(
                "new_received",
                "一、本年新收政府信息公开申请数量",
                "New applications received this year",
                RowRole.INTAKE,
                short=Label("本年新收", "new received"),
            ),
            _application_row(
                "carried_over",
                "二、上年结转政府信息公开申请数量",
                "Applications carried over from the previous year",
                RowRole.INTAKE,
                short=Label("上年结转", "carried over"),
            ),
            _result("granted", "（一）予以公开", "Disclosed"),
            _result(
                "partially_granted",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "Partially disclosed (when separated, counted here only)",
                short=Label("部分公开", "Partially disclosed"),
            ),
            _result("withheld_state_secret", "1.属于国家秘密", "State secret", _WITHHELD),
            _result(
                "withheld_prohibited_by_law",
                "2.其他法律行政法规禁止公开",
                "Prohibited by other laws and administrative regulations",
                _WITHHELD,
            ),
            _result(
                "withheld_security_stability",
                "3.危及“三安全一稳定”",
                "Endangers national, public or economic security or social stability",
                _WITHHELD,
            ),
            _result(
                "withheld_third_party_rights",
                "4.保护第三方合法权益",
                "Protects a third party's lawful rights and interests",
                _WITHHELD,
            ),
            _result(
                "withheld_internal_affairs",
                "5.属于三类内部事务信息",
                "Internal affairs information",
                _WITHHELD,
            ),
            _result(
                "withheld_process_information",
                "6.属于四类过程性信息",
                "Process information",
                _WITHHELD,
            ),
            _result(
                "withheld_enforcement_files",
                "7.属于行政执法案卷",
                "Administrative enforcement case files",
                _WITHHELD,
            ),
            _result(
                "withheld_administrative_inquiry",
                "8.属于行政查询事项",
                "Administrative inquiry matters",
                _WITHHELD,
            ),
            _result(
                "unavailable_not_held",
                "1.本机关不掌握相关政府信息",
                "The agency does not hold the information",
                _UNAVAILABLE,
            ),
            _result(
                "unavailable_needs_creation",
                "2.没有现成信息需要另行制作",
                "No existing information; it would have to be created",
                _UNAVAILABLE,
            ),
            _result(
                "unavailable_unclear_after_correction",
                "3.补正后申请内容仍不明确",
                "Request still unclear after correction",
                _UNAVAILABLE,
            ),
            _result(
                "not_processed_complaint",
                "1.信访举报投诉类申请",
                "Petition, report or complaint",
                _NOT_PROCESSED,
            ),
            _result(
                "not_processed_duplicate", "2.重复申请", "Duplicate application", _NOT_PROCESSED
            ),
            _result(
                "not_processed_publication",
                "3.要求提供公开出版物",
                "Request for published material",
                _NOT_PROCESSED,
            ),
            _result(
                "not_processed_excessive",
                "4.无正当理由大量反复申请",
                "Numerous repeated applications without good reason",
                _NOT_PROCESSED,
            ),
            _result(
                "not_processed_confirmation",
                "5.要求行政机关确认或重新出具已获取信息",
                "Request to confirm or re-issue information already obtained",
                _NOT_PROCESSED,
            ),
            *other_rows,
            _application_row(
                "results_total",
                "（七）总计",
                "Total of results",
                RowRole.RESULTS_TOTAL,
                _RESULTS,
                short=Label("办理结果总计", "results total"),
            ),
            _application_row(
                "carried_forward",
                "四、结转下年度继续办理",
                "Carried forward to next year",
                RowRole.CARRIED_FORWARD,
                short=Label("结转下年度", "carried forward"),
            ),
        ),
    )


_OTHER_ROW = Label("（六）其他处理", "Other handling")


def _reviews() -> SectionSpec:
    columns = (
        _count("upheld", "结果维持", "Upheld"),
        _count("corrected", "结果纠正", "Corrected"),
        _count("other", "其他结果", "Other outcome"),
        _count("pending", "尚未审结", "Pending"),
        _count("total", "总计", "Total", is_total=True),
    )
    litigation = Label("行政诉讼", "Administrative litigation")
    return SectionSpec(
        "reviews",
        Label(
            "四、政府信息公开行政复议、行政诉讼情况",
            "IV. Administrative reviews and litigation over disclosure",
        ),
        (
            RowSpec("review", Label("行政复议", "Administrative review"), columns),
            RowSpec(
                "litigation_direct",
                Label("未经复议直接起诉", "Filed without prior review"),
                columns,
                groups=(litigation,),
                short=Label("行政诉讼（未经复议直接起诉）", "Litigation without prior review"),
            ),
            RowSpec(
                "litigation_after_review",
                Label("复议后起诉", "Filed after review"),
                columns,
                groups=(litigation,),
                short=Label("行政诉讼（复议后起诉）", "Litigation after review"),
            ),
        ),
    )


_PROACTIVE_LABEL = Label("二、主动公开政府信息情况", "II. Proactive disclosure")

# ---------------------------------------------------------------------------------------------
# 国办公开办函〔2019〕60号

_ITEMS_COLUMNS_2019 = (
    _count("previous_items", "上一年项目数量", "Items in the previous year"),
    ColumnSpec("change", Label("本年增/减", "Change this year"), ValueKind.CHANGE),
    _count("decisions", "处理决定数量", "Decisions made"),
)
_DOCUMENT_COLUMNS_2019 = (
    _count("made", "本年新制作数量", "Newly made this year"),
    _count("published", "本年新公开数量", "Newly published this year"),
    _count("total_public", "对外公开总数量", "Total publicly available"),
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
                    caption=_ARTICLE_20_1,
                ),
                RowSpec(
                    "normative_documents",
                    Label("规范性文件", "Normative documents"),
                    _DOCUMENT_COLUMNS_2019,
                    caption=_ARTICLE_20_1,
                ),
                RowSpec(
                    "licensing",
                    Label("行政许可", "Administrative licensing"),
                    _ITEMS_COLUMNS_2019,
                    caption=_ARTICLE_20_5,
                ),
                RowSpec(
                    "other_services",
                    Label("其他对外管理服务事项", "Other external administrative services"),
                    _ITEMS_COLUMNS_2019,
                    caption=_ARTICLE_20_5,
                ),
                RowSpec(
                    "penalties",
                    Label("行政处罚", "Administrative penalties"),
                    _ITEMS_COLUMNS_2019,
                    caption=_ARTICLE_20_6,
                ),
                RowSpec(
                    "coercion",
                    Label("行政强制", "Administrative coercion"),
                    _ITEMS_COLUMNS_2019,
                    caption=_ARTICLE_20_6,
                ),
                RowSpec(
                    "fees",
                    Label("行政事业性收费", "Administrative fees"),
                    _ITEMS_COLUMNS_2019[:2],
                    caption=_ARTICLE_20_8,
                ),
                RowSpec(
                    "procurement",
                    Label("政府集中采购", "Centralised government procurement"),
                    (
                        _count("projects", "采购项目数量", "Procurement projects"),
                        ColumnSpec(
                            "amount",
                            Label("采购总金额", "Total procurement amount (10,000 yuan)"),
                            ValueKind.AMOUNT,
                        ),
                    ),
                    caption=_ARTICLE_20_9,
                ),
            ),
        ),
        _applications((_result("other", "（六）其他处理", "Other handling"),)),
        _reviews(),
    ),
)

# ---------------------------------------------------------------------------------------------
# 国办公开办函〔2021〕30号

_DOCUMENT_COLUMNS_2021 = (
    _count("issued", "本年制发件数", "Issued this year"),
    _count("repealed", "本年废止件数", "Repealed this year"),
    _count("in_force", "现行有效件数", "Currently in force"),
)
_DECISIONS_2021 = (_count("decisions", "本年处理决定数量", "Decisions this year"),)

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
                    caption=_ARTICLE_20_1,
                ),
                RowSpec(
                    "normative_documents",
                    Label("行政规范性文件", "Administrative normative documents"),
                    _DOCUMENT_COLUMNS_2021,
                    caption=_ARTICLE_20_1,
                ),
                RowSpec(
                    "licensing",
                    Label("行政许可", "Administrative licensing"),
                    _DECISIONS_2021,
                    caption=_ARTICLE_20_5,
                ),
                RowSpec(
                    "penalties",
                    Label("行政处罚", "Administrative penalties"),
                    _DECISIONS_2021,
                    caption=_ARTICLE_20_6,
                ),
                RowSpec(
                    "coercion",
                    Label("行政强制", "Administrative coercion"),
                    _DECISIONS_2021,
                    caption=_ARTICLE_20_6,
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
                    caption=_ARTICLE_20_8,
                ),
            ),
        ),
        _applications(
            (
                _result(
                    "other",
                    "（六）其他处理",
                    "Other handling (subtotal)",
                    role=RowRole.RESULT_SUBTOTAL,
                    short=_OTHER_ROW,
                ),
                _result(
                    "other_no_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "Applicant did not correct the request in time without good reason; "
                    "no longer processed",
                    _OTHER_HANDLING,
                    role=RowRole.RESULT_PART,
                    short=Label("逾期不补正", "not corrected in time"),
                ),
                _result(
                    "other_fee_unpaid",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                    "Applicant did not pay the fee in time; no longer processed",
                    _OTHER_HANDLING,
                    role=RowRole.RESULT_PART,
                    short=Label("逾期未缴费", "fee not paid in time"),
                ),
                _result(
                    "other_misc",
                    "3.其他",
                    "Other",
                    _OTHER_HANDLING,
                    role=RowRole.RESULT_PART,
                    short=Label("其他", "other"),
                ),
            )
        ),
        _reviews(),
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
