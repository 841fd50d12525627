"""Response models of the reports API; report bodies come from app.formats.schema."""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, Field, ValidationError
from pydantic import create_model as _create_model

from app.errors import SchemaValidationError
from app.formats.problems import schema_problems
from app.formats.rules import Finding
from app.formats.schema import REPORT_MODELS, ReportBase
from app.types import UNIT_FINDINGS, AgencyCode, Year, in_unit

WrittenBy = Annotated[
    str,
    Field(
        description="Who wrote the revision: `admin`, or `key:<key_id>` for an agency key "
        "(just `key` for callers who may not see the agency's unpublished data).",
        examples=["key:3f9a1c2b4d5e6f70"],
    ),
]


class RevisionMeta(BaseModel):
    """Where a stored revision belongs and who wrote it, beside the report body."""

    agency_code: str = Field(description="The agency the report belongs to.", examples=["640181"])
    year: int = Field(description="The report year (the statistics period).", examples=[2020])
    revision: int = Field(description="Revision number, 1 for the first write.", examples=[1])
    written_by: WrittenBy
    written_at: datetime = Field(description="When this revision was stored (UTC).")
    error_count: int = Field(
        json_schema_extra=in_unit(UNIT_FINDINGS),
        description="Error findings of this revision.",
        examples=[0],
    )
    warning_count: int = Field(
        json_schema_extra=in_unit(UNIT_FINDINGS),
        description="Warning findings of this revision.",
        examples=[0],
    )
    findings: list[Finding] = Field(
        description="Every rule finding of this revision, errors and warnings."
    )
    computed_cells: list[str] = Field(
        description="JSON Pointers of the cells the service computed rather than the agency "
        "gave (omitted or blank totals), in format order; empty for revisions stored before "
        "the service recorded them.",
        examples=[["/applications/granted/total", "/applications/results_total/total"]],
    )


def _stored_model(format_id: str, body_model: type[ReportBase]) -> type[ReportBase]:
    return _create_model(
        f"StoredReport{format_id}",
        __base__=(body_model, RevisionMeta),  # type: ignore[arg-type]
        __module__=__name__,
        __doc__=f"A stored revision of a report in format {format_id}, with its findings.",
    )


STORED_MODELS: Mapping[str, type[ReportBase]] = {
    format_id: _stored_model(format_id, model) for format_id, model in REPORT_MODELS.items()
}

if TYPE_CHECKING:
    StoredReportOut: TypeAlias = ReportBase
else:
    StoredReportOut = Annotated[
        functools.reduce(operator.or_, STORED_MODELS.values()), Field(discriminator="format")
    ]


class RevisionSummary(BaseModel):
    """One entry of a report's revision history."""

    revision: int = Field(description="Revision number.", examples=[2])
    format: str = Field(description="Report format of the revision.", examples=["2019"])
    status: str = Field(
        description="Status the revision was stored with: draft, submitted or published.",
        examples=["published"],
    )
    scope: str = Field(description="`agency` or `consolidated`.", examples=["agency"])
    written_by: WrittenBy
    written_at: datetime = Field(description="When the revision was stored (UTC).")
    error_count: int = Field(
        json_schema_extra=in_unit(UNIT_FINDINGS), description="Error findings.", examples=[0]
    )
    warning_count: int = Field(
        json_schema_extra=in_unit(UNIT_FINDINGS), description="Warning findings.", examples=[1]
    )


class RevisionList(BaseModel):
    """A report's revisions; callers who see published data only get published ones."""

    agency_code: str = Field(description="The agency.", examples=["640181"])
    year: int = Field(description="The report year.", examples=[2020])
    items: list[RevisionSummary] = Field(description="Revisions, oldest first.")


