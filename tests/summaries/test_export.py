"""GET /api/v1/export.csv and /api/v1/export/dictionary."""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from app.summaries.export import export_rows
from app.summaries.scope import Scope
from tests.summaries.helpers import Tree, body, store

YEAR = 2021
HEADER = (
    "agency_code,agency_name,parent_code,year,format,scope,revision,published_at,section,row,"
    "column,section_zh,row_zh,column_zh,kind,unit,is_total,value,amount"
)
CELLS_2019, CELLS_2021 = 198, 207


def seed_year(session: Session, tree: Tree) -> None:
    store(session, tree.county_a, YEAR, body("2021", new=10, granted=6, amount="1.25"))
    store(session, tree.town_a1, YEAR, body("2021", new=4, granted=4, amount="0.5"))
    store(session, tree.town_a2, YEAR, body("2021", new=100, granted=100, status="draft"))
    store(session, tree.town_b1, YEAR, body("2019", new=3, granted=1, amount="9"))
    store(session, tree.other_root, YEAR, body("2021", new=7, granted=7))


def test_csv_has_a_bom_a_header_and_one_line_per_published_cell(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    response = client.get("/api/v1/export.csv", params={"year": YEAR, "agency": "3208"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert lines[0] == HEADER
    assert len(lines) == 1 + 2 * CELLS_2021 + CELLS_2019
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    keys = ("agency_code", "agency_name", "format", "section", "row", "column", "value", "amount")
    picked = [tuple(r[k] for k in keys) for r in rows]
    assert picked[0] == ("320801", "甲县", "2021", "proactive", "regulations", "issued", "0", "")
    assert ("320801", "甲县", "2021", "applications", "new_received", "total", "10", "") in picked
    assert ("320801", "甲县", "2021", "proactive", "fees", "amount", "", "1.25") in picked
    assert ("32080101", "甲县一镇", "2021", "proactive", "fees", "amount", "", "0.5") in picked
    assert ("32080201", "乙县一镇", "2019", "proactive", "procurement", "amount", "", "9") in picked
    first = rows[0]
    assert (first["parent_code"], first["year"], first["scope"], first["revision"]) == (
        "3208",
        "2021",
        "agency",
        "1",
    )
    assert (first["kind"], first["unit"], first["is_total"]) == ("count", "件", "false")
    assert (first["section_zh"], first["row_zh"], first["column_zh"]) == (
        "二、主动公开政府信息情况",
        "规章",
        "本年制发件数",
    )
    assert not any(line.startswith("32080102,") for line in lines)  # a draft
    codes = [row[0] for row in csv.reader(io.StringIO("\n".join(lines[1:])))]
    assert list(dict.fromkeys(codes)) == ["320801", "32080101", "32080201"]


def test_csv_without_agency_covers_every_root(
    client: TestClient, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    response = client.get("/api/v1/export.csv", params={"year": YEAR})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 3 * CELLS_2021 + CELLS_2019


def test_csv_is_cached_by_etag(client: TestClient, session: Session, tree: Tree) -> None:
    seed_year(session, tree)
    params: dict[str, str | int] = {"year": YEAR, "agency": "3208"}
    etag = client.get("/api/v1/export.csv", params=params).headers["ETag"]
    cached = client.get("/api/v1/export.csv", params=params, headers={"If-None-Match": etag})
    assert cached.status_code == 304


def test_empty_subtree_gives_the_header_only(client: TestClient, tree: Tree) -> None:
    response = client.get("/api/v1/export.csv", params={"year": YEAR, "agency": "3208"})
    assert response.content.decode("utf-8-sig") == HEADER + "\r\n"


def test_dictionary_describes_every_column_and_cell(client: TestClient) -> None:
    dictionary = client.get("/api/v1/export/dictionary").json()
    assert ",".join(column["name"] for column in dictionary["columns"]) == HEADER
    assert len(dictionary["cells"]) == CELLS_2019 + CELLS_2021
    granted = next(
        cell
        for cell in dictionary["cells"]
        if (cell["format"], cell["row"], cell["column"]) == ("2021", "granted", "total")
    )
    assert granted == {
        "format": "2021",
        "section": "applications",
        "row": "granted",
        "column": "total",
        "section_zh": "三、收到和处理政府信息公开申请情况",
        "section_en": "III. Applications for government information received and handled",
        "row_zh": "本年度办理结果·予以公开",
        "row_en": "Results of handling this year — Disclosed",
        "column_zh": "总计",
        "column_en": "Total",
        "kind": "count",
        "unit": "件",
        "is_total": True,
    }


def test_export_is_produced_one_report_per_chunk(
    clean_db: Engine, session: Session, tree: Tree
) -> None:
    seed_year(session, tree)
    chunks = list(export_rows(clean_db, scope=Scope(tree.city), year=YEAR))
    assert [len(chunk.splitlines()) for chunk in chunks] == [1 + CELLS_2021, CELLS_2021, CELLS_2019]
