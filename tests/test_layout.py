"""The tree keeps telling the architecture: few top-level modules, none that grows unbounded."""

from __future__ import annotations

from pathlib import Path

MAX_TOP_LEVEL_MODULES = 8
MAX_MODULE_LINES = 400


def test_app_has_few_top_level_modules(project_root: Path) -> None:
    modules = sorted(
        path.name for path in (project_root / "app").glob("*.py") if path.name != "__init__.py"
    )
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules


def test_no_module_is_over_400_lines(project_root: Path) -> None:
    too_long = {
        str(path.relative_to(project_root)): lines
        for path in (project_root / "app").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}
