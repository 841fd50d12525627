"""Agencies: the reporting hierarchy, stored as materialised paths.

Each agency's ``path`` holds the ids from its root down to itself, each followed by "/"
(root 1 → ``"1/"``, its child 5 → ``"1/5/"``) and ``depth`` counts its ancestors. The
subtree of an agency is every row whose path starts with its path; it is queried as the
range ``path >= prefix AND path < prefix[:-1] + "0"`` ("0" is the character after "/"), which
both SQLite and PostgreSQL (the column is collated "C" there) answer from the path index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from sqlalchemy import ColumnElement, String, bindparam, case, func, literal, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.agencies import tree_version as versions
from app.agencies.models import Agency
from app.agencies.paths import (
    descendants_condition,
    is_within,
    subtree_condition,
)
from app.agencies.schemas import AgencyCreate, AgencyKind
from app.db import begin_write, row_id, utcnow, write_use_case
from app.errors import ConflictError, NotFoundError, SchemaProblem, SchemaValidationError
from app.summaries import rollups
from app.types import is_agency_code

# 32 levels keep the longest path (32 ids of at most 19 digits, each with "/") within the
# 1000 characters of the column; real hierarchies stop at about six.
MAX_LEVELS = 32
# Keeps IN (...) lists of bulk lookups under every driver's parameter limit.
_LOOKUP_CHUNK = 500


class _Unset(Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET
"""Marks an update argument the caller did not give (``None`` means "clear it")."""


@dataclass(frozen=True)
class AgencyListing:
    """One page of agencies, each with its parent's code, and the number of matches."""

    items: list[tuple[Agency, str | None]]
    total: int


@dataclass(frozen=True)
class Family:
    """The agency directly above one, and those directly below it ordered by code."""

    parent: Agency | None
    children: list[Agency]


# Built once: every request naming an agency runs it, and building it costs more than SQLite.
_BY_CODE = select(Agency).where(col(Agency.code) == bindparam("code"))


def get_agency_by_code(session: Session, code: str) -> Agency:
    if not is_agency_code(code):  # NUL and friends would reach PostgreSQL as an error
        raise NotFoundError(f"unknown agency {code!r}")
    agency = session.exec(_BY_CODE, params={"code": code}).first()
    if agency is None:
        raise NotFoundError(f"unknown agency {code}")
    return agency


@write_use_case
def create_agency(
    session: Session,
    *,
    code: str,
    name: str,
    parent_code: str | None = None,
    kind: AgencyKind | None = None,
) -> Agency:
    begin_write(session)
    if _existing_codes(session, [code]):
        raise ConflictError(f"agency {code} already exists")
    if twin := _case_twins(session, [code]).get(code.lower()):
        raise ConflictError(f"agency {twin} exists; codes may not differ only in case")
    parent = None if parent_code is None else _parent(session, parent_code, "/parent_code")
    try:
        agency = _insert(session, code=code, name=name, kind=kind, parent=parent)
        versions.bump(session, versions.AGENCY_TREE)
        session.commit()
    except IntegrityError:
        # Another transaction registered the same code after our check (PostgreSQL only:
        # on SQLite the write lock taken by begin_write serialises registrations).
        session.rollback()
        raise ConflictError(f"agency {code} already exists") from None
    return agency


@write_use_case
def create_agencies(session: Session, *, agencies: Sequence[AgencyCreate]) -> list[Agency]:
    """Register many agencies at once, all or none, parents before their children.

    Parents may come after their children in ``agencies``. Every problem is reported at
    once as a schema error whose pointer names the item, e.g. ``/3/parent_code``.
    """
    begin_write(session)
    problems = _batch_problems(session, agencies)
    if problems:
        raise SchemaValidationError(
            problems, detail=f"{len(problems)} problem(s); no agency was created"
        )
    by_code = {item.code: item for item in agencies}
    outside_parents = {
        item.parent_code
        for item in agencies
        if item.parent_code is not None and item.parent_code not in by_code
    }
    known = {agency.code: agency for agency in _agencies_by_code(session, outside_parents)}
    created = []
    for item in sorted(agencies, key=lambda item: _depth_in_batch(item, by_code)):
        parent = None if item.parent_code is None else known[item.parent_code]
        agency = _insert(session, code=item.code, name=item.name, kind=item.kind, parent=parent)
        known[agency.code] = agency
        created.append(agency)
    versions.bump(session, versions.AGENCY_TREE)
    session.commit()
    return created


