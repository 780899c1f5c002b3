"""The `argmap` command: a thin layer over the Python API.

Each command is a few lines: load, call the stage, print. Heavy modules are imported inside
the commands, so ``argmap --help`` starts fast. No ``from __future__ import annotations``
here: typer reads every command's annotations, and evaluating them from strings took 8 ms of
each run.
"""
import inspect
import sys
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperCommand, TyperGroup


class _Command(TyperCommand):
    """Help in the usual Unix form whatever typer's version: `FILE...`, `--width N`, each
    option with its text, no Python type names."""

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first sentence whole, for `argmap --help`: cut to fit one line, it stopped mid-phrase."""
        return super().get_short_help_str(limit=1000)

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [self.options_metavar] + [_metavar(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]

    def format_options(self, ctx, formatter) -> None:
        rows: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                rows["Arguments"].append((_metavar(param), param.help or ""))
                continue
            names = ", ".join(sorted(param.opts, key=len)) + ("" if param.is_flag else f" {_metavar(param)}")
            shown = param.default not in (None, False, ()) and not param.required and not param.is_flag
            rows["Options"].append((names, (param.help or "") + (f"  [default: {param.default}]" if shown else "")))
        for title, items in rows.items():
            if items:
                with formatter.section(title):
                    formatter.write_dl(items)


def _metavar(param) -> str:
    return (param.metavar or param.name.upper()) + ("..." if param.nargs != 1 else "")


class _Commands(Mapping):
    """The commands by name, each made from its function (its signature read, its parameters
    built) the first time it is looked up: a run uses one, where making all of them took
    about 8 ms of every run."""

    def __init__(self) -> None:
        self.apps: dict[str, typer.Typer] = {}  # a one-command app each
        self.made: dict[str, typer.core.TyperCommand] = {}

    def __getitem__(self, name: str) -> typer.core.TyperCommand:
        if name not in self.made:
            self.made[name] = typer.main.get_command(self.apps[name])
        return self.made[name]

    def __contains__(self, name) -> bool:
        return name in self.apps

    def __iter__(self):
        return iter(self.apps)

    def __len__(self) -> int:
        return len(self.apps)

    def summary(self, name: str) -> str:
        """The command's first sentence as `argmap --help` lists it, read from its function
        without making the command (making all of them was a tenth of `argmap --help`)."""
        info = self.apps[name].registered_commands[0]
        return _Command(name=name, help=info.help or inspect.getdoc(info.callback),
                        short_help=info.short_help).get_short_help_str()


class _Group(TyperGroup):
    """`argmap` itself: its commands made as they are looked up (see :class:`_Commands`)."""

    every_command = _Commands()

    def __init__(self, *, commands=None, **settings) -> None:
        super().__init__(commands=self.every_command, **settings)

    def list_commands(self, ctx) -> list[str]:
        return list(self.commands)  # the names, in the order they were added; none made

    def get_help_option(self, ctx):
        """`--help`, false unless given: typer checks a value that is not given (None) with
        pydantic, whose import was two thirds of `argmap CMD --help`."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.default = False
        return option

    def format_commands(self, ctx, formatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, self.every_command.summary(name)) for name in self.list_commands(ctx)])


class _Typer(typer.Typer):
    """Every command gets :class:`_Command`'s help, and is made only when looked up."""

    def command(self, name: Optional[str] = None, **kwargs):
        kwargs.setdefault("cls", _Command)

        def add(function):
            one = typer.Typer(add_completion=False, rich_markup_mode=self.rich_markup_mode,
                              pretty_exceptions_short=self.pretty_exceptions_short)
            one.command(name, **kwargs)(function)
            # typer's name for it when none is given: the function's, with dashes for underscores
            _Group.every_command.apps[name or typer.main.get_command_name(function.__name__)] = one
            return function

        return add


app = _Typer(cls=_Group, add_completion=False, no_args_is_help=True, rich_markup_mode=None,
             pretty_exceptions_enable=False,
             help="Argument maps in Argdown: check, weigh, explain, render and edit them.")


