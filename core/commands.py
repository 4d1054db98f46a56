"""Shared pieces of the import/export management commands."""

import sys
from pathlib import Path

from django.core.management.base import CommandError

from core.tables import TableError, read_table


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
