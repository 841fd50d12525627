from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.summaries.helpers import Tree, make_tree


@pytest.fixture
def tree(session: Session) -> Tree:
    return make_tree(session)
