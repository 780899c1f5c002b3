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
SemanticsOption = typer.Option("df-quad", "--semantics", "-s",
                               help="df-quad (the default), quadratic-energy or vargdown")
SetOption = typer.Option(None, "--set", metavar="TITLE=X",
                         help="what-if, leaving the file as it is: replace the credence or inference stated for "
                              "TITLE ([Statement] or <Argument> where a statement and an argument share it); "
                              "repeatable")
FormatOption = typer.Option("text", "--format", "-f", help="text or json")


def _read(path: Path, reader):
    """``reader(path)``, or exit 2 with one clear line when the file cannot be read."""
    try:
        return reader(path)
    except OSError as error:
        typer.echo(f"{path}: cannot read: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None


def _load(path: Path):
    """The model of a file."""
    import argmap

    return _read(path, argmap.load)


def _print_diagnostics(path: Path, diagnostics: list) -> int:
    """Diagnostics on stderr, each with file:line:col and the source line; the exit status they
    call for (1 when one is an error)."""
    from argmap.check import format_diagnostic
    from argmap.model import Severity

    if diagnostics:
        lines = model_source_lines(path)
        for diagnostic in sorted(diagnostics, key=lambda d: (d.line, d.column)):
            typer.echo(format_diagnostic(diagnostic, str(path), lines), err=True)
    return 1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0


def _write(path: Path, write) -> None:
    """``write(stream)`` into ``path`` atomically, or exit 1 with one line saying why not."""
    from argmap.files import atomic_writer

    try:
        with atomic_writer(path, "w", encoding="utf-8", errors="backslashreplace") as stream:
            write(stream)
    except OSError as error:
        _refused(path, error)


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
            bar.update(done - bar.pos)

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
          semantics: Optional[str] = typer.Option(
              None, "--semantics", "-s", help="vargdown: also warn where its rule turns a relation around"),
          evidence: bool = typer.Option(False, "--evidence",
                                        help="also check each #observation's quote against its saved source")) -> None:
    """Print each file's problems and a one-line summary; exit 1 if any file has errors."""
    from argmap.check import check_map, format_diagnostic
    from argmap.model import Severity
    from argmap.semantics import get

    if semantics is not None:
        _usage(get, semantics)
    failed = False
    for path in files:
        model = _load(path)
        lines = model_source_lines(path)
        diagnostics = check_map(model, semantics)
        report = _check_evidence(path, None, model) if evidence else None
        if report is not None:
            diagnostics = sorted(diagnostics + report.diagnostics(), key=lambda d: (d.line, d.column))
        for diagnostic in diagnostics:
            typer.echo(format_diagnostic(diagnostic, str(path), lines))
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
        typer.echo(f"{path}: {len(model.statements)} statements, {len(model.arguments)} arguments, "
                   f"{len(model.relations)} relations, {len(model.sections)} sections; "
                   f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
                   + (f"; evidence: {report.summary_text}" if report else ""))
        failed = failed or errors > 0
    raise typer.Exit(1 if failed else 0)


def _check_evidence(path: Path, root: Optional[Path], model):
    """The evidence report, with a progress bar once the work looks long."""
    from argmap.evidence import check_evidence

    with _progress("checking quotes") as progress:
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
    from argmap.files import read_source, source_lines

    return source_lines(read_source(path).lstrip("\ufeff"))


@app.command()
def export(file: Path = FileArg,
           format: str = typer.Option("argdown-json", "--format", "-f", help="argdown-json"),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="write here instead of stdout")) -> None:
    """Export the model, in the shape of the reference implementation's JSON export."""
    import io

    from argmap.export import write_argdown_json

    if format != "argdown-json":
        typer.echo(f"unknown format {format!r}; argmap exports argdown-json", err=True)
        raise typer.Exit(2)
    model = _load(file)
    status = _print_diagnostics(file, model.diagnostics)
    # Undecodable bytes of the map come out as JSON escapes (\udcXX) rather than as an error.
    if output is None:
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="backslashreplace")
        write_argdown_json(model, stream)
        stream.detach()
    else:
        _write(output, lambda stream: write_argdown_json(model, stream))
    raise typer.Exit(status)


