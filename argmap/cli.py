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
        from argmap.edit import EditError
        from argmap.evidence import fix_ranges as fix

        try:
            fixes = fix(file, report)
        except (OSError, EditError) as error:
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


# --- editing ----------------------------------------------------------------------------------

DryRun = typer.Option(False, "--dry-run", help="print a unified diff instead of writing the file")
KindOption = typer.Option(..., "--kind", help="support, attack, undercut, entails, contrary or contradictory")


def _open(path: Path):
    """A file opened for editing, or exit 2 with one clear line when it cannot be read."""
    from argmap.edit import Document

    try:
        return Document.open(path)
    except OSError as error:
        typer.echo(f"{path}: cannot read: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None


def _edit(path: Path, change, dry_run: bool, show_credence: bool = False) -> None:
    """Open, apply ``change(document)``, then print the diff or write the file; an edit that
    argmap refuses is one line on stderr and exit 1, with the file untouched."""
    from argmap.edit import EditError

    document = _open(path)
    before = document.model
    try:
        change(document)
        if not document.changed:
            typer.echo(f"{path}: already so; nothing to change")
            return
        if dry_run:
            sys.stdout.write(document.diff())
            return
        document.save()
    except EditError as error:
        _refused(path, error)
    typer.echo(f"{path}: written")
    if show_credence:
        _print_credence_move(before, document.model)


def _refused(path: Path, error: Exception) -> None:
    """One line naming the file, then exit 1."""
    message = str(error)
    typer.echo(message if message.startswith(str(path)) else f"{path}: {message}", err=True)
    raise typer.Exit(1)


def _print_credence_move(before, after) -> None:
    from argmap.watch import bottom_line, moves

    try:
        _, old = bottom_line(before)
        _, new = bottom_line(after)
    except NotImplementedError as error:
        typer.echo(f"thesis credence not computed: {error}")
        return
    for line in moves(old, new):
        typer.echo(line)


@app.command("set")
def set_value(file: Path = FileArg, title: str = typer.Argument(..., help="the statement's title"),
              credence: Optional[str] = typer.Option(None, help="trust in the statement's source, 0 to 1"),
              inference: Optional[str] = typer.Option(None, help="how strongly the premises support this conclusion, 0 to 1"),
              reason: Optional[str] = typer.Option(None, help="why: written as the data block's reason"),
              text: Optional[str] = typer.Option(None, help="the statement's new text"),
              dry_run: bool = DryRun) -> None:
    """Set a statement's credence, inference, reason or text; every other byte stays."""
    if credence is not None and inference is not None:
        typer.echo("give --credence or --inference, not both", err=True)
        raise typer.Exit(2)
    if credence is None and inference is None and reason is None and text is None:
        typer.echo("nothing to set: give --credence, --inference, --reason or --text", err=True)
        raise typer.Exit(2)

    def change(document) -> None:
        if text is not None:
            document.set_text(title, text)
        if credence is not None:
            document.set_credence(title, credence, reason)
        elif inference is not None:
            document.set_inference(title, inference, reason)
        elif reason is not None:
            document.set_reason(title, reason)

    _edit(file, change, dry_run, show_credence=True)


@app.command()
def rename(file: Path = FileArg, old: str = typer.Argument(..., help="a title; [Title] or <Title> where both exist"),
           new: str = typer.Argument(..., help="the new title"), dry_run: bool = DryRun) -> None:
    """Rename a statement or an argument at its definitions, references and mentions."""
    _edit(file, lambda document: document.rename(old, new), dry_run)


@app.command()
def relate(file: Path = FileArg, source: str = typer.Option(..., "--from", help="the supporting or attacking side"),
           target: str = typer.Option(..., "--to", help="what it supports or attacks"),
           kind: str = KindOption, dry_run: bool = DryRun) -> None:
    """Add a relation line under the target, indented as the file indents relations."""
    _edit(file, lambda document: document.relate(source, target, kind), dry_run, show_credence=True)


@app.command()
def unrelate(file: Path = FileArg, source: str = typer.Option(..., "--from"), target: str = typer.Option(..., "--to"),
             kind: str = KindOption, dry_run: bool = DryRun) -> None:
    """Remove the lines that write a relation."""
    _edit(file, lambda document: document.unrelate(source, target, kind), dry_run, show_credence=True)


@app.command()
def fmt(files: List[Path] = typer.Argument(..., help="Argdown files"),
        check: bool = typer.Option(False, "--check", help="write nothing; exit 1 if a file is not formatted"),
        width: int = typer.Option(100, help="wrap statement text longer than this")) -> None:
    """Give files argmap's canonical layout; the map they describe stays the same."""
    from argmap.edit import EditError

    unformatted = 0
    for path in files:
        document = _open(path)
        for layout_pass in document.format(width):
            typer.echo(f"{path}: left the {layout_pass} layout as it was: it would change the map", err=True)
        if not document.changed:
            continue
        unformatted += 1
        if check:
            typer.echo(f"{path}: not formatted")
            continue
        try:
            document.save()
        except EditError as error:
            _refused(path, error)
        typer.echo(f"{path}: formatted")
    if check and unformatted:
        raise typer.Exit(1)


@app.command()
def watch(file: Path = FileArg,
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="redraw this diagram on each save"),
          interval: float = typer.Option(0.25, help="seconds between looks at the file")) -> None:
    """On each save: re-read, recompute and print the bottom line and how far it moved."""
    from argmap.watch import Session, changes

    if not file.is_file():
        typer.echo(f"{file}: cannot read: no such file", err=True)
        raise typer.Exit(2)
    session = Session(file, output)
    typer.echo(f"watching {file} (Ctrl-C stops)")
    try:
        for data in changes(file, interval):
            typer.echo(session.update(data))
    except KeyboardInterrupt:
        pass


def main() -> None:
    """Run the command; a bug in argmap is reported in one line, not as a traceback
    (set ARGMAP_DEBUG=1 to see it)."""
    import gc
    import os

    gc.disable()  # a short-lived process that makes no reference cycles worth collecting
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence for users
        if os.environ.get("ARGMAP_DEBUG"):
            raise
        where = " ".join(arg for arg in sys.argv[1:] if not arg.startswith("-"))
        typer.echo(f"argmap: internal error ({type(error).__name__}: {error}) while running '{where}'; "
                   "please report it with the input file (ARGMAP_DEBUG=1 shows the details)", err=True)
        sys.exit(3)