def _version(shown: bool) -> None:
    if shown:
        import argmap

        typer.echo(f"argmap {argmap.__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="print argmap's version and exit")) -> None:
    """Argument maps in Argdown: check, weigh, explain, render and edit them."""


FileArg = typer.Argument(..., exists=False, dir_okay=False, metavar="FILE", help="an Argdown file")
MapFiles = typer.Argument(..., exists=False, dir_okay=False, metavar="FILE",
                          help="an Argdown file; several make one map (as the first one's `include:` would)")
TitleArg = "[Statement], <Argument> or a bare title"
SemanticsOption = typer.Option(None, "--semantics", "-s", metavar="NAME",
                               help="df-quad, quadratic-energy or vargdown (default: the front matter's "
                                    "`semantics:`, else df-quad)")
SetOption = typer.Option(None, "--set", metavar="TITLE=X",
                         help="what-if, leaving the file as it is: replace the credence or inference stated for "
                              "TITLE ([Statement] or <Argument> where a statement and an argument share it); "
                              "repeatable")
FormatOption = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text or json")


def _read(path: Path, reader, *more: Path):
    """``reader(path, *more)``, or exit 2 with one clear line when a file cannot be read (1 when
    the files make no map: an include cycle, say)."""
    from argmap.sources import IncludeError

    try:
        return reader(path, *more)
    except IncludeError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    except OSError as error:
        typer.echo(f"{error.filename or path}: cannot read: {error.strerror or error}", err=True)
        raise typer.Exit(2) from None


def _load(path: Path, *more: Path):
    """The model of a file (with the files it includes, and ``more``)."""
    import argmap

    return _read(path, argmap.load, *more)


def _load_weighed(path: Path, semantics: Optional[str], more: tuple = ()):
    """The model of a file (and ``more``) and the semantics to weigh it by: ``--semantics``,
    else its front matter's, else the default; exit 2 naming the choices for an unknown one."""
    from argmap.semantics import NAMES, chosen_for

    model = _load(path, *more)
    chosen = chosen_for(model.front_matter, semantics)
    if chosen not in NAMES:
        said = None if semantics else next((d for d in model.diagnostics if d.code == "front-matter-semantics"), None)
        if said is not None:  # the front matter's, which the build reports where it is written
            typer.echo(f"{path}:{said.line}:{said.column}: {said.message}", err=True)
        else:
            where = "" if semantics else f"{path}: the front matter names an "
            typer.echo(f"{where}unknown semantics {chosen!r}; choose one of {', '.join(NAMES)}", err=True)
        raise typer.Exit(2)
    return model, chosen


NUMBER_WARNINGS = frozenset(("conflicting-credence", "not-converged", "no-unique-limit", "vargdown-order"))  # shown in full by `credence`


def _print_diagnostics(path: Path, model, result=None, full: frozenset = frozenset(),
                       lines: Optional[list[str]] = None, checked: Optional[list] = None) -> int:
    """A map's problems on stderr: errors and notes in full (file:line:col and the source line),
    and the warnings `argmap check` prints as one line that points there, but for those whose
    code is in ``full``; ``result`` is the command's own credence run (a what-if's, say), whose
    findings are added and which `check` need not compute again; ``lines`` are the map's,
    where it is not the file at ``path`` (a git revision's); ``checked`` is `check_map`'s list
    where the command made it for its own use. Returns the exit status they call for (1 when
    one is an error)."""
    from argmap.check import brief, check_map, format_diagnostic
    from argmap.model import Severity

    checked = checked if checked is not None else check_map(model, result=result)
    found = [*checked, *(result.diagnostics if result is not None else ())]
    everything = {(d.line, d.column, d.code, d.message): d for d in found}
    diagnostics = sorted(everything.values(), key=lambda d: (d.line, d.column))
    located = _located(path, model, diagnostics, lines)
    shown, summary = brief([d for _, d, _ in located], str(path), full, pointer=lines is None or path.is_file())
    shown = {id(d) for d in shown}
    for where, diagnostic, lines_of in located:
        if id(diagnostic) in shown:
            typer.echo(format_diagnostic(diagnostic, where, lines_of()), err=True)
    if summary:
        typer.echo(summary, err=True)
    return 1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0


def _located(path: Path, model, diagnostics: list, lines: Optional[list[str]] = None) -> list[tuple]:
    """(file, diagnostic, its lines when asked) for each diagnostic: in the file it is in, with
    that file's line and column, where the map has several files."""
    if model.sources is None:
        import functools

        read = (lambda: lines) if lines is not None else functools.cache(lambda: model_source_lines(path))
        return [(str(path), diagnostic, read) for diagnostic in diagnostics]
    return [(where, diagnostic, lambda where=where: model.sources.lines(where))
            for where, diagnostic in model.sources.located(diagnostics)]


def _write(path: Path, write) -> None:
    """``write(stream)`` into ``path`` atomically, or exit 1 with one line saying why not."""
    from argmap.files import atomic_writer

    try:
        with atomic_writer(path, "w", encoding="utf-8", errors="backslashreplace") as stream:
            write(stream)
    except OSError as error:
        _refused(path, error)


def _output(output: Optional[Path], *inputs: Path) -> Optional[Path]:
    """Where ``--output`` goes: None for standard output (``-o -``); exit 2 with one line when it
    names a map being read, which the output would replace."""
    import os

    if output is None or str(output) == "-":
        return None
    for path in inputs:
        try:
            same = os.path.samefile(output, path)
        except OSError:
            same = False
        if same:
            typer.echo(f"{output}: this is the file being read; write the output to another file", err=True)
            raise typer.Exit(2)
    return output


def _files_read(model, named: list[Path]) -> list[Path]:
    """Every file a map was read from: those named and those their front matter includes."""
    return [Path(name) for name in model.sources.files] if model.sources is not None else list(named)


def _json(value, where: str = "") -> str:
    """``value`` as JSON that any reader accepts, numbers rounded to 12 significant digits: an
    infinite or undefined number becomes null, with a warning on stderr naming where it was
    (``where``: the file)."""
    import json
    import math

    from argmap.semantics import rounded

    replaced = []

    def finite(item, path: str):
        if isinstance(item, float) and not math.isfinite(item):
            replaced.append(f"{path[1:]} is {item}")
            return None
        if isinstance(item, dict):
            return {key: finite(part, f"{path}.{key}") for key, part in item.items()}
        if isinstance(item, (list, tuple)):
            return [finite(part, f"{path}[{index}]") for index, part in enumerate(item)]
        return item

    text = json.dumps(rounded(finite(value, "")), ensure_ascii=False, indent=1, allow_nan=False)
    for place in replaced:
        typer.echo(f"{where}: warning: {place}, which JSON cannot hold; written as null "
                   "(`argmap check` says which number of the map is at fault)", err=True)
    return text


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
def check(files: List[Path] = typer.Argument(..., metavar="FILE", help="Argdown files"),
          semantics: Optional[str] = typer.Option(
              None, "--semantics", "-s", metavar="NAME", help="vargdown: also warn where its rule turns a relation around"),
          evidence: bool = typer.Option(False, "--evidence",
                                        help="also check each #observation's quote against its saved source")) -> None:
    """Print each file's problems and a one-line summary; exit 1 if any file has errors (2 if
    one cannot be read)."""
    from argmap.check import check_map, format_diagnostic, plural
    from argmap.model import Severity
    from argmap.semantics import get

    if semantics is not None:
        _usage(get, semantics)
    status = 0
    for path in files:
        try:
            model = _load(path)
        except typer.Exit as stop:  # said on stderr: the file cannot be read, or makes no map; on to the next
            typer.echo(f"{path}: not checked")
            status = max(status, stop.exit_code)
            continue
        diagnostics = check_map(model, semantics)
        report = _check_evidence(path, None, model) if evidence else None
        if report is not None:
            diagnostics = sorted(diagnostics + report.diagnostics(), key=lambda d: (d.line, d.column))
        located = _located(path, model, diagnostics)
        diagnostics = [diagnostic for _, diagnostic, _ in located]
        for where, diagnostic, lines in located:
            typer.echo(format_diagnostic(diagnostic, where, lines()))
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
        typer.echo(f"{path}: {plural(len(model.statements), 'statement')}, {plural(len(model.arguments), 'argument')}, "
                   f"{plural(len(model.relations), 'relation')}, {plural(len(model.sections), 'section')}; "
                   f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
                   + (f"; evidence: {report.summary_text}" if report else ""))
        status = max(status, 1 if errors else 0)
    raise typer.Exit(status)


def _check_evidence(path: Path, root: Optional[Path], model):
    """The evidence report, with a progress bar once the work looks long."""
    from argmap.evidence import check_evidence

    with _progress("checking quotes") as progress:
        return check_evidence(path, root, model=model, progress=progress)


@app.command()
def evidence(file: Path = FileArg,
             root: Optional[Path] = typer.Option(None, "--root", metavar="DIR", help="resolve evidence links here instead of the "
                                                 "map's folder; nothing outside it is read"),
             format: str = FormatOption,
             fix_ranges: bool = typer.Option(False, "--fix-ranges",
                                             help="rewrite each #Lx-Ly that points at the wrong lines"),
             force: bool = typer.Option(False, "--force", help="with --fix-ranges: write a read-only map too")) -> None:
    """Check each #observation's quote against the saved copy of its source; exit 1 if a quote
    is not found or its file cannot be read."""
    from argmap.check import plural

    _format(format)
    if root is not None and not root.is_dir():
        typer.echo(f"{root}: --root must be a folder", err=True)
        raise typer.Exit(2)
    model = _load(file)
    report = _check_evidence(file, root, model)
    where = model.sources.at if model.sources is not None else lambda line, column: f"{file}:{line}:{column}"
    if format == "json":
        sys.stdout.write(_json(report.to_json(), str(file)) + "\n")
    else:
        for observation in report.observations:
            typer.echo(f"{where(observation.line, observation.column)}: {observation.message}")
        typer.echo(f"{file}: {report.summary_text}")
    if fix_ranges:
        from argmap.edit import EditError
        from argmap.evidence import fix_ranges as fix

        try:
            fixes = fix(file, report, force)
        except (OSError, EditError) as error:
            typer.echo(f"{file}: cannot fix the cited lines: {error}", err=True)
            raise typer.Exit(1) from None
        for change in fixes:
            typer.echo(f"{where(change.line, 1).rpartition(':')[0]}: [{change.statement}] {change.old} -> {change.new}",
                       err=format == "json")
        typer.echo(f"{file}: {plural(len(fixes), 'link')} fixed", err=format == "json")
    raise typer.Exit(1 if report.failed else 0)


def model_source_lines(path: Path) -> list[str]:
    from argmap.files import read_source, source_lines

    return source_lines(read_source(path).lstrip("\ufeff"))


@app.command()
def export(files: List[Path] = MapFiles,
           format: str = typer.Option("argdown-json", "--format", "-f", metavar="FORMAT",
                                      help="argdown-json (the reference's model), aif, graphml or qbaf-json"),
           semantics: Optional[str] = typer.Option(None, "--semantics", "-s", metavar="NAME",
                                                   help="whose credences aif and graphml carry (qbaf-json: a gradual "
                                                        "one; default: the front matter's `semantics:`, else df-quad)"),
           output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT",
                                                 help="write here instead of stdout")) -> None:
    """Export the model: Argdown JSON as the reference implementation writes it, AIF-JSON for
    AIFdb and OVA, GraphML for graph tools, or the weighted graph the semantics evaluates."""
    import io

    from argmap import formats

    file, *more = files
    _usage(formats.exporter, format)
    model, semantics = _load_weighed(file, semantics, more)
    output = _output(output, *_files_read(model, files))
    status = _print_diagnostics(file, model)
    if format == "argdown-json":  # streamed: the largest export, and it carries no credences
        write = lambda stream: formats.export(model, format, stream)  # noqa: E731
    else:  # made before anything is written, so that a semantics the format cannot carry writes nothing
        made = io.StringIO()
        _usage(formats.export, model, format, made, semantics)
        write = lambda stream: stream.write(made.getvalue())  # noqa: E731
    # Undecodable bytes of the map come out as JSON escapes (\udcXX) rather than as an error.
    if output is None:
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="backslashreplace")
        write(stream)
        stream.detach()
    else:
        _write(output, write)
    raise typer.Exit(status)


