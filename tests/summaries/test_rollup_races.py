"""Writers publishing under one province at once: no deadlock, no lost roll-up delta."""

from __future__ import annotations

import threading

from sqlalchemy import Engine
from sqlmodel import Session

from app.agencies.models import Agency
from app.formats.schema import parse_report
from app.reports.service import Writer, put_report
from app.summaries import rollups
from app.summaries.recount import recount
from app.summaries.scope import Scope
from tests.factories import make_agency
from tests.summaries.helpers import body

YEAR = 2021
ROUNDS = 3


def test_racing_publications_under_one_province_lose_nothing(
    session: Session, clean_db: Engine
) -> None:
    """Eight writers — two city governments filing consolidated reports, six townships —
    each publish three revisions at once; every ancestor row is shared by all of them."""
    province = make_agency(session, "32")
    cities = [make_agency(session, f"32{c:02d}", parent=province) for c in range(2)]
    counties = [make_agency(session, f"{city.code}01", parent=city) for city in cities]
    towns = [
        make_agency(session, f"{county.code}{t:02d}", parent=county)
        for county in counties
        for t in range(3)
    ]
    writers: list[tuple[Agency, str]] = [
        *((city, "consolidated") for city in cities),
        *((town, "agency") for town in towns),
    ]
    barrier = threading.Barrier(len(writers))
    failures: list[BaseException] = []

    def publish(agency: Agency, scope: str) -> None:
        try:
            with Session(clean_db, expire_on_commit=False) as own:
                barrier.wait(timeout=30)
                for round_ in range(1, ROUNDS + 1):
                    report = body("2021", new=round_, granted=round_, scope=scope)
                    put_report(
                        own,
                        agency=agency,
                        year=YEAR,
                        body=parse_report(report, year=YEAR),
                        writer=Writer("admin"),
                        if_match=None,
                    )
        except BaseException as exc:  # a deadlock or a lost lock would surface here
            failures.append(exc)

    threads = [threading.Thread(target=publish, args=writer) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []

    session.expire_all()
    for agency in [province, *cities, *counties, *towns]:
        stored = rollups.read(session, agency_id=agency.id, year=YEAR)
        assert stored == recount(session, scope=Scope(agency), year=YEAR), agency.code
    at_the_top = rollups.read(session, agency_id=province.id, year=YEAR)
    # The two consolidated city reports (last revision: 3 new applications each) stand for
    # the six townships below them.
    assert (at_the_top.reported, at_the_top.covered) == (2, 6)
    assert at_the_top.formats["2021"].cells["applications/new_received/total"] == 6
