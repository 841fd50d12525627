"""``python -m app serve``: the worker count and the metrics directory the workers share."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ops import serve


def test_the_worker_count_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(serve.WORKERS_ENV, raising=False)
    assert serve.worker_count(None) == 1
    monkeypatch.setenv(serve.WORKERS_ENV, "3")
    assert serve.worker_count(None) == 3
    assert serve.worker_count(2) == 2


@pytest.mark.parametrize("value", ["0", "two", "-1", ""])
def test_a_worker_count_that_is_not_a_positive_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(serve.WORKERS_ENV, value)
    with pytest.raises(ValueError, match=serve.WORKERS_ENV):
        serve.worker_count(None)


def test_a_named_metrics_directory_is_emptied_of_an_earlier_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("kept")
    monkeypatch.setenv(serve.MULTIPROC_ENV, str(tmp_path))
    assert serve.prepare_metrics_directory() is None  # the operator's: not removed at exit
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_without_a_named_directory_a_fresh_one_is_made_for_the_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(serve.MULTIPROC_ENV, "")  # unset, and restored after the test
    made = serve.prepare_metrics_directory()
    try:
        assert made is not None and made.is_dir() and not any(made.iterdir())
        assert serve.os.environ[serve.MULTIPROC_ENV] == str(made)
    finally:
        if made is not None:
            made.rmdir()
