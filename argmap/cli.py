"""The `argmap` command: a thin layer over the Python API.

Each command is a few lines: load, call the stage, print. Heavy modules are imported inside
the commands, so ``argmap --help`` starts fast.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Argument maps in Argdown: check, weigh, explain, render and edit them.")

FileArg = typer.Argument(..., exists=False, dir_okay=False, help="an Argdown file")
SemanticsOption = typer.Option("df-quad", "--semantics", "-s", help="df-quad (the default), quadratic-energy or vargdown")
SetOption = typer.Option(None, "--set", metavar="TITLE=X",
                         help='what-if, leaving the file as it is: replace the credence or inference stated for '
                              'TITLE ([Statement] or <Argument> where a statement and an argument share it); repeatable')
FormatOption = typer.Option("text", "--format", "-f", help="text or json")


def _load(path: Path):
    """The model of a file, or exit 2 with one clear line when the file cannot be read."""
    import argmap

    try:
        return argmap.load(path)
    except OSError as error:
        typer.echo(f"{path}: cannot read: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None


def _report(path: Path, diagnostics: list) -> None:
    """Diagnostics on stderr, each with file:line:col and the source line."""
    from argmap.check import format_diagnostic

    if diagnostics:
        lines = model_source_lines(path)
        for diagnostic in sorted(diagnostics, key=lambda d: (d.line, d.column)):
            typer.echo(format_diagnostic(diagnostic, str(path), lines), err=True)


def _overrides(items: Optional[List[str]]) -> dict[str, float]:
    """``--set "Title=0.7"`` options as a dict, or exit 2 saying how to write one."""
    result = {}
    for item in items or []:
        title, _, value = item.rpartition("=")
        try:
            result[title.strip()] = float(value)
        except ValueError:
            typer.echo(f"--set {item!r}: write TITLE=NUMBER, e.g. --set \"Risk Real=0.7\"", err=True)
            raise typer.Exit(2) from None
    return result


def _usage(call, *args):
    """Run an API call whose ValueError means the command line asked for something wrong."""
    try:
        return call(*args)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


@contextmanager
def _progress(label: str):
    """A ``progress(done, total)`` callback that shows a bar on stderr once the work looks long."""
    import time

    start, bar = time.monotonic(), None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and time.monotonic() - start > 1.0 and done < total:
            bar = typer.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
            bar.update(done)
        elif bar is not None:
            bar.update(1)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _format(format: str) -> str:
    if format not in ("text", "json"):
        typer.echo(f"unknown format {format!r}; choose text or json", err=True)
        raise typer.Exit(2)
    return format


@app.command()
def check(files: List[Path] = typer.Argument(..., help="Argdown files"),
          semantics: Optional[str] = typer.Option(None, "--semantics", "-s",
                                                  help="vargdown: also warn where its rule turns a relation around")) -> None:
    """Print each file's problems and a one-line summary; exit 1 if any file has errors."""
    from argmap.check import check_map, format_diagnostic
    from argmap.semantics import get

    if semantics is not None:
        _usage(get, semantics)
    failed = False
    for path in files:
        model = _load(path)
        lines = model_source_lines(path)
        found = check_map(model, semantics)
        for diagnostic in found:
            typer.echo(format_diagnostic(diagnostic, str(path), lines))
        errors = sum(d.severity.value == "error" for d in found)
        warnings = len(found) - errors
        typer.echo(f"{path}: {len(model.statements)} statements, {len(model.arguments)} arguments, "
                   f"{len(model.relations)} relations, {len(model.sections)} sections; "
                   f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
        failed = failed or errors > 0
    raise typer.Exit(1 if failed else 0)


def model_source_lines(path: Path) -> list[str]:
    import argmap

    return argmap.read_source(path).lstrip("\ufeff").splitlines()


@app.command()
def export(file: Path = FileArg,
           format: str = typer.Option("argdown-json", "--format", "-f", help="argdown-json"),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="write here instead of stdout"),
           indent: Optional[int] = typer.Option(None, help="indent the JSON by this many spaces")) -> None:
    """Export the model, in the shape of the reference implementation's JSON export."""
    from argmap.export import dumps

    if format != "argdown-json":
        typer.echo(f"unknown format {format!r}; argmap exports argdown-json", err=True)
        raise typer.Exit(2)
    model = _load(file)
    _report(file, model.diagnostics)
    text = dumps(model, indent)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        from argmap.files import write_atomically

        write_atomically(output, (text + "\n").encode("utf-8"))
    raise typer.Exit(1 if model.errors else 0)


@app.command("credence")
def credence_command(file: Path = FileArg, semantics: str = SemanticsOption, set: Optional[List[str]] = SetOption,
                     format: str = FormatOption) -> None:
    """The bottom line of each thesis and, beneath it, what bears on it: strength and
    contribution, the most influential first."""
    import json

    from argmap.explain import bottom_line
    from argmap.propagate import credence

    _format(format)
    model = _load(file)
    result = _usage(credence, model, semantics, _overrides(set))
    _report(file, model.diagnostics + result.diagnostics)
    typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1) if format == "json" else bottom_line(result))
    raise typer.Exit(1 if model.errors else 0)


@app.command()
def explain(file: Path = FileArg, title: str = typer.Argument(..., help="[Statement], <Argument> or a bare title"),
            semantics: str = SemanticsOption, set: Optional[List[str]] = SetOption) -> None:
    """How one statement's credence (or argument's strength) comes about, as a tree down to
    the stated numbers, with the arithmetic at each step."""
    from argmap.explain import explain

    model = _load(file)
    derivation = _usage(explain, model, title, semantics, _overrides(set))
    _report(file, model.diagnostics)
    typer.echo(derivation.text())
    raise typer.Exit(1 if model.errors else 0)


@app.command()
def cruxes(file: Path = FileArg, top: Optional[int] = typer.Option(None, "--top", "-n", min=1, help="show the first N"),
           semantics: str = SemanticsOption, set: Optional[List[str]] = SetOption,
           format: str = FormatOption) -> None:
    """Every stated credence and inference, ranked by how far it moves each thesis when it
    moves by 0.1 either way, with the derivative: the numbers to check first."""
    import json

    from argmap.explain import cruxes, cruxes_text

    _format(format)
    model = _load(file)
    with _progress("weighing the stated numbers") as progress:
        reports = _usage(cruxes, model, semantics, _overrides(set), None, progress)
    _report(file, model.diagnostics)
    if format == "json":
        typer.echo(json.dumps([r.model_dump(mode="json") | {"cruxes": [c.model_dump(mode="json") for c in r.cruxes[:top]]}
                               for r in reports], ensure_ascii=False, indent=1))
    else:
        typer.echo(cruxes_text(reports, str(file), top))
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