@app.command("import")
def import_command(file: Path = typer.Argument(..., dir_okay=False, metavar="FILE", help="a file in another format"),
                   source: str = typer.Option(..., "--from", metavar="FORMAT",
                                              help="argdown-json, aif or kialo (a Kialo text export)"),
                   output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT",
                                                         help="write the Argdown here (`-`: standard output, "
                                                              "the default)")) -> None:
    """Argdown text, as a person would write it, from Argdown JSON, AIF-JSON or a Kialo export."""
    from argmap import formats
    from argmap.files import read_source

    _usage(formats.importer, source)
    output = _output(output, file)
    text = _read(file, read_source)
    try:
        argdown = formats.import_text(text, source, str(file))
    except formats.FormatError as error:
        typer.echo(f"{file}:{error.line}:{error.column}: error: {error}", err=True)
        raise typer.Exit(1) from None
    if output is None:
        typer.echo(argdown, nl=False)
    else:
        _write(output, lambda stream: stream.write(argdown))


SamplesOption = typer.Option(None, "--samples", min=2,
                             metavar="N",
                             help="Monte Carlo: draw the numbers that have a range N times, report the spread")
SpreadOption = typer.Option(None, "--default-spread", metavar="X",
                            help="with --samples: numbers without a range vary by ±X too")
