"""Version counters of data that has no only-growing id of its own (the agency tree).

Reports need none: every write adds a revision whose id only grows, and the report head keeps
the newest (``latest_seq``) and newest published (``published_seq``) of them.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col

AGENCY_TREE = "agencies"


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"

    name: str = Field(primary_key=True, max_length=32)
    version: int = Field(default=0)


def bump(session: Session, name: str) -> None:
    """Count one more change, inside the caller's write transaction."""
    bumped = session.exec(
        update(DataVersion)
        .where(col(DataVersion.name) == name)
        .values(version=DataVersion.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount == 0:  # the migration seeds the row; a wiped table must not stop counting
        session.add(DataVersion(name=name, version=1))
