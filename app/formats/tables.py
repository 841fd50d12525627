"""The tables both national formats share: 三 (applications) and 四 (reviews and litigation)."""

from __future__ import annotations

from app.formats.spec import ColumnSpec, Label, RowRole, RowSpec, SectionSpec, ValueKind


def count_column(
    key: str, zh: str, en: str, *, is_total: bool = False, group: Label | None = None
) -> ColumnSpec:
    return ColumnSpec(key, Label(zh, en), ValueKind.COUNT, is_total, group)


ARTICLE_20_1 = Label("第二十条第（一）项", "Article 20(1)")
ARTICLE_20_5 = Label("第二十条第（五）项", "Article 20(5)")
ARTICLE_20_6 = Label("第二十条第（六）项", "Article 20(6)")
ARTICLE_20_8 = Label("第二十条第（八）项", "Article 20(8)")
ARTICLE_20_9 = Label("第二十条第（九）项", "Article 20(9)")

_ORGANISATIONS = Label("法人或其他组织", "Legal persons or other organisations")

APPLICANT_COLUMNS: tuple[ColumnSpec, ...] = (
    count_column("natural_person", "自然人", "Natural person"),
    count_column(
        "commercial_enterprise", "商业企业", "Commercial enterprise", group=_ORGANISATIONS
    ),
    count_column("research_institution", "科研机构", "Research institution", group=_ORGANISATIONS),
    count_column(
        "social_welfare_org", "社会公益组织", "Social welfare organisation", group=_ORGANISATIONS
    ),
    count_column(
        "legal_service_agency", "法律服务机构", "Legal service agency", group=_ORGANISATIONS
    ),
    count_column("other_org", "其他", "Other organisation", group=_ORGANISATIONS),
)
_APPLICATION_COLUMNS = (*APPLICANT_COLUMNS, count_column("total", "总计", "Total", is_total=True))

_RESULTS = Label("三、本年度办理结果", "III. Results of handling this year")
_WITHHELD = Label("（三）不予公开", "(3) Not disclosed")
_UNAVAILABLE = Label("（四）无法提供", "(4) Cannot be provided")
_NOT_PROCESSED = Label("（五）不予处理", "(5) Not processed")
OTHER_HANDLING = Label("（六）其他处理", "(6) Other handling")


def _application_row(
    key: str, zh: str, en: str, role: RowRole, *groups: Label, short: Label | None = None
) -> RowSpec:
    return RowSpec(key, Label(zh, en), _APPLICATION_COLUMNS, groups=groups, role=role, short=short)


def result_row(
    key: str,
    zh: str,
    en: str,
    *groups: Label,
    short: Label | None = None,
    role: RowRole = RowRole.RESULT,
) -> RowSpec:
    return _application_row(key, zh, en, role, _RESULTS, *groups, short=short)


def applications_section(other_rows: tuple[RowSpec, ...]) -> SectionSpec:
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
            result_row("granted", "（一）予以公开", "Disclosed"),
            result_row(
                "partially_granted",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "Partially disclosed (when separated, counted here only)",
                short=Label("部分公开", "Partially disclosed"),
            ),
            result_row("withheld_state_secret", "1.属于国家秘密", "State secret", _WITHHELD),
            result_row(
                "withheld_prohibited_by_law",
                "2.其他法律行政法规禁止公开",
                "Prohibited by other laws and administrative regulations",
                _WITHHELD,
            ),
            result_row(
                "withheld_security_stability",
                "3.危及“三安全一稳定”",
                "Endangers national, public or economic security or social stability",
                _WITHHELD,
            ),
            result_row(
                "withheld_third_party_rights",
                "4.保护第三方合法权益",
                "Protects a third party's lawful rights and interests",
                _WITHHELD,
            ),
            result_row(
                "withheld_internal_affairs",
                "5.属于三类内部事务信息",
                "Internal affairs information",
                _WITHHELD,
            ),
            result_row(
                "withheld_process_information",
                "6.属于四类过程性信息",
                "Process information",
                _WITHHELD,
            ),
            result_row(
                "withheld_enforcement_files",
                "7.属于行政执法案卷",
                "Administrative enforcement case files",
                _WITHHELD,
            ),
            result_row(
                "withheld_administrative_inquiry",
                "8.属于行政查询事项",
                "Administrative inquiry matters",
                _WITHHELD,
            ),
            result_row(
                "unavailable_not_held",
                "1.本机关不掌握相关政府信息",
                "The agency does not hold the information",
                _UNAVAILABLE,
            ),
            result_row(
                "unavailable_needs_creation",
                "2.没有现成信息需要另行制作",
                "No existing information; it would have to be created",
                _UNAVAILABLE,
            ),
            result_row(
                "unavailable_unclear_after_correction",
                "3.补正后申请内容仍不明确",
                "Request still unclear after correction",
                _UNAVAILABLE,
            ),
            result_row(
                "not_processed_complaint",
                "1.信访举报投诉类申请",
                "Petition, report or complaint",
                _NOT_PROCESSED,
            ),
            result_row(
                "not_processed_duplicate", "2.重复申请", "Duplicate application", _NOT_PROCESSED
            ),
            result_row(
                "not_processed_publication",
                "3.要求提供公开出版物",
                "Request for published material",
                _NOT_PROCESSED,
            ),
            result_row(
                "not_processed_excessive",
                "4.无正当理由大量反复申请",
                "Numerous repeated applications without good reason",
                _NOT_PROCESSED,
            ),
            result_row(
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


OTHER_ROW = Label("（六）其他处理", "Other handling")


def reviews_section() -> SectionSpec:
    columns = (
        count_column("upheld", "结果维持", "Upheld"),
        count_column("corrected", "结果纠正", "Corrected"),
        count_column("other", "其他结果", "Other outcome"),
        count_column("pending", "尚未审结", "Pending"),
        count_column("total", "总计", "Total", is_total=True),
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