@app.command("credence")
def credence_command(file: Path = FileArg, semantics: str = SemanticsOption, set: Optional[List[str]] = SetOption,
                     format: str = FormatOption) -> None:
    """The bottom line of each thesis and, beneath it, what bears on it: strength and
    contribution, the most influential first."""
    import json

    from argmap.explanation import bottom_line
    from argmap.propagate import credence

    _format(format)
    model = _load(file)
    result = _usage(credence, model, semantics, _overrides(set))
    status = _print_diagnostics(file, model.diagnostics + result.diagnostics)
    typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1) if format == "json" else bottom_line(result))
    raise typer.Exit(status)


@app.command()
def explain(file: Path = FileArg, title: str = typer.Argument(..., help="[Statement], <Argument> or a bare title"),
            semantics: str = SemanticsOption, set: Optional[List[str]] = SetOption) -> None:
    """How one statement's credence (or argument's strength) comes about, as a tree down to
    the stated numbers, with the arithmetic at each step."""
    from argmap.explanation import derivation
    from argmap.propagate import credence

    model = _load(file)
    result = _usage(credence, model, semantics, _overrides(set))
    tree = _usage(derivation, result, title)
    status = _print_diagnostics(file, model.diagnostics + result.diagnostics)
    typer.echo(tree.text())
    raise typer.Exit(status)


@app.command()
def cruxes(file: Path = FileArg, top: Optional[int] = typer.Option(None, "--top", "-n", min=1, help="show the first N"),
           semantics: str = SemanticsOption, set: Optional[List[str]] = SetOption,
           format: str = FormatOption) -> None:
    """Every stated credence and inference, ranked by how far it moves each thesis when it
    moves by 0.1 either way, with the derivative: the numbers to check first."""
    import json

    from argmap.explanation import cruxes, cruxes_text
    from argmap.propagate import credence

    _format(format)
    model = _load(file)
    overrides = _overrides(set)
    with _progress("weighing the stated numbers") as progress:
        reports = _usage(cruxes, model, semantics, overrides, None, progress)
    status = _print_diagnostics(file, model.diagnostics + credence(model, semantics, overrides).diagnostics)
    if format == "json":
        shown = [report.model_dump(mode="json") | {"cruxes": [c.model_dump(mode="json") for c in report.cruxes[:top]]}
                 for report in reports]
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=1))
    else:
        typer.echo(cruxes_text(reports, str(file), top))
    raise typer.Exit(status)


# --- editing ----------------------------------------------------------------------------------

DryRun = typer.Option(False, "--dry-run", help="print a unified diff instead of writing the file")
KindOption = typer.Option(..., "--kind", help="support, attack, undercut, entails, contrary or contradictory")


def _open(path: Path):
    """A file opened for editing."""
    from argmap.edit import Document

    return _read(path, Document.open)


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
    except (EditError, OSError) as error:
        _refused(path, error)
    typer.echo(f"{path}: written")
    if show_credence:
        _print_credence_move(before, document.model)


def _refused(path: Path, error: Exception) -> None:
    """One line naming the file (an OSError says it cannot be written), then exit 1."""
    message = f"cannot write: {error.strerror or error}" if isinstance(error, OSError) else str(error)
    typer.echo(message if message.startswith(str(path)) else f"{path}: {message}", err=True)
    raise typer.Exit(1)


def _print_credence_move(before, after) -> None:
    from argmap.watch import bottom_line, moves

    _, old = bottom_line(before)
    _, new = bottom_line(after)
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
        width: int = typer.Option(100, min=20, help="wrap statement text longer than this")) -> None:
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
        except (EditError, OSError) as error:
            _refused(path, error)
        typer.echo(f"{path}: formatted")
    if check and unformatted:
        raise typer.Exit(1)


@app.command()
def watch(file: Path = FileArg,
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="redraw this diagram on each save"),
          interval: float = typer.Option(0.25, min=0.01, help="seconds between looks at the file")) -> None:
    """On each save: re-read, recompute and print the bottom line and how far it moved."""
    import gc

    from argmap.watch import Session, changes

    gc.enable()  # a long-lived process: each reading leaves cycles behind

    if not file.is_file():
        typer.echo(f"{file}: cannot read: no such file", err=True)
        raise typer.Exit(2)
    if output is not None:
        from argmap.render import format_of

        _usage(format_of, output)
    session = Session(file, output)
    typer.echo(f"watching {file} (Ctrl-C stops)")
    try:
        for data in changes(file, interval):
            typer.echo(session.update(data))
    except KeyboardInterrupt:
        pass


