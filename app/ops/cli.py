"""Operator commands, ``python -m app <command>``: the same service functions as the API.

They read the same settings (``DISCLOSURE_DATABASE_URL``, ``DISCLOSURE_KEY_SECRET``…) as the
server, so keys issued here work there. Exit status: 0 done, 1 refused (nothing changed),
2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session

from app.agencies import keys, service
from app.agencies.schemas import AgencyCreate, AgencyKind
from app.config import Settings, SettingsError, key_secret, load_settings
from app.db import create_db_engine
from app.errors import ProblemError, loc_to_pointer
from app.ops import serve
from app.ops.migrate import upgrade

CSV_COLUMNS = ("code", "name", "parent_code", "kind")
CSV_REQUIRED = frozenset({"code", "name", "parent_code"})

Command = Callable[[Settings, argparse.Namespace], int]


class CommandError(Exception):
    """A refusal to report to the operator, one line per problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command: Command = args.command
    try:
        return command(load_settings(), args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except CommandError as exc:
        for line in exc.lines:
            print(f"error: {line}", file=sys.stderr)
        return 1
    except ProblemError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        for error in exc.extensions.get("errors") or []:
            print(f"  {error['pointer']}: {error['message']}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app", description="Operate the disclosure statistics service."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    migrate = commands.add_parser("migrate", help="apply the database migrations")
    migrate.set_defaults(command=_migrate)

    create = commands.add_parser("create-agency", help="register one agency")
    create.add_argument("--code", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--parent", help="code of the agency it reports to")
    create.add_argument("--kind", choices=[kind.value for kind in AgencyKind])
    create.set_defaults(command=_create_agency)

    issue = commands.add_parser("issue-key", help="issue a key and print it (shown once)")
    issue.add_argument("code")
    issue.add_argument("--label")
    issue.set_defaults(command=_issue_key)

    revoke = commands.add_parser("revoke-key", help="revoke a key")
    revoke.add_argument("code")
    revoke.add_argument("key_id")
    revoke.set_defaults(command=_revoke_key)

    load = commands.add_parser(
        "import-agencies",
        help="register agencies from a CSV file (code,name,parent_code[,kind]), all or none",
    )
    load.add_argument("file", type=Path)
    load.set_defaults(command=_import_agencies)

    reports = commands.add_parser(
        "import-reports", help="store published reports (PDF, web page, Word, text)"
    )
    reports.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    reports.add_argument("--agency", help="code of the agency (default: found by name)")
    reports.add_argument("--year", type=int, help="report year (default: from the title)")
    reports.add_argument("--status", choices=["draft", "published"], default="draft")
    reports.add_argument("--dry-run", action="store_true", help="read and check, store nothing")
    reports.set_defaults(command=_import_reports)
    rollups = commands.add_parser(
        "rebuild-rollups", help="recompute the summaries' roll-ups from the report cells"
    )
    rollups.set_defaults(command=_rebuild_rollups)
    serve.add_parser(commands)
    return parser


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    engine = create_db_engine(settings.database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def _import_reports(settings: Settings, args: argparse.Namespace) -> int:
    from app.documents.backfill import backfill, print_table
    from app.documents.importer import ImportLimits

    limits = ImportLimits(settings.import_timeout_seconds, settings.import_max_pages)
    with _session(settings) as session:
        outcomes = backfill(
            session,
            args.paths,
            agency_code=args.agency,
            year=args.year,
            status=args.status,
            dry_run=args.dry_run,
            limits=limits,
            out=sys.stdout,
        )
    print_table(outcomes, sys.stdout)
    return 0 if all(o.stored for o in outcomes) or args.dry_run else 1


def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    print("database migrated to the latest schema")
    return 0


def _create_agency(settings: Settings, args: argparse.Namespace) -> int:
    new = _validated(
        {"code": args.code, "name": args.name, "parent_code": args.parent, "kind": args.kind}
    )
    with _session(settings) as session:
        agency = service.create_agency(
            session, code=new.code, name=new.name, parent_code=new.parent_code, kind=new.kind
        )
    print(f"created agency {agency.code} {agency.name}")
    return 0


def _issue_key(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        agency = service.get_agency_by_code(session, args.code)
        issued = keys.issue_key(
            session, agency=agency, key_secret=key_secret(settings), label=args.label
        )
    # The token alone on stdout, so that `KEY=$(python -m app issue-key …)` works.
    print(issued.token)
    print(
        f"issued key {issued.api_key.key_id} for agency {agency.code}; store it now, "
        "it cannot be shown again",
        file=sys.stderr,
    )
    return 0


def _revoke_key(settings: Settings, args: argparse.Namespace) -> int:
    with _session(settings) as session:
        agency = service.get_agency_by_code(session, args.code)
        api_key = keys.revoke_key(session, agency=agency, key_id=args.key_id)
    print(f"key {api_key.key_id} of agency {agency.code} is revoked")
    return 0


def _import_agencies(settings: Settings, args: argparse.Namespace) -> int:
    rows = _read_csv(args.file)
    with _session(settings) as session:
        try:
            created = service.create_agencies(session, agencies=[new for _, new in rows])
        except ProblemError as exc:
            lines = [line for line, _ in rows]
            raise CommandError(
                [
                    f"{args.file}: {_at_line(error['pointer'], lines)}: {error['message']}"
                    for error in exc.extensions.get("errors") or []
                ]
                + ["nothing was imported"]
            ) from None
    print(f"created {len(created)} agencies")
    return 0


def _rebuild_rollups(settings: Settings, _args: argparse.Namespace) -> int:
    from app.summaries.recount import rebuild

    with _session(settings) as session:
        written = rebuild(session)
    print(f"rebuilt {written} roll-up rows")
    return 0


def _read_csv(path: Path) -> list[tuple[int, AgencyCreate]]:
    """The file's rows with their line numbers, or every problem found in it."""
    try:
        # utf-8-sig drops the byte order mark that spreadsheet programs write.
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            header = reader.fieldnames or []
            _check_header(path, header)
            rows, problems = [], []
            for record in reader:
                line = reader.line_num
                if None in record:
                    problems.append(f"{path}: line {line}: more values than columns")
                    continue
                try:
                    rows.append((line, _validated(record)))
                except CommandError as exc:
                    problems.extend(f"{path}: line {line}: {problem}" for problem in exc.lines)
    except OSError as exc:
        raise CommandError([f"cannot read {path}: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise CommandError([f"{path} is not UTF-8 text"]) from None
    if problems:
        raise CommandError([*problems, "nothing was imported"])
    return rows


def _check_header(path: Path, header: Sequence[str]) -> None:
    missing = sorted(CSV_REQUIRED - set(header))
    unknown = sorted(set(header) - set(CSV_COLUMNS))
    if missing or unknown:
        raise CommandError(
            [
                f"{path}: line 1: the header must be code,name,parent_code[,kind]"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unknown {', '.join(unknown)}" if unknown else "")
            ]
        )


def _validated(record: dict[str, str | None]) -> AgencyCreate:
    # Empty cells and absent options mean "none"; the API's own model checks the rest.
    values = {key: value for key, value in record.items() if value not in (None, "")}
    try:
        return AgencyCreate.model_validate(values)
    except ValidationError as exc:
        raise CommandError(
            [
                f"{loc_to_pointer(error['loc']).lstrip('/')}: {error['msg']}"
                for error in exc.errors()
            ]
        ) from None


def _at_line(pointer: str, lines: Sequence[int]) -> str:
    # Pointers of a batch name the item ("/3/parent_code"); operators think in file lines.
    _, index, field = pointer.split("/", 2)
    return f"line {lines[int(index)]}: {field}"