HistogramOption = typer.Option(None, "--output", "-o", metavar="OUT",
                                help="with --samples: draw the histogram to hist.svg or .png")


@app.command("credence")
def credence_command(files: List[Path] = MapFiles, semantics: Optional[str] = SemanticsOption, set: Optional[List[str]] = SetOption,
                     format: str = FormatOption, samples: Optional[int] = SamplesOption,
                     seed: Optional[int] = typer.Option(None, "--seed", metavar="S",
                                                        help="with --samples: same seed, same numbers (default 0)"),
                     default_spread: Optional[float] = SpreadOption,
                     output: Optional[Path] = HistogramOption) -> None:
    """The bottom line of each thesis and, beneath it, what bears on it: strength and
    contribution, the most influential first; with --samples, how sure it is."""
    from argmap.explanation import bottom_line, bottom_line_json
    from argmap.propagate import credence

    file, *more = files
    _format(format)
    if samples is None and (output is not None or default_spread is not None or seed is not None):
        typer.echo("-o, --seed and --default-spread go with --samples N", err=True)
        raise typer.Exit(2)
    model, semantics = _load_weighed(file, semantics, more)
    result = _usage(credence, model, semantics, _overrides(set))
    status = _print_diagnostics(file, model, result, NUMBER_WARNINGS)
    if samples is not None:
        _credence_samples(model, samples, seed or 0, semantics, default_spread, _overrides(set), format, output)
    else:
        typer.echo(_json(bottom_line_json(result), str(file)) if format == "json" else bottom_line(result))
    raise typer.Exit(status)


