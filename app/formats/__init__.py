"""The national report formats and everything derived from them.

definitions  the formats as data (sections, rows, columns, labels)    ← start here
values       constrained cell types (Count, Change, Amount)
schema       request models derived from the definitions; parse_report, to_cells, from_cells
problems     schema problems as JSON Pointers; ReportSchemaError
cells        completing a report's cells (computing omitted and blank totals)
checks       the pure checks behind the rules
plausibility the plausibility checks: narrative against tables, history, kind, twins
narrative_figures  the figures part 一 states, read by a table of patterns
suggestions  the likely wrong cell of a broken table
acknowledgements   an agency's reasons matched to its warnings
figures_digest     a digest of a report's figures (identical reports)
messages     finding messages in Chinese and English
finding      Finding, Suggestion, Acknowledged: what an evaluation returns
rule         a catalogue entry; rules_catalogue: the plausibility entries
rules        the rule catalogue and evaluate()
sections     labelled JSON views of formats and report tables
router       GET /formats, /formats/{id}, /rules
"""

from app.formats.definitions import FORMATS, CellKey, CellSpec, ReportFormat, format_for_year
from app.formats.problems import ReportSchemaError, SchemaProblem, pointer_from_loc
from app.formats.rules import RULES, Evaluation, Finding, evaluate
from app.formats.schema import (
    Report2019,
    Report2021,
    ReportBody,
    from_cells,
    parse_report,
    to_cells,
)
from app.formats.sections import render_section

__all__ = [
    "FORMATS",
    "RULES",
    "CellKey",
    "CellSpec",
    "Evaluation",
    "Finding",
    "Report2019",
    "Report2021",
    "ReportBody",
    "ReportFormat",
    "ReportSchemaError",
    "SchemaProblem",
    "evaluate",
    "format_for_year",
    "from_cells",
    "parse_report",
    "pointer_from_loc",
    "render_section",
    "to_cells",
]
