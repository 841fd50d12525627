"""Request and response bodies of the agency and key endpoints, and their reusable types."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.agencies.models import Agency, ApiKey
from app.types import UNIT_AGENCIES, AgencyCode, UtcDatetime, deprecated_for, displayable, in_unit

"""The code an agency is known by in URLs, reports and imports."""

AgencyName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(displayable),
    Field(description="Official Chinese name of the agency.", examples=["灵武市"]),
]
"""A non-blank name; surrounding whitespace pasted from spreadsheets is dropped."""

KeyLabel = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(displayable),
    Field(
        description="Note for the administrator: who holds the key, what it is for.",
        examples=["白土岗乡人民政府 办公室 2026"],
    ),
]


class AgencyKind(StrEnum):
    """Level of government or kind of body; informative, it grants nothing."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    DEPARTMENT = "department"
    OTHER = "other"


class AgencyCreate(BaseModel):
    """A new agency, as the administrator registers it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"code": "640181", "name": "灵武市", "parent_code": "640100", "kind": "county"}
            ]
        },
    )

    code: AgencyCode
    name: AgencyName
    parent_code: AgencyCode | None = Field(
        default=None,
        description="Code of the agency it reports to; omitted or null for a root.",
        examples=["640100"],
    )
    kind: AgencyKind | None = Field(
        default=None, description="Level of government or kind of body.", examples=["county"]
    )


class AgencyUpdate(BaseModel):
    """Changes to an agency; fields left out stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "灵武市", "parent_code": "640100"}]},
    )

    name: AgencyName | None = Field(
        default=None, description="New official name (null is refused).", examples=["灵武市"]
    )
    kind: AgencyKind | None = Field(
        default=None, description="New kind; null clears it.", examples=["county"]
    )
    parent_code: AgencyCode | None = Field(
        default=None,
        description="Code of the new parent; null makes the agency a root. Its whole subtree "
        "moves with it.",
        examples=["640100"],
    )

    @field_validator("name")
    @classmethod
    def name_is_not_cleared(cls, name: str | None) -> str:
        # Runs only for a name the caller sent: null would erase a required field.
        if name is None:
            raise ValueError("may be changed but not removed")
        return name


class AgencyRef(BaseModel):
    """Another agency, named briefly."""

    code: AgencyCode
    name: str = Field(description="Official name.", examples=["银川市"])


class AgencyChild(AgencyRef):
    """An agency directly below another."""

    kind: AgencyKind | None = Field(description="Kind of body.", examples=["township"])


class AgencyPublic(BaseModel):
    """An agency as listed."""

    code: AgencyCode
    name: str = Field(description="Official name.", examples=["灵武市"])
    kind: AgencyKind | None = Field(description="Kind of body, if known.", examples=["county"])
    parent_code: str | None = Field(
        description="Code of the agency it reports to; null for a root.", examples=["640100"]
    )
    depth: int = Field(description="Number of agencies above it: 0 for a root.", examples=[2])
    created_at: UtcDatetime = Field(
        description="When it was registered (UTC).", examples=["2026-11-27T05:13:31Z"]
    )
    updated_at: UtcDatetime = Field(
        description="When its name, kind or place in the hierarchy last changed (UTC).",
        examples=["2026-11-27T05:13:31Z"],
    )


class AgencyDetail(AgencyPublic):
    """An agency with the one above it and those directly below it."""

    parent: AgencyRef | None = Field(
        description="The agency it reports to; null for a root.",
        examples=[{"code": "640100", "name": "银川市"}],
    )
    children: list[AgencyChild] = Field(
        description="The agencies directly below it, ordered by code.",
        examples=[[{"code": "640181201", "name": "白土岗乡人民政府", "kind": "township"}]],
    )


class AgencyPage(BaseModel):
    """One page of agencies, ordered by code."""

    items: list[AgencyPublic] = Field(
        description="The agencies of this page.",
        examples=[
            [
                {
                    "code": "640181",
                    "name": "灵武市",
                    "kind": "county",
                    "parent_code": "640100",
                    "depth": 2,
                    "created_at": "2026-11-27T05:13:31Z",
                    "updated_at": "2026-11-27T05:13:31Z",
                }
            ]
        ],
    )
    total: int = Field(
        json_schema_extra=in_unit(UNIT_AGENCIES),
        description="Number of agencies matching the filters.",
        examples=[4],
    )
    limit: int = Field(description="Page size asked for.", examples=[100])
    offset: int = Field(description="Number of matching agencies skipped.", examples=[0])