def _credence_samples(model, samples: int, seed: int, semantics: str, spread: Optional[float],
                      overrides: dict, format: str, output: Optional[Path]) -> None:
    """``credence --samples``: the spread of each thesis, and its histogram in ``output``."""

    from argmap.sampling import sample

    if output is not None:
        from argmap.charts import chart_format

        _usage(chart_format, output)
    report = _usage(lambda: sample(model, samples, seed, semantics, spread, overrides))
    typer.echo(_json(report.to_json(), str(model.path or "")) if format == "json" else report.text())
    if output is not None:
        from argmap.charts import histogram_chart

        _draw(output, lambda: histogram_chart(report, output))


@app.command()
def explain(files: List[Path] = MapFiles, title: str = typer.Argument(..., metavar="TITLE", help=TitleArg),
            semantics: Optional[str] = SemanticsOption, set: Optional[List[str]] = SetOption) -> None:
    """How one statement's credence (or argument's strength) comes about, as a tree down to
    the stated numbers, with the arithmetic at each step."""
    from argmap.explanation import derivation
    from argmap.propagate import credence

    file, *more = files
    model, semantics = _load_weighed(file, semantics, more)
    result = _usage(credence, model, semantics, _overrides(set))
    tree = _usage(derivation, result, title)
    status = _print_diagnostics(file, model, result)
    typer.echo(tree.text())
    raise typer.Exit(status)


@app.command()
def cruxes(files: List[Path] = MapFiles, top: Optional[int] = typer.Option(None, "--top", "-n", min=1, metavar="N", help="show the first N"),
           semantics: Optional[str] = SemanticsOption, set: Optional[List[str]] = SetOption,
           format: str = FormatOption,
           method: str = typer.Option("swing", "--method", "-m", metavar="METHOD",
                                      help="rank by: swing (±0.1, the default), derivative, shapley or removal"),
           seed: int = typer.Option(0, "--seed", metavar="S", help="with --method shapley: seeds the orders it samples")) -> None:
    """Every stated credence and inference, ranked by how far it moves each thesis when it
    moves by 0.1 either way (or by --method), with the derivative: the numbers to check first."""
    from argmap.explanation import cruxes, cruxes_json, cruxes_text
    from argmap.propagate import credence

    file, *more = files
    _format(format)
    model, semantics = _load_weighed(file, semantics, more)
    overrides = _overrides(set)
    with _progress("weighing the stated numbers") as progress:
        reports = _usage(lambda: cruxes(model, semantics, overrides, None, progress, method, seed))
    status = _print_diagnostics(file, model, credence(model, semantics, overrides))
    if format == "json":
        typer.echo(_json(cruxes_json(reports, top), str(file)))
    else:
        typer.echo(cruxes_text(reports, str(file), top))
    raise typer.Exit(status)


# --- versions ---------------------------------------------------------------------------------

@app.command()
def diff(old: str = typer.Argument(..., metavar="OLD", help="a file or REV:PATH (e.g. HEAD~3:maps/thesis.argdown)"),
         new: str = typer.Argument(..., metavar="NEW", help="a file or REV:PATH"), semantics: Optional[str] = SemanticsOption,
         format: str = FormatOption,
         seed: int = typer.Option(0, "--seed", metavar="S", help="for the random orders sampled beyond 12 changes")) -> None:
    """What changed between two versions of a map, and each change's share of each thesis's
    move (Shapley values: they add up to the move)."""
    from argmap.semantics import chosen_for
    from argmap.versions import diff as compare, load_version

    _format(format)
    status = 0
    versions = []
    for spec in (old, new):
        model, lines = _usage(load_version, spec)
        status = max(status, _print_diagnostics(Path(spec), model, lines=lines))
        versions.append(model)
    semantics = chosen_for(versions[-1].front_matter, semantics)  # as the new version says
    result = _usage(lambda: compare(*versions, semantics, seed))
    typer.echo(_json(result.to_json(), f"{old} and {new}") if format == "json" else result.text())
    raise typer.Exit(status)


@app.command()
def log(file: Path = FileArg, since: Optional[str] = typer.Option(None, "--since", metavar="REV",
                                                                  help="only the commits after REV"),
        output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT", help="draw the credences to chart.svg or .png"),
        semantics: Optional[str] = SemanticsOption, format: str = FormatOption) -> None:
    """The thesis at every commit that touched FILE: the commit, its date and subject, the
    move, and the change that moved it most."""
    from argmap.semantics import chosen_for
    from argmap.versions import history, log_text

    _format(format)
    if output is not None:
        from argmap.charts import chart_format

        _usage(chart_format, output)
    semantics = chosen_for(_load(file).front_matter, semantics)  # as the file says now
    points = _usage(lambda: history(file, since, semantics))
    typer.echo(_json([p.model_dump() for p in points], str(file)) if format == "json"
               else log_text(points))
    if output is not None:
        from argmap.charts import history_chart

        _draw(output, lambda: history_chart(points, output))


