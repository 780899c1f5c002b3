"""The command line makes a command only when it is looked up: a run makes the one it runs,
`argmap --help` lists them all from their functions and makes none, and what is printed is
what typer's usual group (every command made up front) prints. In-process, with typer's runner."""
from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from argmap import cli

# In the order the help lists them, as written here by hand (not read from cli.py).
COMMANDS = ["check", "evidence", "export", "import", "credence", "explain", "cruxes", "diff", "log", "set", "unset",
            "rename", "relate", "unrelate", "fmt", "watch", "render", "report", "lsp"]


def run(application, *args):
    result = CliRunner().invoke(application, list(args), prog_name="argmap")
    return result.exit_code, result.output


@pytest.fixture
def fresh(monkeypatch):
    """argmap's commands with none made yet (other tests may have made some)."""
    commands = cli._Commands()
    commands.apps = dict(cli._Group.every_command.apps)
    monkeypatch.setattr(cli._Group, "every_command", commands)
    return commands


@pytest.fixture(scope="module")
def eager():
    """The same commands in a plain typer app, which makes all of them before it runs."""
    application = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                              pretty_exceptions_enable=False, help=cli.app.info.help)
    application.callback()(cli._main)
    for one in cli._Group.every_command.apps.values():
        application.registered_commands.extend(one.registered_commands)
    return application


def test_a_run_makes_only_the_command_it_runs(fresh, tmp_path):
    (tmp_path / "map.argdown").write_text("[T]: the thesis\n")
    status, output = run(cli.app, "export", str(tmp_path / "map.argdown"))
    assert status == 0 and '"statements"' in output
    assert set(fresh.made) == {"export"}
    assert run(cli.app, "render", "--help")[0] == 0
    assert set(fresh.made) == {"export", "render"}


def test_the_help_lists_every_command_in_order_and_makes_none(fresh):
    status, output = run(cli.app, "--help")
    listed = [line.split()[0] for line in output.split("Commands:\n")[1].splitlines() if line[2:3].strip()]
    assert status == 0 and listed == COMMANDS
    assert list(fresh) == COMMANDS and not fresh.made


@pytest.mark.parametrize("args", [["--help"], [], ["--version"], ["exprot"], ["export"], ["fmt", "--width", "3", "x"],
                                  *([name, "--help"] for name in COMMANDS)], ids=repr)
def test_what_is_printed_is_what_typer_prints_with_every_command_made(args, eager):
    assert run(cli.app, *args) == run(eager, *args)


def test_a_commands_help_does_without_pydantic():
    """typer checks a `--help` that is not given with pydantic unless it is false."""
    program = ("import sys\nfrom argmap.cli import app\ntry:\n    app(['export', '--help'], prog_name='argmap')\nexcept SystemExit:\n"
               "    pass\nprint(sorted(name for name in sys.modules if name.split('.')[0] == 'pydantic'))")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Usage: argmap export [OPTIONS] FILE..." in done.stdout, done.stderr
    assert done.stdout.endswith("\n[]\n")
