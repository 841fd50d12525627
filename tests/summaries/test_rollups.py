"""Roll-ups equal a recount from the cells after every publication, draft and move."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.agencies.models import Agency
from app.agencies.service import update_agency
from app.errors import ConflictError
from app.summaries import rollups
from app.summaries.recount import rebuild, recount
from app.summaries.scope import Scope
from app.summaries.tally import Tally
from tests.conftest import _empty_tables
from tests.factories import make_agency
from tests.summaries.helpers import body, store

YEAR = 2021
AGENCIES = 4


@dataclass(frozen=True)
class Publish:
    agency: int
    format: str
    scope: str
    status: str
    new: int
    amount: str


@dataclass(frozen=True)
class Move:
    agency: int
    parent: int | None


publications = st.builds(
    Publish,
    agency=st.integers(0, AGENCIES - 1),
    format=st.sampled_from(["2019", "2021"]),
    scope=st.sampled_from(["agency", "consolidated"]),
    status=st.sampled_from(["published", "published", "draft"]),
    new=st.integers(0, 3),
    amount=st.sampled_from(["0", "1.25", "3"]),
)
moves = st.builds(
    Move, agency=st.integers(0, AGENCIES - 1), parent=st.none() | st.integers(0, AGENCIES - 1)
)
# Each agency's parent is one made before it (None: a root).
trees = st.tuples(*(st.none() | st.integers(0, max(0, i - 1)) for i in range(AGENCIES))).map(
    lambda parents: [None if i == 0 else p for i, p in enumerate(parents)]
)


def assert_rollups_equal_recount(session: Session) -> None:
    session.expire_all()
    agencies = session.exec(select(Agency).order_by(col(Agency.code))).all()
    for agency in [*agencies, None]:
        scope = Scope(agency)
        stored = rollups.read(session, agency_id=None if agency is None else agency.id, year=YEAR)
        assert stored == recount(session, scope=scope, year=YEAR), scope.code
    session.rollback()  # end the read snapshot: the next write must see what others wrote


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(parents=trees, steps=st.lists(publications | moves, min_size=1, max_size=12))
def test_rollups_equal_a_recount_after_every_step(
    session: Session, clean_db: Engine, parents: list[int | None], steps: list[Publish | Move]
) -> None:
    _empty_tables(clean_db)
    codes = [f"32{i:02d}" for i in range(AGENCIES)]
    agencies: list[Agency] = []
    for index, parent in enumerate(parents):
        agencies.append(
            make_agency(session, codes[index], parent=None if parent is None else agencies[parent])
        )
    for step in steps:
        agency = session.exec(select(Agency).where(Agency.code == codes[step.agency])).one()
        if isinstance(step, Publish):
            report = body(
                step.format,
                new=step.new,
                granted=step.new,
                amount=step.amount,
                status=step.status,
                scope=step.scope,
            )
            store(session, agency, YEAR, report)
        else:
            with suppress(ConflictError):  # refused: under itself or its own subtree
                update_agency(
                    session,
                    agency=agency,
                    parent_code=None if step.parent is None else codes[step.parent],
                )
        assert_rollups_equal_recount(session)
    rebuild(session)
    assert_rollups_equal_recount(session)


def test_a_consolidated_report_stops_the_sums_but_not_the_counts(session: Session) -> None:
    """province → city → county: the city's consolidated report stands for the county's."""
    province = make_agency(session, "32")
    city = make_agency(session, "3208", parent=province)
    county = make_agency(session, "320801", parent=city)
    store(session, county, YEAR, body("2021", new=5, granted=5))
    store(session, city, YEAR, body("2021", new=20, granted=20, scope="consolidated"))
    store(session, county, YEAR, body("2021", new=7, granted=7))  # changes nothing above
    new_received = ("applications", "new_received", "total")

    def tally(agency: Agency) -> Tally:
        return rollups.read(session, agency_id=agency.id, year=YEAR)

    assert tally(province).formats["2021"].reports == 1
    assert (tally(province).reported, tally(province).covered) == (1, 1)
    assert tally(province).formats["2021"].cells["/".join(new_received)] == 20
    assert tally(county).formats["2021"].cells["/".join(new_received)] == 7

    # The city's next published revision is its own again: the county is summed once more.
    store(session, city, YEAR, body("2021", new=3, granted=3))
    assert (tally(province).reported, tally(province).covered) == (2, 0)
    assert tally(province).formats["2021"].reports == 2
    assert tally(province).formats["2021"].cells["/".join(new_received)] == 10
    assert tally(province) == recount(session, scope=Scope(province), year=YEAR)
