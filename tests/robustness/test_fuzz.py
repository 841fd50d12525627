"""Schemathesis against the live application's own OpenAPI document.

Every operation, anonymous and as the administrator: no 5xx, and every response matches its
declared status, content type, headers and schema. Examples per operation are bounded (and
derandomized) so the suite stays quick and repeatable.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from app.ops.sample_data import load_sample
from tests.conftest import ADMIN_TOKEN

EXAMPLES_PER_OPERATION = 25
# "Schema-valid data must be accepted" cannot hold for this API: JSON Schema's integer admits
# 1.0, which a statistic refuses on purpose, and a valid-looking parent code or If-Match can
# still name nothing (422/412). Every other check runs, negative data rejection included.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]
CALLERS = {"anonymous": {}, "admin": {"Authorization": f"Bearer {ADMIN_TOKEN}"}}


def _fuzz(operation: schemathesis.APIOperation, headers: dict[str, str]) -> Callable[[], None]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

    return run


@pytest.mark.parametrize("caller", list(CALLERS))
def test_every_operation_answers_as_declared(app: FastAPI, clean_db: Engine, caller: str) -> None:
    load_sample(clean_db)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, CALLERS[caller])()
        except (Exception, BaseExceptionGroup) as failure:
            failures[operation.label] = f"{type(failure).__name__}: {failure}"[:2000]
    assert operations == 25  # 24 + GET /summary/agencies (lean summaries)
    assert failures == {}, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
