"""Shared pieces of the import/export management commands."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.tables import ImportRejected, TableError, load_grid, read_table


def read_path(path):
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc


def read_table_or_fail(path, sheet=None, required=("level3",)):
    try:
        return read_table(read_path(path), sheet=sheet, required=required)
    except TableError as exc:
        raise CommandError(str(exc)) from exc


def load_grid_or_fail(path):
    try:
        return load_grid(read_path(path))
    except TableError as exc:
        raise CommandError(str(exc)) from exc


def fail_with_errors(errors, stderr=None):
    """Print every row-numbered error, then stop with a non-zero exit status."""
    stream = stderr or sys.stderr
    for error in errors:
        stream.write(f"{error}\n")
    raise CommandError(f"{len(errors)} error(s); nothing was written.")


def write_output(data, output, stdout):
    if output:
        Path(output).write_bytes(data)
    else:
        stdout.buffer.write(data) if hasattr(stdout, "buffer") else stdout.write(data.decode("utf-8"))


class ImportCommand(BaseCommand):
    """The one skeleton of our table imports: read the file, plan (check every row, write
    nothing), print the row-numbered errors or the summary; with --dry-run stop there,
    else apply, all or nothing. Exit status 0 only when everything was imported.

    A subclass says how to `load(path, **options)` the file, how to `plan(source, **options)`
    it (a Plan) and how to `apply(source, plan, path=..., **options)` it (the success message).
    """

    dry_run_text = "Dry run: {summary}."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        self.add_import_arguments(parser)

    def add_import_arguments(self, parser):
        pass

    def handle(self, path, dry_run=False, **options):
        source = self.load(path, **options)
        plan = self.plan(source, **options)
        if plan.errors:
            fail_with_errors(plan.errors, self.stderr)
        if dry_run:
            self.stdout.write(self.dry_run_text.format(summary=plan.summary))
            return
        try:
            message = self.apply(source, plan, path=path, **options)
        except ImportRejected as exc:
            fail_with_errors(exc.errors, self.stderr)
        self.stdout.write(self.style.SUCCESS(message))
        for line in plan.notes:
            self.stdout.write(line)


@dataclass
class Plan:
    """What an import would do: its errors (nothing is written while there are any), a
    one-line summary, notes printed after a successful run, and whatever the apply step needs."""

    errors: list
    summary: str = ""
    notes: list = field(default_factory=list)
    state: object = None
