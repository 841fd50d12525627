"""Who is calling, and what they may do: every authorization decision of the service.

Three kinds of caller (see the contract): the administrator (the admin token), an agency key
(acts on its own agency and every agency below it) and anonymous (reads published data).

Routes declare what they need with one alias:

    CallerDep        whoever calls; 401 only for a malformed, unknown or revoked token
    AdminDep         the administrator                         401 anonymous, 403 agency key
    AdminAgencyDep   the administrator, then the {code} agency  401, 403, then 404
    AgencyWriteDep   the {code} agency, for the administrator or a key of that agency or one
                     above it                                   401 anonymous, 404, then 403
    BatchWriterDep   any valid token; every item of the batch is authorized on its own
                     with authorize_write_on, the check AgencyWriteDep makes
    AgencyReadDep    the {code} agency and whether the caller may see unpublished data   404
    report_access()  the same for the {code}/{year} report, found with the agency in one
                     query on the caller's connection (the section GET, the hottest read,
                     keeps one connection and one thread-pool hop per request)            404

Order of checks: a bad token is refused before anything is looked up, an anonymous caller of
a write route before the agency is loaded (so nobody learns more than "log in"); agency codes
are public, so an unknown agency answers 404 before a key is refused with 403.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.agencies.keys import authenticate_key, record_use
from app.agencies.models import Agency, ApiKey
from app.agencies.paths import path_is_within
from app.agencies.service import get_agency_by_code
from app.db import SessionDep, run_read
from app.errors import ForbiddenError, UnauthorizedError, problem_responses
from app.http.ratelimit import RateLimits
from app.reports.section_read import ReportHead, find_report_head
from app.types import AgencyCodePath

BEARER = HTTPBearer(
    auto_error=False,
    bearerFormat="admin token or dsk_<key_id>_<secret>",
    description="The administrator's token, or an agency key issued by "
    "`POST /api/v1/agencies/{code}/keys`. Without a token the caller is anonymous.",
)

# The checks below do no I/O: as coroutines they run on the event loop instead of costing a
# thread-pool round trip each (FastAPI runs every plain `def` dependency in the pool).
_Dependency = TypeVar("_Dependency", bound=Callable[..., Any])

AUTHORIZATION_DEPENDENCIES: set[Callable[..., Any]] = set()
"""The dependencies that refuse callers; every write route must depend on one of them."""


def _authorization(dependency: _Dependency) -> _Dependency:
    AUTHORIZATION_DEPENDENCIES.add(dependency)
    return dependency


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one request."""

    kind: Literal["admin", "agency", "anonymous"]
    agency: Agency | None = None
    key: ApiKey | None = None

    def may_act_on(self, agency: Agency) -> bool:
        """The administrator, or a key of ``agency`` or of an agency above it."""
        return self.may_act_on_path(agency.path)

    @property
    def bucket(self) -> str:
        """The rate-limit bucket of an authenticated caller: one per key, whatever the spelling
        of the header that carried it."""
        return "admin" if self.kind == "admin" else f"key:{self.key.key_id if self.key else ''}"

    def private_path(self) -> str | None:
        """The subtree whose unpublished data the caller may see: "" for every agency (the
        administrator), its agency's path for a key, None for none (anonymous)."""
        if self.kind == "admin":
            return ""
        return self.agency.path if self.agency is not None else None

    def may_act_on_path(self, agency_path: str) -> bool:
        """``may_act_on`` for a read that fetched the agency's path alone, not the Agency."""
        if self.kind == "admin":
            return True
        return self.agency is not None and path_is_within(agency_path, self.agency.path)


ANONYMOUS = Caller(kind="anonymous")


@dataclass(frozen=True)
class AgencyAccess:
    """The agency of the request path, who asks for it, and what they may see of it."""

    agency: Agency
    caller: Caller
    may_see_unpublished: bool


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> Caller:
    limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
    try:
        caller = await _authenticate(request, credentials)
    except UnauthorizedError:
        if limits is not None:  # made-up tokens are throttled per address, before a 401
            await _limit(limits, limits.check_failed_authentication, request.scope)
        raise
    if limits is not None and caller.kind != "anonymous":
        # Anonymous requests were limited per address already (app/http/ratelimit.py).
        await _limit(limits, limits.check_caller, caller.bucket)
    return caller


async def _limit(limits: RateLimits, check: Callable[[Any], None], argument: Any) -> None:
    if limits.callers.blocking:
        await run_in_threadpool(check, argument)
    else:
        check(argument)


