"""A real editor on the language server: Neovim, headless, with the set-up docs/editors.md gives
for Neovim 0.7, attaches `argmap lsp` to a copy of the thesis and reads diagnostics, hover,
definition and inlay hints back through its own Lua API.

Neovim comes from Debian's `neovim` package (0.7), installed here when the tests run as root;
elsewhere the tests skip, saying what to install.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, THESIS
from system import system_program

DOCS = ROOT / "docs" / "editors.md"

# After the user's config: open the map, wait for diagnostics, ask the server, write JSON.
READ_BACK = r"""
local out = {}
local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('ARGMAP_MAP')))
  local buffer = vim.api.nvim_get_current_buf()
  out.diagnostics_arrived = vim.wait(30000, function() return #vim.diagnostic.get(buffer) > 0 end, 20)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    table.insert(out.diagnostics, { line = d.lnum, col = d.col, severity = d.severity,
      message = d.message, code = d.code })
  end
  local uri = vim.uri_from_bufnr(buffer)
  local function ask(method, params)
    params.textDocument = { uri = uri }
    local answers, err = vim.lsp.buf_request_sync(buffer, method, params, 15000)
    if not answers then return { error = err } end
    local _, answer = next(answers)
    return { result = answer.result, error = answer.error and answer.error.message }
  end
  local function at(line, character) return { position = { line = line, character = character } } end
  -- 0-based positions: line 21 `[Natural Manifold]: ...`, line 26 `  + <SVD Basis Cluster>`,
  -- line 71 `  +> [Natural Manifold]`
  out.hover_thesis = ask('textDocument/hover', at(20, 3))
  out.hover_argument = ask('textDocument/hover', at(25, 8))
  out.definition_statement = ask('textDocument/definition', at(70, 9))
  out.definition_argument = ask('textDocument/definition', at(25, 8))
  out.inlay_hints = ask('textDocument/inlayHint', { range = { start = { line = 0, character = 0 },
    ['end'] = { line = vim.api.nvim_buf_line_count(buffer), character = 0 } } })

  -- Type a new credence on line 286 (`{reason: "ICLR 2024; ...", credence: 0.75}`), as a user
  -- would, and ask again until the thesis's hover changes.
  local line = vim.api.nvim_buf_get_lines(buffer, 285, 286, true)[1]
  local column = line:find('credence: 0.75', 1, true) + #'credence: '
  vim.api.nvim_buf_set_text(buffer, 285, column - 1, 285, column + 3, { '0.45' })
  vim.wait(10000, function()
    out.hover_after_edit = ask('textDocument/hover', at(20, 3))
    local value = out.hover_after_edit.result and out.hover_after_edit.result.contents.value or ''
    return not value:find('0.7212', 1, true)
  end, 50)

  -- Apply the quick fix offered at line 117 and wait for its warning to go.
  local actions = ask('textDocument/codeAction', { range = { start = { line = 116, character = 0 },
    ['end'] = { line = 116, character = 0 } }, context = { diagnostics = {} } })
  out.code_actions = {}
  for _, action in ipairs(actions.result or {}) do
    table.insert(out.code_actions, action.title)
    if action.edit and action.title:find('----', 1, true) then
      vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
    end
  end
  vim.wait(10000, function() return #vim.diagnostic.get(buffer) == 2 end, 20)
  out.lines_after_fix = vim.api.nvim_buf_get_lines(buffer, 115, 118, true)
  out.warnings_after_fix = {}
  for _, d in ipairs(vim.diagnostic.get(buffer)) do table.insert(out.warnings_after_fix, d.lnum + 1) end
end
local ok, err = pcall(run)
if not ok then out.lua_error = tostring(err) end
local file = io.open(os.getenv('ARGMAP_OUT'), 'w')
file:write(vim.fn.json_encode(out))
file:close()
vim.cmd('qall!')
"""


def documented_setup() -> str:
    """The Neovim 0.7 set-up of docs/editors.md, which the test runs as the user's config."""
    found = re.search(r"### Neovim 0\.7.*?```lua\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert found, "docs/editors.md has no Lua block under '### Neovim 0.7'"
    return found[1]


@pytest.fixture(scope="session")
def nvim() -> str:
    """The nvim command (see :func:`system.system_program`), 0.7 or later."""
    command = system_program("neovim", "nvim")
    version = subprocess.run([command, "--version"], capture_output=True, text=True).stdout
    found = re.match(r"NVIM v(\d+)\.(\d+)", version)
    if not found or (int(found[1]), int(found[2])) < (0, 7):
        pytest.skip(f"Neovim 0.7 or later is needed, found {version.splitlines()[:1]}")
    return command


@pytest.fixture(scope="module")
def answers(nvim, tmp_path_factory) -> dict:
    """What Neovim read back from `argmap lsp` on a copy of the thesis."""
    folder = tmp_path_factory.mktemp("nvim")
    document = folder / "natural_manifold.argdown"
    shutil.copyfile(THESIS, document)
    script, out = folder / "argmap.lua", folder / "out.json"
    script.write_text(documented_setup() + READ_BACK, encoding="utf-8")
    # `argmap` as the set-up names it: the one installed beside this Python
    path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"
    environment = dict(os.environ, PATH=path, ARGMAP_MAP=str(document), ARGMAP_OUT=str(out),
                       XDG_STATE_HOME=str(folder), XDG_CACHE_HOME=str(folder))
    done = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"],
                          env=environment, cwd=folder, timeout=120, capture_output=True, text=True)
    assert out.exists(), f"Neovim wrote no answers: {done.stdout[-1000:]} {done.stderr[-1000:]}"
    read = json.loads(out.read_text(encoding="utf-8"))
    assert "lua_error" not in read, read["lua_error"]
    return read


def text(hover: dict) -> str:
    """The markup of a hover answer, whichever of the protocol's shapes it has."""
    contents = hover["result"]["contents"]
    if isinstance(contents, list):
        return "\n".join(part if isinstance(part, str) else part["value"] for part in contents)
    return contents if isinstance(contents, str) else contents["value"]


def test_diagnostics_are_those_of_argmap_check(answers):
    assert answers["diagnostics_arrived"]
    warnings = sorted((d["line"] + 1, d["col"] + 1) for d in answers["diagnostics"] if d["severity"] <= 2)
    # argmap check on the thesis: three warnings and no error
    assert warnings == [(117, 1), (210, 7), (258, 7)]  # the two undefined titles, at the title
    missing, = (d for d in answers["diagnostics"] if d["line"] == 116)
    assert missing["severity"] == 2
    assert "no inference line (----)" in missing["message"]
    assert "[SVD Causal Not Correlational]" in missing["message"]
    assert all(d["code"] for d in answers["diagnostics"])
    did_you_mean, = (d for d in answers["diagnostics"] if d["line"] == 209)
    assert "did you mean <Orthogonal Preservation>?" in did_you_mean["message"]


def test_hover_on_the_thesis_shows_its_text_and_computed_credence(answers):
    shown = text(answers["hover_thesis"])
    assert "The model's own geometric structure" in shown
    assert "0.7212" in shown  # df-quad, as `argmap credence` prints it


def test_hover_on_an_argument_shows_its_strength_and_arithmetic(answers):
    shown = text(answers["hover_argument"])
    # premises 0.88, 0.74 and 0.80 (lines 51, 60, 67), inference 0.85 (line 70): 0.4428
    assert "0.4428" in shown
    assert all(number in shown for number in ("0.88", "0.74", "0.85"))


def locations(answer: dict) -> list[tuple[str, int, int]]:
    """(file name, first line, last line) of each place, 1-based."""
    result = answer["result"]
    result = [result] if isinstance(result, dict) else result
    ranges = [(place.get("uri") or place["targetUri"], place.get("range") or place["targetRange"]) for place in result]
    return [(os.path.basename(uri), where["start"]["line"] + 1, where["end"]["line"] + 1) for uri, where in ranges]


def test_definition_of_a_reference_jumps_to_its_definition(answers):
    # `+> [Natural Manifold]` (line 71) to `[Natural Manifold]: The model's own ...` (line 21)
    assert locations(answers["definition_statement"]) == [("natural_manifold.argdown", 21, 21)]
    # `+ <SVD Basis Cluster>` (line 26): the argument has no description, so its definition is
    # its premise-conclusion structure, from `(1) [SVD Init Wins]` (line 45) to line 71
    assert locations(answers["definition_argument"]) == [("natural_manifold.argdown", 45, 71)]


def test_inlay_hints_show_the_thesis_credence_after_its_title(answers):
    hints = answers["inlay_hints"]["result"]
    labels = {(hint["position"]["line"] + 1, label(hint)) for hint in hints}
    assert any(line == 21 and "0.7212" in shown for line, shown in labels), labels


def label(hint: dict) -> str:
    value = hint["label"]
    return value if isinstance(value, str) else "".join(part["value"] for part in value)


def test_a_credence_typed_in_the_editor_moves_the_thesis(answers):
    # [Random Projections Plus Scaling] 0.75 -> 0.45: as `argmap credence --set
    # "Random Projections Plus Scaling=0.45"` gives it
    assert "0.7497" in text(answers["hover_after_edit"])


def test_the_quick_fix_inserts_the_missing_inference_line(answers):
    assert any("----" in title for title in answers["code_actions"])
    assert answers["lines_after_fix"][1].strip() == "----"
    assert answers["lines_after_fix"][2].startswith("(2) [SVD Causal Not Correlational]")
    # the line numbers below the inserted line move down by one
    assert sorted(answers["warnings_after_fix"]) == [211, 259]