# --- drawing ----------------------------------------------------------------------------------

@app.command()
def render(file: Path = FileArg,
           output: Optional[Path] = typer.Option(None, "--output", "-o",
                                                 help="OUT.svg, .png, .pdf or .dot (default: DOT on stdout)"),
           semantics: str = SemanticsOption,
           premises: bool = typer.Option(False, "--premises", help="also draw every premise and its link"),
           depth: Optional[int] = typer.Option(None, "--depth", min=0,
                                               help="only what lies within N edges of the thesis (or of --focus)"),
           focus: Optional[str] = typer.Option(None, "--focus", help="draw one claim's neighbourhood: "
                                               "[Statement], <Argument> or a bare title (--depth, default 1)"),
           direction: str = typer.Option("LR", "--direction",
                                         help="LR (the thesis on the right), BT (on top) or TB")) -> None:
    """Draw the map with Graphviz: nodes coloured by credence, edges as wide as their contribution."""
    from argmap.propagate import credence
    from argmap.render import RenderError, diagram, format_of, render as draw

    if output is not None:
        _usage(format_of, output)
    model = _load(file)
    result = _usage(credence, model, semantics)
    status = _print_diagnostics(file, model.diagnostics + result.diagnostics)
    options = dict(premises=premises, depth=depth, focus=focus, direction=direction.upper())
    try:
        if output is None:
            sys.stdout.write(_usage(lambda: diagram(model, result, **options).source))
        else:
            _usage(lambda: draw(model, result, output, **options))
    except RenderError as error:
        typer.echo(f"argmap render: {error}", err=True)
        raise typer.Exit(1) from None
    except OSError as error:
        _refused(output, error)
    if output is not None:
        typer.echo(f"{output}: drawn", err=True)
    raise typer.Exit(status)


@app.command()
def report(file: Path = FileArg,
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="report.html (default: stdout)"),
           semantics: str = SemanticsOption) -> None:
    """One self-contained HTML page: the bottom line, the diagram, and each argument as a card
    with its premises, sources, inferences, arithmetic and diagnostics."""
    import os
    import shutil

    from argmap.check import check_map
    from argmap.propagate import credence
    from argmap.render import INSTALL_GRAPHVIZ
    from argmap.report import report as page

    model = _load(file)
    result = _usage(credence, model, semantics)
    status = _print_diagnostics(file, model.diagnostics + result.diagnostics)
    page_folder = (output.resolve().parent if output is not None else Path.cwd())
    map_folder = Path(os.path.relpath(file.resolve().parent, page_folder)).as_posix()
    text = page(model, result, check_map(model, semantics), "" if map_folder == "." else map_folder)
    if shutil.which("dot") is None:
        typer.echo(f"argmap report: the page has no diagram: Graphviz's `dot` is not installed; {INSTALL_GRAPHVIZ}",
                   err=True)
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, lambda stream: stream.write(text))
        typer.echo(f"{output}: written", err=True)
    raise typer.Exit(status)


@app.command()
def lsp(tcp: Optional[str] = typer.Option(None, "--tcp", metavar="HOST:PORT",
                                          help="listen on TCP instead of stdio, for debugging")) -> None:
    """The language server for editors: diagnostics, credences on hover and beside titles,
    navigation, rename, completion, fixes, formatting."""
    if tcp is not None and not tcp.rpartition(":")[2].isdigit():
        typer.echo(f"--tcp {tcp!r}: write HOST:PORT, e.g. --tcp 127.0.0.1:2087", err=True)
        raise typer.Exit(2)
    from argmap.lsp import serve

    serve(tcp)


def main() -> None:
    """Run the command; a bug in argmap is reported in one line, not as a traceback
    (set ARGMAP_DEBUG=1 to see it)."""
    import gc
    import os

    gc.disable()  # commands are short-lived and make few reference cycles (watch turns it back on)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")  # skips a scan of every installed package
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the last line of defence for users
        if os.environ.get("ARGMAP_DEBUG"):
            raise
        where = " ".join(arg for arg in sys.argv[1:] if not arg.startswith("-"))
        typer.echo(f"argmap: internal error ({type(error).__name__}: {error}) while running '{where}'; "
                   "please report it with the input file (ARGMAP_DEBUG=1 shows the details)", err=True)
        sys.exit(3)