async def _authenticate(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Caller:
    if credentials is None:
        # A header the bearer scheme cannot read is a client bug, not an anonymous request.
        if request.headers.get("Authorization"):
            raise UnauthorizedError("the Authorization header must be `Bearer <token>`")
        return ANONYMOUS
    token = credentials.credentials
    admin_token: str = request.app.state.admin_token
    if hmac.compare_digest(token.encode(), admin_token.encode()):
        return Caller(kind="admin")
    # Only an agency key needs the database: anonymous and admin calls stay on the event loop,
    # and open no Session at all (the section GET, the hottest route, needs none either).
    engine: Engine = request.app.state.engine
    return await run_in_threadpool(_key_caller, engine, token, request.app.state.key_secret)


def _key_caller(engine: Engine, token: str, key_secret: str) -> Caller:
    # Its own session and small transaction, committed before the route runs (never in a
    # teardown); the key and agency it returns keep their loaded attributes once it closes.
    with Session(engine, expire_on_commit=False) as session:
        api_key, agency = authenticate_key(session, token=token, key_secret=key_secret)
        record_use(session, api_key=api_key)
    return Caller(kind="agency", agency=agency, key=api_key)


CallerDep = Annotated[Caller, Depends(get_caller)]


@_authorization  # any valid key: what non-storing uploads (POST /imports) need
async def require_authenticated(caller: CallerDep) -> Caller:
    if caller.kind == "anonymous":
        raise UnauthorizedError("this operation needs a token")
    return caller


AuthenticatedDep = Annotated[Caller, Depends(require_authenticated)]


@_authorization
async def require_admin(caller: AuthenticatedDep) -> Caller:
    if caller.kind != "admin":
        raise ForbiddenError("only the administrator may do this")
    return caller


AdminDep = Annotated[Caller, Depends(require_admin)]


async def load_agency(code: AgencyCodePath, session: SessionDep) -> Agency:
    # Async, not a sync dependency: that would cost a thread hop even where the read does not.
    return await run_read(session.get_bind(), get_agency_by_code, session, code)


AgencyDep = Annotated[Agency, Depends(load_agency)]


@_authorization
async def require_admin_agency(_admin: AdminDep, agency: AgencyDep) -> Agency:
    return agency


AdminAgencyDep = Annotated[Agency, Depends(require_admin_agency)]


def authorize_write_on(caller: Caller, agency: Agency) -> AgencyAccess:
    """The write check of AgencyWriteDep, for an agency named in a body (a batch item)."""
    if not caller.may_act_on(agency):
        raise ForbiddenError(
            f"this key may act only on its own agency and those below it, not on {agency.code}"
        )
    return AgencyAccess(agency=agency, caller=caller, may_see_unpublished=True)


@_authorization
async def authorize_agency_write(caller: AuthenticatedDep, agency: AgencyDep) -> AgencyAccess:
    return authorize_write_on(caller, agency)


AgencyWriteDep = Annotated[AgencyAccess, Depends(authorize_agency_write)]


@_authorization
async def require_batch_writer(caller: AuthenticatedDep) -> Caller:
    """Any valid token may send a batch; each item is then checked by authorize_write_on."""
    return caller


BatchWriterDep = Annotated[Caller, Depends(require_batch_writer)]


async def authorize_agency_read(caller: CallerDep, agency: AgencyDep) -> AgencyAccess:
    # Reading never fails on authorization: others simply see published data only.
    return AgencyAccess(agency=agency, caller=caller, may_see_unpublished=caller.may_act_on(agency))


AgencyReadDep = Annotated[AgencyAccess, Depends(authorize_agency_read)]


@dataclass(frozen=True)
class ReportAccess:
    """The head of the {code}/{year} report, and the revision the caller may see of it."""

    head: ReportHead
    may_see_unpublished: bool
    visible_revision: int


def report_access(caller: Caller, connection: Connection, *, code: str, year: int) -> ReportAccess:
    """``AgencyReadDep`` for one report, on the route's own connection: the agency, the
    report's head and what the caller may see of it, in one query."""
    head = find_report_head(connection, code=code, year=year)
    may_see = caller.may_act_on_path(head.agency_path)
    return ReportAccess(
        head=head,
        may_see_unpublished=may_see,
        visible_revision=head.visible_revision_number(include_unpublished=may_see),
    )


def public_read_router(*, tags: list[str | Enum]) -> APIRouter:
    """A router of routes anyone may read; a token that is sent must still be valid (401)."""
    return APIRouter(
        prefix="/api/v1",
        tags=tags,
        dependencies=[Depends(get_caller)],
        responses=problem_responses(401),
    )
