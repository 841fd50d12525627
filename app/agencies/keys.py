"""Agency keys: bearer tokens ``dsk_<key_id>_<secret>``, of which only an HMAC is stored.

``key_id`` is 16 hex characters (64 random bits) that find the row and may be shown in
listings and logs; ``secret`` is ``secrets.token_urlsafe(32)``, 256 random bits.

Why HMAC-SHA256 under a server secret, and not a slow password hash (bcrypt, scrypt, Argon2):
slow hashes exist to protect secrets people choose, which are guessable. This secret is 256
bits of randomness, so brute-forcing a leaked hash is infeasible without any key stretching,
while a slow hash on every request would cost some 50–100 ms of CPU per call. Keying the hash
with the server's secret (``DISCLOSURE_KEY_SECRET``, kept out of the database) additionally
makes a stolen database dump useless on its own: without the server secret, no stored hash
can even be checked against a guess. Hashes are compared with ``hmac.compare_digest`` so the
comparison takes the same time however many leading characters match.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.agencies.models import Agency, ApiKey
from app.db import begin_write, row_id, utcnow, write_use_case
from app.errors import NotFoundError, UnauthorizedError
from app.types import as_utc

TOKEN_PREFIX = "dsk_"  # noqa: S105  (a public marker, not a secret)
_TOKEN = re.compile(r"^dsk_(?P<key_id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})$")
# last_used_at is for spotting dormant keys: minute precision spares a write per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedKey:
    """A new key and its token: the only moment the token exists outside the caller."""

    api_key: ApiKey
    token: str


def hash_secret(secret: str, *, key_secret: str) -> str:
    return hmac.new(key_secret.encode(), secret.encode(), hashlib.sha256).hexdigest()


@write_use_case
def issue_key(
    session: Session, *, agency: Agency, key_secret: str, label: str | None = None
) -> IssuedKey:
    begin_write(session)
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    api_key = ApiKey(
        key_id=key_id,
        agency_id=row_id(agency),
        secret_hash=hash_secret(secret, key_secret=key_secret),
        label=label,
    )
    session.add(api_key)
    session.commit()
    return IssuedKey(api_key=api_key, token=f"{TOKEN_PREFIX}{key_id}_{secret}")


def list_keys(session: Session, *, agency: Agency) -> list[ApiKey]:
    """The agency's keys, revoked ones included, oldest first."""
    return list(
        session.exec(
            select(ApiKey).where(ApiKey.agency_id == agency.id).order_by(col(ApiKey.id))
        ).all()
    )


@write_use_case
def revoke_key(session: Session, *, agency: Agency, key_id: str) -> ApiKey:
    """Revoke one of the agency's keys; revoking it again keeps the first revocation time."""
    begin_write(session)
    api_key = session.exec(
        select(ApiKey).where(ApiKey.key_id == key_id, ApiKey.agency_id == agency.id)
    ).first()
    if api_key is None:
        raise NotFoundError(f"agency {agency.code} has no key {key_id}")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
    session.commit()
    return api_key


def authenticate_key(session: Session, *, token: str, key_secret: str) -> tuple[ApiKey, Agency]:
    """The valid key a token stands for, and its agency; UnauthorizedError otherwise."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise UnauthorizedError(
            "malformed token: expected the administrator's token or "
            "an agency key dsk_<key_id>_<secret>"
        )
    row = session.exec(
        select(ApiKey, Agency)
        .join(Agency, col(Agency.id) == col(ApiKey.agency_id))
        .where(ApiKey.key_id == match["key_id"])
    ).first()
    expected = hash_secret(match["secret"], key_secret=key_secret)
    if row is None or not hmac.compare_digest(row[0].secret_hash, expected):
        raise UnauthorizedError("unknown key")
    api_key, agency = row
    if api_key.revoked_at is not None:
        raise UnauthorizedError(f"key {api_key.key_id} has been revoked")
    return api_key, agency


@write_use_case
def record_use(session: Session, *, api_key: ApiKey, now: datetime | None = None) -> None:
    """Stamp ``last_used_at``, at most once per LAST_USED_RESOLUTION per key, and commit."""
    now = now or utcnow()
    cutoff = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is not None and as_utc(api_key.last_used_at) >= cutoff:
        return
    begin_write(session)
    # The condition makes concurrent requests with the same key write it once.
    session.exec(
        update(ApiKey)
        .where(
            col(ApiKey.id) == api_key.id,
            or_(col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) < cutoff),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    # Not a pending change: a later query's autoflush must not write it again.
    set_committed_value(api_key, "last_used_at", now)
