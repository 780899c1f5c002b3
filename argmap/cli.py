"""The `argmap` command: a thin layer over the Python API.

Each command is a few lines: load, call the stage, print. Heavy modules are imported inside
the commands, so ``argmap --help`` starts fast.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Argument maps in Argdown: check, weigh, explain, render and edit them.")

FileArg = typer.Argument(..., exists=False, dir_okay=False, help="an Argdown file")


def _load(path: Path):
    """The model of a file, or exit 2 with one clear line when the file cannot be read."""
    import argmap

    try:
        return argmap.load(path)
    except OSError as error:
        typer.echo(f"{path}: cannot read: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None


@app.command()
def check(files: List[Path] = typer.Argument(..., help="Argdown files"),
          evidence: bool = typer.Option(False, "--evidence",
                                        help="also check each #observation's quote against its saved source")) -> None:
    """Print each file's problems and a one-line summary; exit 1 if any file has errors."""
    from argmap.check import check_map, format_diagnostic
    from argmap.model import Severity

    failed = False
    for path in files:
        model = _load(path)
        lines = model_source_lines(path)
        diagnostics = check_map(model)
        report = _check_evidence(path, None, model) if evidence else None
        if report is not None:
            diagnostics = sorted(diagnostics + report.diagnostics(), key=lambda d: (d.line, d.column))
        for diagnostic in diagnostics:
            typer.echo(format_diagnostic(diagnostic, str(path), lines))
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        warnings = len(diagnostics) - errors
        typer.echo(f"{path}: {len(model.statements)} statements, {len(model.arguments)} arguments, "
                   f"{len(model.relations)} relations, {len(model.sections)} sections; "
                   f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
                   + (f"; evidence: {report.summary_text}" if report else ""))
        failed = failed or errors > 0
    raise typer.Exit(1 if failed else 0)


def _check_evidence(path: Path, root: Optional[Path], model):
    """The evidence report, with a progress bar on a terminal."""
    from argmap.evidence import check_evidence

    if not sys.stderr.isatty():
        return check_evidence(path, root, model=model)
    with typer.progressbar(length=1, label="checking quotes", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        return check_evidence(path, root, model=model, progress=progress)


@app.command()
def evidence(file: Path = FileArg,
             root: Optional[Path] = typer.Option(None, "--root", help="resolve evidence links here instead of the "
                                                 "map's folder; nothing outside it is read"),
             format: str = typer.Option("text", "--format", "-f", help="text or json"),
             fix_ranges: bool = typer.Option(False, "--fix-ranges",
                                             help="rewrite each #Lx-Ly that points at the wrong lines")) -> None:
    """Check each #observation's quote against the saved copy of its source; exit 1 if a quote
    is not found or its file cannot be read."""
    import json

    if format not in ("text", "json"):
        typer.echo(f"unknown format {format!r}; use text or json", err=True)
        raise typer.Exit(2)
    if root is not None and not root.is_dir():
        typer.echo(f"{root}: --root must be a folder", err=True)
        raise typer.Exit(2)
    report = _check_evidence(file, root, _load(file))
    if format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        for observation in report.observations:
            typer.echo(f"{file}:{observation.line}:{observation.column}: {observation.message}")
        typer.echo(f"{file}: {report.summary_text}")
    if fix_ranges:
        from argmap.evidence import fix_ranges as fix

        try:
            fixes = fix(file, report)
        except (OSError, ValueError) as error:
            typer.echo(f"{file}: cannot fix the cited lines: {error}", err=True)
            raise typer.Exit(1) from None
        for change in fixes:
            typer.echo(f"{file}:{change.line}: [{change.statement}] {change.old} -> {change.new}",
                       err=format == "json")
        typer.echo(f"{file}: {len(fixes)} link{'s' * (len(fixes) != 1)} fixed", err=format == "json")
    raise typer.Exit(1 if report.failed else 0)


def model_source_lines(path: Path) -> list[str]:
    import argmap

    return argmap.read_source(path).lstrip("\ufeff").splitlines()


@app.command()
def export(file: Path = FileArg,
           format: str = typer.Option("argdown-json", "--format", "-f", help="argdown-json"),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="write here instead of stdout"),
           indent: Optional[int] = typer.Option(None, help="indent the JSON by this many spaces")) -> None:
    """Export the model, in the shape of the reference implementation's JSON export."""
    from argmap.check import format_diagnostic
    from argmap.export import dumps

    if format != "argdown-json":
        typer.echo(f"unknown format {format!r}; argmap exports argdown-json", err=True)
        raise typer.Exit(2)
    model = _load(file)
    if model.diagnostics:
        lines = model_source_lines(file)
        for diagnostic in model.diagnostics:
            typer.echo(format_diagnostic(diagnostic, str(file), lines), err=True)
    text = dumps(model, indent)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        from argmap.files import write_atomically

        write_atomically(output, (text + "\n").encode("utf-8"))
    raise typer.Exit(1 if model.errors else 0)


def main() -> None:
    """Run the command; a bug in argmap is reported in one line, not as a traceback
    (set ARGMAP_DEBUG=1 to see it)."""
    import os

    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence for users
        if os.environ.get("ARGMAP_DEBUG"):
            raise
        where = " ".join(arg for arg in sys.argv[1:] if not arg.startswith("-"))
        typer.echo(f"argmap: internal error ({type(error).__name__}: {error}) while running '{where}'; "
                   "please report it with the input file (ARGMAP_DEBUG=1 shows the details)", err=True)
        sys.exit(3)
