"""``python -m app import-reports``: a folder of documents stored through the write path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.ops.cli import main
from app.reports import service
from tests.conftest import KEY_SECRET
from tests.documents.layouts import as_docx, as_html, as_tab_text, fixture_body
from tests.factories import make_agency

NAME = "淮安市洪泽区人民政府"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, database_url: str, clean_db: Engine) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", database_url)
    monkeypatch.setenv("DISCLOSURE_KEY_SECRET", KEY_SECRET)
    monkeypatch.delenv("DISCLOSURE_ENV", raising=False)


def _folder(tmp_path: Path) -> Path:
    nested = tmp_path / "reports" / "older"
    nested.mkdir(parents=True)
    (tmp_path / "reports" / "2023.html").write_bytes(
        as_html(fixture_body("hongze_2023.json"), 2023, NAME)
    )
    (nested / "2024.docx").write_bytes(as_docx(fixture_body("hongze_2024.json"), 2024, NAME))
    (nested / "2022.txt").write_bytes(as_tab_text(fixture_body("hongze_2023.json"), 2022, "某局"))
    (nested / "notes.txt").write_text("会议记录", encoding="utf-8")
    return tmp_path / "reports"


def test_folder_is_stored_by_agency_name_with_a_table_of_outcomes(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agency = make_agency(session, "320813", name=NAME)
    folder = _folder(tmp_path)
    assert main(["import-reports", str(folder)]) == 1  # two files refused
    out = capsys.readouterr().out
    assert f"[1/4] {folder / '2023.html'}: stored — revision 1" in out
    assert f"[2/4] {folder / 'older' / '2022.txt'}: refused — no stored agency is named 某局" in out
    assert f"[3/4] {folder / 'older' / '2024.docx'}: stored — revision 1" in out
    assert (
        "notes.txt: refused — no report year in the title or the statistics period: give the year"
        in out
    )
    assert out.strip().endswith("2 stored, 2 refused")
    stored = service.get_report(session, agency=agency, year=2024, include_unpublished=True)
    assert stored.revision.status == "draft"
    body = stored.body().model_dump(mode="json", exclude_unset=True)
    expected = fixture_body("hongze_2024.json")["applications"]
    assert {row: body["applications"][row] for row in expected} == expected


def test_dry_run_stores_nothing(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agency = make_agency(session, "320813", name=NAME)
    folder = _folder(tmp_path)
    assert (
        main(["import-reports", str(folder / "2023.html"), "--agency", "320813", "--dry-run"]) == 0
    )
    assert "dry run: nothing stored" in capsys.readouterr().out
    assert service.list_reports(session, agency=agency, include_unpublished=True) == []
