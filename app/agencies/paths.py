"""The materialised path ("1/5/23/") an agency's place in the tree is kept as: a subtree is
one indexable range of paths."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import col

from app.agencies.models import Agency


def subtree_condition(agency: Agency) -> ColumnElement[bool]:
    """Rows of ``agency`` and every agency below it, as an indexable range on the path."""
    return path_within(col(Agency.path), agency.path)


def path_within(path: SQLCoreOperations[str], prefix: str) -> ColumnElement[bool]:
    """``path`` starts with ``prefix``, written as a range so an index on it is used."""
    return and_(path >= prefix, path < _range_end(prefix))


def descendants_condition(agency: Agency) -> ColumnElement[bool]:
    """Rows of every agency below ``agency``, not itself."""
    path = col(Agency.path)
    return and_(path > agency.path, path < _range_end(agency.path))


def is_within(ancestor: Agency, agency: Agency) -> bool:
    """Whether ``agency`` is ``ancestor`` itself or below it."""
    return path_is_within(agency.path, ancestor.path)


def path_is_within(path: str, ancestor_path: str) -> bool:
    """Materialised paths ("1/5/23/"): an agency's own and those below it start with its path."""
    return path.startswith(ancestor_path)


def _range_end(prefix: str) -> str:
    # "0" is the character after "/": every path starting with ``prefix`` sorts below this.
    return prefix[:-1] + "0"