def _draw(output: Path, draw) -> None:
    """``draw()`` a chart into ``output``, saying so, or one line saying why not and exit 1."""
    try:
        draw()
    except OSError as error:
        _refused(output, error)
    typer.echo(f"{output}: drawn", err=True)


# --- editing ----------------------------------------------------------------------------------

DryRun = typer.Option(False, "--dry-run", help="print a unified diff instead of writing the file")
FromOption = typer.Option(..., "--from", metavar="TITLE",
                          help="the supporting or attacking side: [Statement], <Argument> or a bare title")
ToOption = typer.Option(..., "--to", metavar="TITLE", help="what it supports or attacks")
KindOption = typer.Option(..., "--kind", metavar="KIND", help="support, attack, undercut, entails, contrary or contradictory")
ForceOption = typer.Option(False, "--force", help="write the file even if it is read-only")


def _open(path: Path):
    """A file opened for editing."""
    from argmap.edit import Document

    return _read(path, Document.open)


def _edit(path: Path, change, dry_run: bool, show_credence: bool = False, force: bool = False) -> None:
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
        if not dry_run:
            written = document.changed_files
            notes = document.save(force)
    except (EditError, OSError) as error:
        _refused(path, error, 2 if isinstance(error, ValueError) else 1)
    if dry_run:
        sys.stdout.write(document.diff())
        return
    for note in notes:
        typer.echo(f"warning: {note}", err=True)
    for name in written:
        typer.echo(f"{name}: written")
    if show_credence:
        _print_credence_move(before, document.model)


def _refused(path: Path, error: Exception, status: int = 1) -> None:
    """One line naming the file (an OSError says it cannot be written), then exit ``status``."""
    typer.echo(_refusal(path, error), err=True)
    raise typer.Exit(status)


def _refusal(path: Path, error: Exception) -> str:
    """One line naming the file an edit could not write: the map's, or one it includes."""
    if isinstance(error, OSError):
        return f"{error.filename or path}: cannot write: {error.strerror or error}"
    return str(error) if getattr(error, "path", None) is not None or str(error).startswith(str(path)) \
        else f"{path}: {error}"


def _print_credence_move(before, after) -> None:
    from argmap.watch import bottom_line, moves

    _, old = bottom_line(before)
    _, new = bottom_line(after)
    for line in moves(old, new):
        typer.echo(line)


