"""Small factories for test data, built through the services and committed."""

from __future__ import annotations

from sqlmodel import Session

from app.agencies import keys, service
from app.agencies.models import Agency
from app.agencies.schemas import AgencyKind
from tests.conftest import KEY_SECRET


def make_agency(
    session: Session,
    code: str,
    *,
    name: str | None = None,
    parent: Agency | None = None,
    kind: AgencyKind | None = None,
) -> Agency:
    return service.create_agency(
        session,
        code=code,
        name=name or f"{code}机关",
        parent_code=parent.code if parent else None,
        kind=kind,
    )


def issue_key(
    session: Session, agency: Agency, *, key_secret: str = KEY_SECRET, label: str | None = None
) -> str:
    """A new key of ``agency``; returns the bearer token."""
    return keys.issue_key(session, agency=agency, key_secret=key_secret, label=label).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
