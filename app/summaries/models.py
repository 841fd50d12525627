"""Roll-ups: what /summary counts of each agency's subtree per year, kept up to date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class SummaryRollup(SQLModel, table=True):
    """The tally of one agency's subtree for one year (app.summaries.tally).

    Written in the transaction of every publication below the agency (app.summaries.rollups)
    and rebuilt from the cells by ``python -m app rebuild-rollups``.
    """

    __tablename__ = "summary_rollup"

    agency_id: int = Field(primary_key=True, foreign_key="agency.id")
    year: int = Field(primary_key=True)
    # Published reports summed (not inside a consolidated report), and those covered.
    reported: int = Field(default=0)
    covered: int = Field(default=0)
    # Per format of the summed reports: {"reports": n, "cells": {"section/row/column": sum}}.
    sums: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