@app.command("set")
def set_value(file: Path = FileArg, title: str = typer.Argument(..., metavar="TITLE",
                                                                 help="the statement's title; with --inference, also <Argument>"),
              credence: Optional[str] = typer.Option(None, metavar="X", help="trust in the statement's source, 0 to 1"),
              inference: Optional[str] = typer.Option(None, metavar="X", help="how strongly the premises support this "
                                                      "conclusion, 0 to 1; where several arguments conclude it, "
                                                      "give TITLE as <Argument>"),
              reason: Optional[str] = typer.Option(None, metavar="TEXT", help="why: written as the data block's reason"),
              text: Optional[str] = typer.Option(None, metavar="TEXT", help="the statement's new text"),
              force: bool = typer.Option(False, "--force", help="write it anyway: a credence where an argument "
                                         "concludes the statement (it then overrides the argument), a read-only file"),
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
            document.set_credence(title, credence, reason, force)
        elif inference is not None:
            document.set_inference(title, inference, reason)
        elif reason is not None:
            document.set_reason(title, reason)

    _edit(file, change, dry_run, show_credence=True, force=force)


@app.command()
def unset(file: Path = FileArg, title: str = typer.Argument(..., metavar="TITLE", help="the statement's title"),
          key: str = typer.Argument(..., metavar="KEY", help="credence, inference or reason"),
          dry_run: bool = DryRun, force: bool = ForceOption) -> None:
    """Remove a statement's credence, inference or reason wherever it is written; every other
    byte stays."""
    _edit(file, lambda document: document.unset(title, key), dry_run, show_credence=True, force=force)


@app.command()
def rename(file: Path = FileArg, old: str = typer.Argument(..., metavar="OLD", help="a title; [Title] or <Title> where both exist"),
           new: str = typer.Argument(..., metavar="NEW", help="the new title"), dry_run: bool = DryRun,
           force: bool = ForceOption) -> None:
    """Rename a statement or an argument at its definitions, references and mentions."""
    _edit(file, lambda document: document.rename(old, new), dry_run, force=force)


@app.command()
def relate(file: Path = FileArg, source: str = FromOption, target: str = ToOption,
           kind: str = KindOption, dry_run: bool = DryRun,
           force: bool = typer.Option(False, "--force", help="write it anyway: a relation by which a claim would "
                                      "bear on itself, a read-only file")) -> None:
    """Add a relation line under the target, indented as the file indents relations."""
    _edit(file, lambda document: document.relate(source, target, kind, force), dry_run, show_credence=True,
          force=force)


@app.command()
def unrelate(file: Path = FileArg, source: str = FromOption, target: str = ToOption,
             kind: str = KindOption, dry_run: bool = DryRun, force: bool = ForceOption) -> None:
    """Remove the lines that write a relation."""
    _edit(file, lambda document: document.unrelate(source, target, kind), dry_run, show_credence=True, force=force)


@app.command()
def fmt(files: List[Path] = typer.Argument(..., metavar="FILE", help="Argdown files"),
        check: bool = typer.Option(False, "--check", help="write nothing; exit 1 if a file is not formatted"),
        width: int = typer.Option(100, min=20, metavar="N", help="wrap statement text longer than this"),
        force: bool = ForceOption) -> None:
    """Give files argmap's canonical layout; the map they describe stays the same, and a file
    with errors stays as it is (exit 1)."""
    from argmap.edit import Document, EditError

    unformatted = broken = 0
    for path in files:
        document = _read(path, lambda path: Document.open(path, includes=False))  # each file on its own
        if document.model.errors:  # what the parser salvaged from them is no map to keep the same
            first = document.model.errors[0]
            typer.echo(f"{path}:{first.line}:{first.column}: not formatted: {first.message} "
                       f"(fix the errors first; `argmap check {path}` lists them)", err=True)
            broken += 1
            continue
        for layout_pass in document.format(width):
            typer.echo(f"{path}: left the {layout_pass} layout as it was: it would change the map", err=True)
        if not document.changed:
            continue
        unformatted += 1
        if check:
            typer.echo(f"{path}: not formatted")
            continue
        try:
            notes = document.save(force)
        except (EditError, OSError) as error:  # said, and on to the next file
            typer.echo(_refusal(path, error), err=True)
            broken += 1
            continue
        for note in notes:
            typer.echo(f"warning: {note}", err=True)
        typer.echo(f"{path}: formatted")
    if broken or (check and unformatted):
        raise typer.Exit(1)


@app.command()
def watch(file: Path = FileArg,
          output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT",
                                                help="redraw this diagram (.svg, .png, .pdf or .dot) on each good save"),
          interval: float = typer.Option(0.25, min=0.01, metavar="SECONDS", help="seconds between looks at the file")) -> None:
    """On each save: re-read, recompute and print the bottom line and how far it moved."""
    import gc

    from argmap.watch import Session, changes

    gc.enable()  # a long-lived process: each reading leaves cycles behind

    if not file.is_file():
        typer.echo(f"{file}: cannot read: no such file", err=True)
        raise typer.Exit(2)
    output = _output(output, file)
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
def render(files: List[Path] = MapFiles,
           output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT",
                                                 help="OUT.svg, .png, .pdf or .dot (default: DOT on stdout)"),
           semantics: Optional[str] = SemanticsOption,
           premises: bool = typer.Option(False, "--premises", help="also draw every premise and its link"),
           depth: Optional[int] = typer.Option(None, "--depth", min=0, metavar="N",
                                               help="only what lies within N edges of the thesis (or of --focus)"),
           focus: Optional[str] = typer.Option(None, "--focus", metavar="TITLE", help="draw one claim's neighbourhood: "
                                               "[Statement], <Argument> or a bare title (--depth, default 1)"),
           direction: str = typer.Option("LR", "--direction", metavar="DIRECTION",
                                         help="LR (the thesis on the right), BT (on top) or TB"),
           palette: str = typer.Option("default", "--palette", metavar="PALETTE",
                                       help="default (safe for colour-blind readers) or greyscale (for print)"),
           size: Optional[str] = typer.Option(None, "--size", metavar="SIZE", help="fit to a4, slide or WxH "
                                              "(inches, or with in, cm or mm: 7x5, 18x12cm) with type of 8 pt or more")) -> None:
    """Draw the map with Graphviz: nodes coloured by credence, edges as wide as their contribution."""
    from argmap.check import check_map
    from argmap.propagate import credence
    from argmap.render import RenderError, check_options, find, fit, format_of, page, render as draw

    if size is not None:  # a slip in the command line is said before the map is read
        _usage(page, size)
    if output is not None and str(output) != "-":
        _usage(format_of, output)
    _usage(check_options, direction.upper(), palette.lower())
    file, *more = files
    model, semantics = _load_weighed(file, semantics, more)
    output = _output(output, *_files_read(model, files))
    if focus is not None:  # before the map's warnings, which would bury it
        _usage(find, model, focus)
    result = _usage(credence, model, semantics)
    checked = check_map(model, semantics, result)
    status = _print_diagnostics(file, model, result, checked=checked)
    options = dict(premises=premises, depth=depth, focus=focus, direction=direction.upper(), palette=palette.lower(),
                   size=size, diagnostics=checked)
    try:
        if output is None:
            graph, notes = _usage(lambda: fit(model, result, **options))
            sys.stdout.write(graph.source)
        else:
            notes = _usage(lambda: draw(model, result, output, **options))
        for note in notes:
            typer.echo(f"warning: {note}", err=True)
    except RenderError as error:
        typer.echo(f"argmap render: {error}", err=True)
        raise typer.Exit(1) from None
    except OSError as error:
        _refused(output or Path("standard output"), error)
    if output is not None:
        typer.echo(f"{output}: drawn", err=True)
    raise typer.Exit(status)