@write_use_case
def update_agency(
    session: Session,
    *,
    agency: Agency,
    name: str | None = None,
    kind: AgencyKind | Literal[_Unset.UNSET] | None = UNSET,
    parent_code: str | Literal[_Unset.UNSET] | None = UNSET,
) -> Agency:
    """Rename, reclassify and/or move an agency; a move carries its whole subtree along."""
    begin_write(session)
    # The caller loaded it before this transaction: a concurrent move may have changed its path.
    session.refresh(agency)
    now = utcnow()
    if name is not None and name != agency.name:
        agency.name = name
        agency.updated_at = now
    if kind is not UNSET and _kind_value(kind) != agency.kind:
        agency.kind = _kind_value(kind)
        agency.updated_at = now
    if parent_code is not UNSET:
        parent = None if parent_code is None else _parent(session, parent_code, "/parent_code")
        if (parent.id if parent else None) != agency.parent_id:
            _move(session, agency=agency, parent=parent)
    versions.bump(session, versions.AGENCY_TREE)
    session.commit()
    return agency


def list_agencies(
    session: Session,
    *,
    parent_code: str | None = None,
    roots_only: bool = False,
    under_code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AgencyListing:
    """Agencies ordered by code; the filters combine (all must hold)."""
    conditions: list[ColumnElement[bool]] = []
    if parent_code is not None:
        parent = _parent(session, parent_code, "#/query/parent")
        conditions.append(col(Agency.parent_id) == parent.id)
    if roots_only:
        conditions.append(col(Agency.parent_id).is_(None))
    if under_code is not None:
        top = _parent(session, under_code, "#/query/under")
        conditions.append(descendants_condition(top))
    total = session.scalar(select(func.count()).select_from(Agency).where(*conditions)) or 0
    parent_row = aliased(Agency)
    rows = session.exec(
        select(Agency, parent_row.code)
        .outerjoin(parent_row, col(parent_row.id) == col(Agency.parent_id))
        .where(*conditions)
        .order_by(col(Agency.code))
        .limit(limit)
        .offset(offset)
    ).all()
    return AgencyListing(items=[(row[0], row[1]) for row in rows], total=total)


def get_family(session: Session, *, agency: Agency) -> Family:
    parent = session.get(Agency, agency.parent_id) if agency.parent_id is not None else None
    children = session.exec(
        select(Agency).where(Agency.parent_id == agency.id).order_by(col(Agency.code))
    ).all()
    return Family(parent=parent, children=list(children))


def _insert(
    session: Session, *, code: str, name: str, kind: AgencyKind | None, parent: Agency | None
) -> Agency:
    depth = parent.depth + 1 if parent else 0
    if depth >= MAX_LEVELS:
        raise SchemaValidationError(
            [SchemaProblem(pointer="/parent_code", message=f"at most {MAX_LEVELS} levels")]
        )
    # The path ends with the row's own id, known only once the row is inserted.
    agency = Agency(
        code=code,
        name=name,
        kind=_kind_value(kind),
        parent_id=parent.id if parent else None,
        path="",
        depth=depth,
    )
    session.add(agency)
    session.flush()
    agency.path = f"{parent.path if parent else ''}{agency.id}/"
    session.flush()
    return agency


def _move(session: Session, *, agency: Agency, parent: Agency | None) -> None:
    # Publications below either parent wait until the roll-ups are recomputed (PostgreSQL).
    rollups.own_tree(session.connection())
    session.refresh(agency)  # paths read before the tree was ours may have moved since
    if parent is not None:
        session.refresh(parent)
    old_ancestors = _path_ids(agency.path)[:-1]
    if parent is not None and is_within(agency, parent):
        raise ConflictError(
            f"cannot move agency {agency.code} under {parent.code}: "
            f"{parent.code} is {agency.code} itself or below it"
        )
    new_prefix = f"{parent.path if parent else ''}{agency.id}/"
    depth_change = (parent.depth + 1 if parent else 0) - agency.depth
    deepest = session.scalar(select(func.max(Agency.depth)).where(subtree_condition(agency)))
    if (deepest or 0) + depth_change >= MAX_LEVELS:
        raise SchemaValidationError(
            [
                SchemaProblem(
                    pointer="/parent_code",
                    message=f"the move would make the hierarchy deeper than {MAX_LEVELS} levels",
                )
            ]
        )
    now = utcnow()
    # One statement for the whole subtree: every path swaps the old prefix for the new one.
    session.exec(
        update(Agency)
        .where(subtree_condition(agency))
        .values(
            path=literal(new_prefix, String)
            + func.substr(col(Agency.path), len(agency.path) + 1, type_=String),
            depth=col(Agency.depth) + depth_change,
            parent_id=case(
                (col(Agency.id) == agency.id, parent.id if parent else None),
                else_=col(Agency.parent_id),
            ),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(agency)
    rollups.recompute_after_move(
        session, moved_id=row_id(agency), affected=old_ancestors + _path_ids(agency.path)[:-1]
    )


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.split("/") if part]


def _parent(session: Session, code: str, pointer: str) -> Agency:
    agency = session.exec(select(Agency).where(Agency.code == code)).first()
    if agency is None:
        raise SchemaValidationError(
            [SchemaProblem(pointer=pointer, message=f"unknown agency {code}")]
        )
    return agency


def _kind_value(kind: AgencyKind | None) -> str | None:
    return kind.value if kind is not None else None


def _agencies_by_code(session: Session, codes: Iterable[str]) -> list[Agency]:
    codes = sorted(set(codes))
    found: list[Agency] = []
    for start in range(0, len(codes), _LOOKUP_CHUNK):
        chunk = codes[start : start + _LOOKUP_CHUNK]
        found.extend(session.exec(select(Agency).where(col(Agency.code).in_(chunk))).all())
    return found


def _existing_codes(session: Session, codes: Iterable[str]) -> set[str]:
    return {agency.code for agency in _agencies_by_code(session, codes)}


def _case_twins(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Stored codes equal to one of ``codes`` but for case, by their lower-case form: two
    agencies 640181A and 640181a would be told apart by nobody reading a report."""
    asked = set(codes)
    lowered = sorted({code.lower() for code in asked})
    found: list[str] = []
    # In chunks: PostgreSQL takes at most 65,535 parameters (a national import has 160,000).
    for start in range(0, len(lowered), _LOOKUP_CHUNK):
        chunk = lowered[start : start + _LOOKUP_CHUNK]
        found.extend(session.exec(select(Agency.code).where(func.lower(Agency.code).in_(chunk))))
    return {code.lower(): code for code in found if code not in asked}


def _batch_problems(session: Session, agencies: Sequence[AgencyCreate]) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(agencies):
        if item.code in first_index:
            problems.append(
                SchemaProblem(
                    pointer=f"/{index}/code",
                    message=f"code {item.code} appears more than once",
                )
            )
        else:
            first_index[item.code] = index
    existing = _existing_codes(session, first_index)
    for code in sorted(existing):
        problems.append(
            SchemaProblem(
                pointer=f"/{first_index[code]}/code", message=f"agency {code} already exists"
            )
        )
    twins = _case_twins(session, first_index)
    for code in sorted(set(first_index) - existing):
        if twin := twins.get(code.lower()):
            message = f"agency {twin} exists; codes may not differ only in case"
            problems.append(SchemaProblem(pointer=f"/{first_index[code]}/code", message=message))
    outside = {
        item.parent_code
        for item in agencies
        if item.parent_code is not None and item.parent_code not in first_index
    }
    known_outside = _existing_codes(session, outside)
    for index, item in enumerate(agencies):
        if item.parent_code in outside and item.parent_code not in known_outside:
            problems.append(
                SchemaProblem(
                    pointer=f"/{index}/parent_code", message=f"unknown agency {item.parent_code}"
                )
            )
    problems.extend(_cycles(agencies, first_index))
    return sorted(problems, key=lambda problem: _index_of(problem.pointer))


def _cycles(agencies: Sequence[AgencyCreate], first_index: dict[str, int]) -> list[SchemaProblem]:
    parent_of = {item.code: item.parent_code for item in agencies}
    problems = []
    reported: set[str] = set()
    for item in agencies:
        chain = [item.code]
        code = item.parent_code
        while code is not None and code in parent_of and code not in chain:
            chain.append(code)
            code = parent_of[code]
        if code is None or code not in chain or code in reported:
            continue
        loop = chain[chain.index(code) :]
        reported.update(loop)
        problems.append(
            SchemaProblem(
                pointer=f"/{first_index[code]}/parent_code",
                message="cycle: " + " → ".join([*loop, code]),
            )
        )
    return problems


def _depth_in_batch(item: AgencyCreate, by_code: dict[str, AgencyCreate]) -> int:
    depth = 0
    while item.parent_code is not None and item.parent_code in by_code:
        item = by_code[item.parent_code]
        depth += 1
    return depth


def _index_of(pointer: str) -> int:
    return int(pointer.split("/")[1])