class ReportListItem(BaseModel):
    """One year of an agency's reports, as the caller may see it."""

    year: int = Field(description="The report year.", examples=[2020])
    format: str = Field(description="Format of the visible revision.", examples=["2019"])
    status: str = Field(
        description="Status of the visible revision: draft, submitted or published.",
        examples=["published"],
    )
    scope: str = Field(description="`agency` or `consolidated`.", examples=["agency"])
    revision: int = Field(description="The visible revision.", examples=[1])
    latest_revision: int | None = Field(
        description="The newest revision, published or not (null for callers who see "
        "published data only).",
        examples=[2],
    )
    published_revision: int | None = Field(
        description="The newest published revision.", examples=[1]
    )
    error_count: int = Field(
        json_schema_extra=in_unit(UNIT_FINDINGS),
        description="Error findings of the visible revision.",
        examples=[0],
    )
    warning_count: int = Field(
        json_schema_extra=in_unit(UNIT_FINDINGS),
        description="Warning findings of the visible revision.",
        examples=[0],
    )
    updated_at: datetime = Field(description="When the report last changed (UTC).")


class ReportList(BaseModel):
    """An agency's reports, one entry per year."""

    agency_code: str = Field(description="The agency.", examples=["640181"])
    items: list[ReportListItem] = Field(description="The agency's reports, by year.")


class ValidationResult(BaseModel):
    """The outcome of `POST /validate`: nothing is stored."""

    valid: bool = Field(description="True when no finding is an error.", examples=[False])
    format: str = Field(description="The format the body was checked against.", examples=["2019"])
    findings: list[Finding] = Field(description="Every finding, errors and warnings.")


class PostTarget(BaseModel):
    """The year a POSTed report is for (the rest of the body is the report)."""

    year: Year

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> int:
        """Take ``year`` out of ``payload`` (which keeps the report)."""
        try:
            return cls.model_validate({"year": payload.pop("year", None)}).year
        except ValidationError as error:
            raise SchemaValidationError(schema_problems(error.errors(include_url=False))) from None


class ValidateTarget(BaseModel):
    """The agency and year a body is validated for (the rest of the body is the report)."""

    agency_code: AgencyCode
    year: Year

    @classmethod
    def parse(cls, payload: dict[str, Any]) -> ValidateTarget:
        """Take ``agency_code`` and ``year`` out of ``payload`` (which keeps the report)."""
        values = {key: payload.pop(key, None) for key in ("agency_code", "year")}
        try:
            return cls.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as error:
            raise SchemaValidationError(schema_problems(error.errors(include_url=False))) from None


def _validate_request_model(format_id: str, body_model: type[ReportBase]) -> type[ReportBase]:
    return _create_model(
        f"ValidateRequest{format_id}",
        __base__=body_model,
        __module__=__name__,
        __doc__=f"A report in format {format_id} with the agency and year it is checked for.",
        agency_code=(
            AgencyCode,
            Field(
                description="The agency whose earlier reports feed the cross-year rules.",
                examples=["640181"],
            ),
        ),
        year=(
            Year,
            Field(description="The report year.", examples=[2020]),
        ),
    )


def _post_report_model(format_id: str, body_model: type[ReportBase]) -> type[ReportBase]:
    return _create_model(
        f"PostReport{format_id}",
        __base__=body_model,
        __module__=__name__,
        __doc__=f"A report in format {format_id} with the year it is for.",
        year=(Year, Field(description="The report year.", examples=[2020])),
    )


POST_MODELS = {
    format_id: _post_report_model(format_id, model) for format_id, model in REPORT_MODELS.items()
}
if TYPE_CHECKING:
    PostReportBody: TypeAlias = ReportBase
else:
    # Documentation only, like ValidateRequestBody: the route reads the body itself.
    PostReportBody = Annotated[
        functools.reduce(operator.or_, POST_MODELS.values()), Field(discriminator="format")
    ]


VALIDATE_MODELS = {
    format_id: _validate_request_model(format_id, model)
    for format_id, model in REPORT_MODELS.items()
}
if TYPE_CHECKING:
    ValidateRequestBody: TypeAlias = ReportBase
else:
    # Documentation only: the route reads the body itself (format defaults from the year).
    ValidateRequestBody = Annotated[
        functools.reduce(operator.or_, VALIDATE_MODELS.values()), Field(discriminator="format")
    ]


SectionName = Literal["proactive", "applications", "reviews", "narrative"]
