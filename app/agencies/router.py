"""HTTP endpoints of agencies and their keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from sqlmodel import Session

from app.agencies import keys, service
from app.agencies.dependencies import AdminAgencyDep, AdminDep, AgencyReadDep, CallerDep
from app.agencies.models import Agency
from app.agencies.schemas import (
    AgencyCreate,
    AgencyDetail,
    AgencyPage,
    AgencyUpdate,
    KeyCreate,
    KeyIssued,
    KeyPublic,
    agency_detail,
    agency_public,
    key_public,
)
from app.db import SessionDep
from app.errors import problem_responses
from app.http.json_body import model_request_body, strict_model_body
from app.types import AgencyCode

router = APIRouter(prefix="/api/v1", tags=["agencies"])

PAGE_LIMIT_DEFAULT = 100
PAGE_LIMIT_MAX = 500


@router.post(
    "/agencies",
    status_code=201,
    summary="Register an agency",
    responses=problem_responses(401, 403, 409, 422),
    openapi_extra=model_request_body(AgencyCreate),
)
def create_agency(
    _admin: AdminDep,
    session: SessionDep,
    request: Request,
    response: Response,
    body: Annotated[AgencyCreate, strict_model_body(AgencyCreate)],
) -> AgencyDetail:
    """Administrator only. The code is the agency's identity for good: choose a stable one."""
    agency = service.create_agency(
        session, code=body.code, name=body.name, parent_code=body.parent_code, kind=body.kind
    )
    response.headers["Location"] = str(request.app.url_path_for("get_agency", code=agency.code))
    return _detail(session, agency)


@router.get(
    "/agencies",
    summary="List agencies",
    responses=problem_responses(401, 422),
)
def list_agencies(
    session: SessionDep,
    _caller: CallerDep,
    parent: Annotated[
        AgencyCode | None, Query(description="Only the agencies directly below this one.")
    ] = None,
    root: Annotated[
        bool, Query(description="`true`: only the roots (agencies with no parent).")
    ] = False,
    under: Annotated[
        AgencyCode | None,
        Query(description="Only the agencies anywhere below this one (not itself)."),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=PAGE_LIMIT_MAX, description="Page size.")
    ] = PAGE_LIMIT_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Matching agencies to skip.")] = 0,
) -> AgencyPage:
    """Ordered by code. Filters combine: `parent=640100&under=640000` is the children of 银川市."""
    listing = service.list_agencies(
        session, parent_code=parent, roots_only=root, under_code=under, limit=limit, offset=offset
    )
    return AgencyPage(
        items=[agency_public(agency, parent_code) for agency, parent_code in listing.items],
        total=listing.total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/agencies/{code}",
    summary="One agency, with its parent and children",
    responses=problem_responses(401, 404),
)
def get_agency(access: AgencyReadDep, session: SessionDep) -> AgencyDetail:
    return _detail(session, access.agency)


@router.patch(
    "/agencies/{code}",
    summary="Rename, reclassify or move an agency",
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=model_request_body(AgencyUpdate),
)
def update_agency(
    agency: AdminAgencyDep,
    session: SessionDep,
    body: Annotated[AgencyUpdate, strict_model_body(AgencyUpdate)],
) -> AgencyDetail:
    """Administrator only. Moving an agency (`parent_code`) moves everything below it; moving
    it under itself or one of its descendants is refused with 409."""
    changes = body.model_fields_set
    agency = service.update_agency(
        session,
        agency=agency,
        name=body.name,
        kind=body.kind if "kind" in changes else service.UNSET,
        parent_code=body.parent_code if "parent_code" in changes else service.UNSET,
    )
    return _detail(session, agency)


@router.post(
    "/agencies/{code}/keys",
    status_code=201,
    summary="Issue a key for an agency",
    responses=problem_responses(401, 403, 404, 422),
    openapi_extra=model_request_body(KeyCreate, required=False),
)
def issue_key(
    agency: AdminAgencyDep,
    session: SessionDep,
    request: Request,
    body: Annotated[KeyCreate | None, strict_model_body(KeyCreate, required=False)],
) -> KeyIssued:
    """Administrator only. The key in the response is shown this once: only a hash of it is
    stored. It acts on this agency and every agency below it."""
    issued = keys.issue_key(
        session,
        agency=agency,
        key_secret=request.app.state.key_secret,
        label=body.note_text if body else None,
    )
    return KeyIssued(
        key_id=issued.api_key.key_id,
        key=issued.token,
        agency_code=agency.code,
        note=issued.api_key.label,
        label=issued.api_key.label,
        created_at=issued.api_key.created_at,
    )


@router.get(
    "/agencies/{code}/keys",
    summary="List an agency's keys (never their secrets)",
    responses=problem_responses(401, 403, 404),
)
def list_keys(agency: AdminAgencyDep, session: SessionDep) -> list[KeyPublic]:
    """Administrator only. Revoked keys included, oldest first."""
    return [key_public(api_key) for api_key in keys.list_keys(session, agency=agency)]


@router.delete(
    "/agencies/{code}/keys/{key_id}",
    status_code=204,
    summary="Revoke a key",
    responses=problem_responses(401, 403, 404),
)
def revoke_key(
    agency: AdminAgencyDep,
    key_id: Annotated[str, Path(description="Id of the key.", examples=["3f9c2a7b1d4e6f80"])],
    session: SessionDep,
) -> None:
    """Administrator only. Takes effect on the next request made with the key. Revoking a
    revoked key again succeeds (204) and keeps its first revocation time; a key of another
    agency is 404."""
    keys.revoke_key(session, agency=agency, key_id=key_id)


def _detail(session: Session, agency: Agency) -> AgencyDetail:
    family = service.get_family(session, agency=agency)
    return agency_detail(agency, family.parent, family.children)