class KeyCreate(BaseModel):
    """Options of a new key."""

    model_config = ConfigDict(extra="forbid")

    note: KeyLabel | None = Field(
        default=None,
        description="Note for the administrator: who holds the key, what it is for.",
        examples=["白土岗乡人民政府 办公室 2026"],
    )
    label: KeyLabel | None = Field(
        default=None,
        description="Deprecated: the same as `note` (removed in the next release).",
        examples=["白土岗乡人民政府 办公室 2026"],
        json_schema_extra=deprecated_for("note"),
    )

    @field_validator("label")
    @classmethod
    def _label_agrees_with_note(cls, label: str | None, info: ValidationInfo) -> str | None:
        note = info.data.get("note")
        if label is not None and note is not None and label != note:
            raise ValueError("is the deprecated spelling of `note`: send one of them")
        return label

    @property
    def note_text(self) -> str | None:
        """The note, under either spelling."""
        return self.note if self.note is not None else self.label


class KeyPublic(BaseModel):
    """An agency key as the administrator sees it later: never its secret."""

    key_id: str = Field(
        description="Public identifier of the key (the part after `dsk_`).",
        examples=["3f9c2a7b1d4e6f80"],
    )
    note: str | None = Field(
        description="The administrator's note.", examples=["白土岗乡人民政府 办公室 2026"]
    )
    label: str | None = Field(
        description="Deprecated: the same as `note` (removed in the next release).",
        examples=["白土岗乡人民政府 办公室 2026"],
        json_schema_extra=deprecated_for("note"),
    )
    created_at: UtcDatetime = Field(
        description="When it was issued (UTC).", examples=["2026-11-27T05:13:31Z"]
    )
    revoked_at: UtcDatetime | None = Field(
        description="When it was revoked (UTC); null while it is valid.", examples=[None]
    )
    last_used_at: UtcDatetime | None = Field(
        description="Last authenticated request, to the minute (UTC); null if never used.",
        examples=["2026-11-28T01:02:00Z"],
    )


class KeyIssued(BaseModel):
    """A new agency key. `key` is shown this once: only a hash of it is stored."""

    key_id: str = Field(description="Public identifier of the key.", examples=["3f9c2a7b1d4e6f80"])
    key: str = Field(
        description="The bearer token: send `Authorization: Bearer <key>`. Store it now.",
        examples=["dsk_3f9c2a7b1d4e6f80_Qm9vS2V5U2VjcmV0SXNSYW5kb21BbmQzMkJ5dGVzTG9u"],
    )
    agency_code: AgencyCode
    note: str | None = Field(
        description="The administrator's note.", examples=["白土岗乡人民政府 办公室 2026"]
    )
    label: str | None = Field(
        description="Deprecated: the same as `note` (removed in the next release).",
        examples=["白土岗乡人民政府 办公室 2026"],
        json_schema_extra=deprecated_for("note"),
    )
    created_at: UtcDatetime = Field(
        description="When it was issued (UTC).", examples=["2026-11-27T05:13:31Z"]
    )


def agency_public(agency: Agency, parent_code: str | None) -> AgencyPublic:
    return AgencyPublic(
        code=agency.code,
        name=agency.name,
        kind=_kind(agency.kind),
        parent_code=parent_code,
        depth=agency.depth,
        created_at=agency.created_at,
        updated_at=agency.updated_at,
    )


def agency_detail(agency: Agency, parent: Agency | None, children: list[Agency]) -> AgencyDetail:
    return AgencyDetail(
        **agency_public(agency, parent.code if parent else None).model_dump(),
        parent=AgencyRef(code=parent.code, name=parent.name) if parent else None,
        children=[
            AgencyChild(code=child.code, name=child.name, kind=_kind(child.kind))
            for child in children
        ],
    )


def key_public(api_key: ApiKey) -> KeyPublic:
    return KeyPublic(
        key_id=api_key.key_id,
        note=api_key.label,
        label=api_key.label,
        created_at=api_key.created_at,
        revoked_at=api_key.revoked_at,
        last_used_at=api_key.last_used_at,
    )


def _kind(value: str | None) -> AgencyKind | None:
    return AgencyKind(value) if value is not None else None
