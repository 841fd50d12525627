from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from app.agencies import service
from app.agencies.models import Agency
from app.agencies.schemas import AgencyCreate
from app.errors import ConflictError, SchemaProblem, SchemaValidationError
from tests.factories import make_agency


def _codes(session: Session, *conditions: Any) -> list[str]:
    return list(session.exec(select(Agency.code).where(*conditions).order_by(col(Agency.code))))


def _new(code: str, parent_code: str | None = None) -> AgencyCreate:
    return AgencyCreate(code=code, name=f"{code}机关", parent_code=parent_code)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """SQL statements the engine runs while the test body runs."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_root_path_is_its_own_id(session: Session) -> None:
    root = make_agency(session, "640000")
    assert (root.path, root.depth, root.parent_id) == (f"{root.id}/", 0, None)


def test_child_path_extends_its_parents(session: Session) -> None:
    region = make_agency(session, "640000")
    city = make_agency(session, "640100", parent=region)
    county = make_agency(session, "640181", parent=city)
    assert (county.path, county.depth, county.parent_id) == (
        f"{region.id}/{city.id}/{county.id}/",
        2,
        city.id,
    )


def test_subtree_is_the_agency_and_everything_below_it(session: Session) -> None:
    region = make_agency(session, "640000")
    city = make_agency(session, "640100", parent=region)
    county = make_agency(session, "640181", parent=city)
    make_agency(session, "640181201", parent=county)
    make_agency(session, "640104", parent=city)
    make_agency(session, "640200", parent=region)
    make_agency(session, "650000")
    assert _codes(session, service.subtree_condition(city)) == [
        "640100",
        "640104",
        "640181",
        "640181201",
    ]
    assert _codes(session, service.descendants_condition(city)) == ["640104", "640181", "640181201"]


def test_subtree_excludes_agencies_whose_id_only_starts_alike(session: Session) -> None:
    first = make_agency(session, "A")
    make_agency(session, "A.1", parent=first)
    roots = [make_agency(session, f"R{number:02d}") for number in range(10)]
    # The id of some root now begins with the digits of A's id ("1/" beside "11/").
    lookalike = next(root for root in roots if root.path.startswith(first.path[:-1]))
    make_agency(session, "R.child", parent=lookalike)
    assert _codes(session, service.subtree_condition(first)) == ["A", "A.1"]


def test_is_within_holds_for_itself_and_descendants_only(session: Session) -> None:
    city = make_agency(session, "640100")
    county = make_agency(session, "640181", parent=city)
    other = make_agency(session, "640200")
    assert [
        service.is_within(city, city),
        service.is_within(city, county),
        service.is_within(county, city),
        service.is_within(other, county),
    ] == [True, True, False, False]


def test_moving_an_agency_rewrites_the_paths_of_its_subtree(session: Session) -> None:
    region = make_agency(session, "640000")
    old_city = make_agency(session, "640100", parent=region)
    new_city = make_agency(session, "640200", parent=region)
    county = make_agency(session, "640181", parent=old_city)
    town = make_agency(session, "640181201", parent=county)
    village = make_agency(session, "640181201001", parent=town)

    service.update_agency(session, agency=county, parent_code="640200")

    rows = session.exec(
        select(Agency.code, Agency.path, Agency.depth, Agency.parent_id).order_by(col(Agency.code))
    ).all()
    assert [tuple(row) for row in rows] == [
        ("640000", f"{region.id}/", 0, None),
        ("640100", f"{region.id}/{old_city.id}/", 1, region.id),
        ("640181", f"{region.id}/{new_city.id}/{county.id}/", 2, new_city.id),
        ("640181201", f"{region.id}/{new_city.id}/{county.id}/{town.id}/", 3, county.id),
        (
            "640181201001",
            f"{region.id}/{new_city.id}/{county.id}/{town.id}/{village.id}/",
            4,
            town.id,
        ),
        ("640200", f"{region.id}/{new_city.id}/", 1, region.id),
    ]


def test_moving_a_subtree_is_one_update_statement(session: Session, statements: list[str]) -> None:
    city = make_agency(session, "640100")
    county = make_agency(session, "640181")
    for number in range(5):
        make_agency(session, f"64018120{number}", parent=county)
    statements.clear()

    service.update_agency(session, agency=county, parent_code="640100")

    updates = [sql for sql in statements if sql.lstrip().upper().startswith("UPDATE AGENCY")]
    assert len(updates) == 1
    assert service.get_agency_by_code(session, "640181202").path == (
        f"{city.id}/{county.id}/{service.get_agency_by_code(session, '640181202').id}/"
    )


def test_making_an_agency_a_root_shortens_its_subtree(session: Session) -> None:
    city = make_agency(session, "640100")
    county = make_agency(session, "640181", parent=city)
    town = make_agency(session, "640181201", parent=county)

    service.update_agency(session, agency=county, parent_code=None)

    session.refresh(town)
    assert (county.path, county.depth, county.parent_id) == (f"{county.id}/", 0, None)
    assert (town.path, town.depth) == (f"{county.id}/{town.id}/", 1)


def test_moving_an_agency_under_its_descendant_is_refused(session: Session) -> None:
    city = make_agency(session, "640100")
    county = make_agency(session, "640181", parent=city)
    make_agency(session, "640181201", parent=county)

    with pytest.raises(ConflictError) as refused:
        service.update_agency(session, agency=city, parent_code="640181201")

    assert refused.value.detail == (
        "cannot move agency 640100 under 640181201: 640181201 is 640100 itself or below it"
    )
    assert _codes(session, service.subtree_condition(city)) == ["640100", "640181", "640181201"]


def test_moving_an_agency_under_itself_is_refused(session: Session) -> None:
    city = make_agency(session, "640100")
    with pytest.raises(ConflictError):
        service.update_agency(session, agency=city, parent_code="640100")


def test_renaming_keeps_the_place_in_the_hierarchy(session: Session) -> None:
    city = make_agency(session, "640100", name="银川")
    service.update_agency(session, agency=city, name="银川市")
    stored = service.get_agency_by_code(session, "640100")
    assert (stored.name, stored.path) == ("银川市", f"{city.id}/")


def test_a_batch_may_list_children_before_their_parents(session: Session) -> None:
    make_agency(session, "640000")
    created = service.create_agencies(
        session,
        agencies=[
            _new("640181201", "640181"),
            _new("640181", "640100"),
            _new("640100", "640000"),
        ],
    )
    assert [agency.code for agency in created] == ["640100", "640181", "640181201"]
    assert [
        service.get_agency_by_code(session, code).depth
        for code in ("640100", "640181", "640181201")
    ] == [1, 2, 3]


def test_a_batch_with_problems_reports_them_all_and_creates_nothing(session: Session) -> None:
    make_agency(session, "640000")
    with pytest.raises(SchemaValidationError) as refused:
        service.create_agencies(
            session,
            agencies=[
                _new("640100", "640000"),
                _new("640000"),
                _new("640100"),
                _new("A", "B"),
                _new("B", "A"),
                _new("640181", "999999"),
            ],
        )
    assert refused.value.extensions["errors"] == [
        SchemaProblem(pointer="/1/code", message="agency 640000 already exists").model_dump(),
        SchemaProblem(pointer="/2/code", message="code 640100 appears more than once").model_dump(),
        SchemaProblem(pointer="/3/parent_code", message="cycle: A → B → A").model_dump(),
        SchemaProblem(pointer="/5/parent_code", message="unknown agency 999999").model_dump(),
    ]
    assert _codes(session) == ["640000"]


def test_a_case_twin_is_found_among_more_codes_than_one_lookup_takes(session: Session) -> None:
    """Lookups go in chunks (PostgreSQL takes at most 65,535 parameters): a twin far down
    the sorted list is still refused."""
    make_agency(session, "640000")
    make_agency(session, "Z-TWIN", parent=service.get_agency_by_code(session, "640000"))
    agencies = [_new(f"640000-{index:04d}", "640000") for index in range(1200)]
    agencies.append(_new("z-twin", "640000"))
    with pytest.raises(SchemaValidationError) as refused:
        service.create_agencies(session, agencies=agencies)
    assert refused.value.extensions["errors"] == [
        SchemaProblem(
            pointer="/1200/code", message="agency Z-TWIN exists; codes may not differ only in case"
        ).model_dump(),
    ]


def test_a_duplicate_that_slips_past_the_check_is_still_a_conflict(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when another transaction registers the code between our check and our insert."""
    make_agency(session, "640181")
    monkeypatch.setattr(service, "_existing_codes", lambda _session, _codes: set())

    with pytest.raises(ConflictError) as refused:
        service.create_agency(session, code="640181", name="灵武市")

    assert refused.value.detail == "agency 640181 already exists"
    assert _codes(session) == ["640181"]
