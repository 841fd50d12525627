"""The sample a newcomer sees on first start: the 灵武市 hierarchy and the seed report, and
淮安市 with 洪泽区's published 2023 and 2024 reports (so 淮安市's 2023 consolidation has data).

It goes through the same service functions as the API, so the sample is stored exactly as a
PUT would store it. Loaded only into the default embedded database, only when it is empty,
and never when ``DISCLOSURE_SAMPLE_DATA=0``.
"""

from __future__ import annotations

import csv
import json
import logging

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from app.agencies.models import Agency
from app.agencies.schemas import AgencyCreate
from app.agencies.service import create_agencies, get_agency_by_code
from app.formats.samples import SAMPLE_DIR
from app.formats.schema import parse_report
from app.ops.migrate import current_revision, head_revision
from app.reports.service import Writer, put_report

# In the order they are filed: 洪泽区 2023 before 2024, which the cross-year rules read.
SAMPLE_REPORTS = (
    ("640181-baitugang", 2020, "baitugang_2020.json"),
    # As published, except the two 四 totals the report printed as 0 (维持 10 + 纠正 1 and
    # 维持 5): left blank, so the service computes them and the report can be published.
    ("320813", 2023, "hongze_2023.json"),
    ("320813", 2024, "hongze_2024.json"),
)
SAMPLE_WRITER = Writer(written_by="sample")

logger = logging.getLogger(__name__)


def sample_agencies() -> list[AgencyCreate]:
    with (SAMPLE_DIR / "agencies.csv").open(encoding="utf-8") as rows:
        return [
            AgencyCreate.model_validate({k: v for k, v in row.items() if v})
            for row in csv.DictReader(rows)
        ]


def load_sample_when_migrated(engine: Engine) -> None:
    """``load_sample``, once the database is at the migrations' head (else a warning)."""
    with engine.connect() as connection:
        migrated = current_revision(connection) == head_revision()
    if not migrated:
        logger.warning("database not migrated to head: sample data not loaded (make migrate)")
        return
    load_sample(engine)


def load_sample(engine: Engine) -> bool:
    """Load the sample into an empty database; returns whether it did."""
    with Session(engine, expire_on_commit=False) as session:
        if session.exec(select(func.count()).select_from(Agency)).one():
            return False
        create_agencies(session, agencies=sample_agencies())
        for code, year, filename in SAMPLE_REPORTS:
            body = json.loads((SAMPLE_DIR / filename).read_text(encoding="utf-8"))
            put_report(
                session,
                agency=get_agency_by_code(session, code),
                year=year,
                body=parse_report(body, year=year),
                writer=SAMPLE_WRITER,
                if_match=None,
            )
    logger.info(
        "loaded the sample data: the 灵武市 hierarchy with the 白土岗乡 2020 report, "
        "and 淮安市 with the 洪泽区 2023 and 2024 reports"
    )
    return True