@app.command()
def report(files: List[Path] = MapFiles,
           output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="OUT", help="report.html (default: stdout)"),
           semantics: Optional[str] = SemanticsOption,
           evidence: Optional[bool] = typer.Option(None, "--evidence/--no-evidence",
                                                   help="check each quote and show its status as a badge "
                                                        "(default: when the map's saved papers are there)"),
           root: Optional[Path] = typer.Option(None, "--root", metavar="DIR",
                                               help="resolve evidence links here")) -> None:
    """One self-contained HTML page: contents, the bottom line, the diagram, and each argument
    as a card that folds, with its premises, sources, evidence, inferences, arithmetic and
    diagnostics."""
    import os
    import shutil

    from argmap.check import check_map
    from argmap.propagate import credence
    from argmap.render import INSTALL_GRAPHVIZ
    from argmap.report import report as page

    file, *more = files
    model, semantics = _load_weighed(file, semantics, more)
    output = _output(output, *_files_read(model, files))
    result = _usage(credence, model, semantics)
    checked = check_map(model, semantics, result)
    status = _print_diagnostics(file, model, result, checked=checked)
    page_folder = (output.resolve().parent if output is not None else Path.cwd())
    map_folder = Path(os.path.relpath(file.resolve().parent, page_folder)).as_posix()
    found = _check_evidence(file, root, model) if evidence is not False else None
    if evidence is None and found is not None and not found.papers_present:
        found = None
    diagnostics = checked + (found.diagnostics() if found else [])
    text = page(model, result, diagnostics, "" if map_folder == "." else map_folder, found)
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
    (set ARGMAP_DEBUG=1 to see it). What the command made is left to the operating system
    (see :func:`_leave`): this is the process's entry point, not for calling in-process (what
    each call made would stay in memory); tests and programs run ``app`` or the Python API."""
    import gc
    import os

    gc.disable()  # commands are short-lived and make few reference cycles (watch turns it back on)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")  # skips a scan of every installed package
    for stream in (sys.stdout, sys.stderr):  # map text may hold undecodable bytes: print them escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # what is still buffered: a full disk shows here
    except SystemExit as done:  # the command's end
        _leave(done)
        raise
    except OSError as error:  # the output cannot be written: a full disk, a closed pipe
        _output_failed(error)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - the last line of defence for users
        if os.environ.get("ARGMAP_DEBUG"):
            raise
        where = " ".join(arg for arg in sys.argv[1:] if not arg.startswith("-"))
        typer.echo(f"argmap: internal error ({type(error).__name__}: {error}) while running '{where}'; "
                   "please report it with the input file (ARGMAP_DEBUG=1 shows the details)", err=True)
        sys.exit(3)


def _leave(ending: SystemExit) -> None:
    """Leave what the command made to the operating system instead of freeing it object by
    object as the interpreter exits: 0.8 s of the export of a 5,000-argument map, 0.13 s of
    the thesis's. The exception that ends the process holds it: its context is the command's
    ``typer.Exit``, whose traceback keeps the command's frame (a command that returns instead
    frees its objects as it returns). A reference cycle through the exception, frozen with every object the collector
    knows, is never collected, so none of it is freed, and the interpreter's last collection
    has almost nothing to look at. The exit is otherwise the usual one: threads joined, exit
    functions run, output flushed, the command's status."""
    import gc

    kept: list = [ending]
    kept.append(kept)
    gc.freeze()


def _output_failed(error: OSError) -> None:
    """One line naming the output that could not be written, then exit 1 at once (flushing
    what is left would fail again)."""
    import os

    where = error.filename or "standard output"
    try:
        sys.stderr.write(f"{where}: cannot write: {error.strerror or error}\n")
        sys.stderr.flush()
    finally:
        os._exit(1)
