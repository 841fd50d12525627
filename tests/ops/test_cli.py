"""Tests taking both ``client`` and ``session`` list ``client`` first: leaving the client
disposes the app's engine (its lifespan), which must not happen while the test's session still
holds a PostgreSQL connection, or that connection leaks (a ResourceWarning, an error here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from app.agencies.models import Agency, ApiKey
from app.ops.cli import main
from tests.conftest import KEY_SECRET
from tests.factories import bearer, make_agency


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, database_url: str, clean_db: Engine) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", database_url)
    monkeypatch.setenv("DISCLOSURE_KEY_SECRET", KEY_SECRET)
    monkeypatch.delenv("DISCLOSURE_ENV", raising=False)


def _tree(session: Session) -> list[tuple[str, str | None, int, str | None]]:
    """(code, parent's code, depth, kind) of every agency, ordered by code."""
    session.expire_all()
    agencies = session.exec(select(Agency).order_by(col(Agency.code))).all()
    code_of = {agency.id: agency.code for agency in agencies}
    return [
        (agency.code, code_of.get(agency.parent_id), agency.depth, agency.kind)
        for agency in agencies
    ]


def _csv(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> str:
    path = tmp_path / "agencies.csv"
    path.write_text(text, encoding=encoding)
    return str(path)


def test_migrate_brings_the_database_to_head(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out == "database migrated to the latest schema\n"


def test_create_agency_registers_it_under_its_parent(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    make_agency(session, "640100", name="银川市")
    status = main(
        [
            "create-agency",
            "--code",
            "640181",
            "--name",
            "灵武市",
            "--parent",
            "640100",
            "--kind",
            "county",
        ]
    )
    assert (status, capsys.readouterr().out) == (0, "created agency 640181 灵武市\n")
    assert _tree(session) == [("640100", None, 0, None), ("640181", "640100", 1, "county")]


def test_create_agency_with_an_unknown_parent_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["create-agency", "--code", "640181", "--name", "灵武市", "--parent", "640100"])
    assert (status, capsys.readouterr().err) == (
        1,
        "error: the request has 1 invalid field(s)\n  /parent_code: unknown agency 640100\n",
    )


def test_create_agency_with_a_bad_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create-agency", "--code", "64 01", "--name", "灵武市"]) == 1
    assert capsys.readouterr().err == (
        "error: code: String should match pattern '^[A-Za-z0-9._-]{1,64}$'\n"
    )


def test_an_issued_key_is_printed_once_and_works_on_the_server(
    client: TestClient, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    make_agency(session, "640181")
    assert main(["issue-key", "640181", "--label", "办公室"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    key_id = token.split("_")[1]
    assert err == (
        f"issued key {key_id} for agency 640181; store it now, it cannot be shown again\n"
    )
    # Recognised by the server (403 on an admin route, not 401).
    assert client.get("/api/v1/agencies/640181/keys", headers=bearer(token)).status_code == 403
    stored = session.exec(select(ApiKey)).one()
    assert (stored.key_id, stored.label) == (key_id, "办公室")


def test_a_revoked_key_stops_working(
    client: TestClient, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    make_agency(session, "640181")
    main(["issue-key", "640181"])
    token = capsys.readouterr().out.strip()
    key_id = token.split("_")[1]

    assert main(["revoke-key", "640181", key_id]) == 0
    assert capsys.readouterr().out == f"key {key_id} of agency 640181 is revoked\n"
    assert client.get("/api/v1/agencies", headers=bearer(token)).status_code == 401


def test_revoking_a_key_of_an_unknown_agency_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["revoke-key", "640181", "0123456789abcdef"]) == 1
    assert capsys.readouterr().err == "error: unknown agency 640181\n"


def test_import_creates_parents_before_children_whatever_the_order(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_agency(session, "640000", name="宁夏回族自治区")
    path = _csv(
        tmp_path,
        "code,name,parent_code,kind\n"
        "640181201,白土岗乡人民政府,640181,township\n"
        "640181,灵武市,640100,county\n"
        "640100,银川市,640000,city\n"
        "650000,新疆维吾尔自治区,,\n",
        encoding="utf-8-sig",
    )

    assert main(["import-agencies", path]) == 0

    assert capsys.readouterr().out == "created 4 agencies\n"
    assert _tree(session) == [
        ("640000", None, 0, None),
        ("640100", "640000", 1, "city"),
        ("640181", "640100", 2, "county"),
        ("640181201", "640181", 3, "township"),
        ("650000", None, 0, None),
    ]


def test_import_without_a_kind_column_is_accepted(session: Session, tmp_path: Path) -> None:
    path = _csv(tmp_path, "code,name,parent_code\n640100,银川市,\n640181,灵武市,640100\n")
    assert main(["import-agencies", path]) == 0
    assert _tree(session) == [("640100", None, 0, None), ("640181", "640100", 1, None)]


def test_import_names_the_line_of_every_bad_row_and_imports_nothing(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(
        tmp_path,
        "code,name,parent_code,kind\n"
        "640100,银川市,,city\n"
        "64 0181,灵武市,640100,county\n"
        "640104,,640100,\n"
        "640105,西夏区,640100,village\n"
        "640106,金凤区,640100,county,extra\n",
    )

    assert main(["import-agencies", path]) == 1

    assert capsys.readouterr().err == (
        f"error: {path}: line 3: code: String should match pattern '^[A-Za-z0-9._-]{{1,64}}$'\n"
        f"error: {path}: line 4: name: Field required\n"
        f"error: {path}: line 5: kind: Input should be 'province', 'city', 'county', "
        "'township', 'department' or 'other'\n"
        f"error: {path}: line 6: more values than columns\n"
        "error: nothing was imported\n"
    )
    assert _tree(session) == []


def test_import_names_the_lines_of_duplicates_unknown_parents_and_cycles(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_agency(session, "640000")
    path = _csv(
        tmp_path,
        "code,name,parent_code\n"
        "640100,银川市,640000\n"
        "640000,宁夏回族自治区,\n"
        "640100,银川市,\n"
        "A,甲,B\n"
        "B,乙,A\n"
        "640181,灵武市,999999\n",
    )

    assert main(["import-agencies", path]) == 1

    assert capsys.readouterr().err == (
        f"error: {path}: line 3: code: agency 640000 already exists\n"
        f"error: {path}: line 4: code: code 640100 appears more than once\n"
        f"error: {path}: line 5: parent_code: cycle: A → B → A\n"
        f"error: {path}: line 7: parent_code: unknown agency 999999\n"
        "error: nothing was imported\n"
    )
    assert _tree(session) == [("640000", None, 0, None)]


def test_import_refuses_a_file_with_the_wrong_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "code,name,parent\n640100,银川市,\n")
    assert main(["import-agencies", path]) == 1
    assert capsys.readouterr().err == (
        f"error: {path}: line 1: the header must be code,name,parent_code[,kind]; "
        "missing parent_code; unknown parent\n"
    )


def test_import_refuses_a_file_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "code,name,parent_code\n640100,银川市,\n", encoding="gb18030")
    assert main(["import-agencies", path]) == 1
    assert capsys.readouterr().err == f"error: {path} is not UTF-8 text\n"


def test_rebuild_rollups_recomputes_them_from_the_cells(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import delete

    from app.summaries import rollups
    from app.summaries.models import SummaryRollup
    from tests.summaries.helpers import body, store

    city = make_agency(session, "3208")
    county = make_agency(session, "320801", parent=city)
    store(session, county, 2021, body("2021", new=4, granted=4))
    before = rollups.read(session, agency_id=city.id, year=2021)
    session.execute(delete(SummaryRollup))
    session.commit()
    assert rollups.read(session, agency_id=city.id, year=2021).reported == 0
    session.rollback()

    assert main(["rebuild-rollups"]) == 0
    assert capsys.readouterr().out == "rebuilt 2 roll-up rows\n"
    after = rollups.read(session, agency_id=city.id, year=2021)
    assert after == before and after.reported == 1
