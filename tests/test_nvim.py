"""A real editor on the language server: Neovim, headless, attaches `argmap lsp` to a copy of
the thesis and reads diagnostics, hover, definition and inlay hints back through its own Lua
API. The Lua below is what a user's config does (docs/editors.md), plus the read-back.

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

from conftest import THESIS

LUA = r"""
local out = {}
local function run()
  local path = os.getenv('ARGMAP_MAP')
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buffer = vim.api.nvim_get_current_buf()
  local client = vim.lsp.start_client({
    name = 'argmap',
    cmd = { os.getenv('ARGMAP_PYTHON'), '-m', 'argmap', 'lsp' },
    root_dir = vim.fn.fnamemodify(path, ':h'),
  })
  vim.lsp.buf_attach_client(buffer, client)
  out.diagnostics_arrived = vim.wait(10000, function() return #vim.diagnostic.get(buffer) > 0 end, 20)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out.diagnostics, { line = d.lnum, col = d.col, severity = d.severity,
      message = d.message, code = d.code, related = lsp.relatedInformation })
  end
  local uri = vim.uri_from_bufnr(buffer)
  local function ask(method, line, character)
    local answers, err = vim.lsp.buf_request_sync(buffer, method,
      { textDocument = { uri = uri }, position = { line = line, character = character } }, 5000)
    if not answers then return { error = err } end
    local answer = answers[client] or {}
    return { result = answer.result, error = answer.error and answer.error.message }
  end
  -- 0-based positions: line 21 `[Natural Manifold]: ...`, line 26 `  + <SVD Basis Cluster>`,
  -- line 71 `  +> [Natural Manifold]`
  out.hover_thesis = ask('textDocument/hover', 20, 3)
  out.hover_argument = ask('textDocument/hover', 25, 8)
  out.definition_statement = ask('textDocument/definition', 70, 9)
  out.definition_argument = ask('textDocument/definition', 25, 8)
  local hints, err = vim.lsp.buf_request_sync(buffer, 'textDocument/inlayHint', { textDocument = { uri = uri },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(buffer), character = 0 } } },
    5000)
  out.inlay_hints = hints and hints[client] and hints[client].result or { error = err }
end
local ok, err = pcall(run)
if not ok then out.lua_error = tostring(err) end
local file = io.open(os.getenv('ARGMAP_OUT'), 'w')
file:write(vim.fn.json_encode(out))
file:close()
vim.cmd('qall!')
"""


@pytest.fixture(scope="session")
def nvim() -> str:
    """The nvim command, installed with apt-get when it is missing and we are root."""
    if not shutil.which("nvim"):
        if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
            pytest.skip("Neovim is not installed and installing it needs root: sudo apt-get install neovim")
        environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "neovim"]):
            done = subprocess.run(command, env=environment, capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"could not install Neovim ({' '.join(command)}): {done.stderr.strip()[-300:]}")
    version = subprocess.run(["nvim", "--version"], capture_output=True, text=True).stdout
    found = re.match(r"NVIM v(\d+)\.(\d+)", version)
    if not found or (int(found[1]), int(found[2])) < (0, 7):
        pytest.skip(f"Neovim 0.7 or later is needed, found {version.splitlines()[:1]}")
    return shutil.which("nvim")


@pytest.fixture(scope="module")
def session(nvim, tmp_path_factory) -> dict:
    """What Neovim read back from `argmap lsp` on a copy of the thesis."""
    folder = tmp_path_factory.mktemp("nvim")
    document = folder / "natural_manifold.argdown"
    shutil.copyfile(THESIS, document)
    script, out = folder / "argmap.lua", folder / "out.json"
    script.write_text(LUA, encoding="utf-8")
    environment = dict(os.environ, ARGMAP_MAP=str(document), ARGMAP_OUT=str(out),
                       ARGMAP_PYTHON=sys.executable, XDG_STATE_HOME=str(folder), XDG_CACHE_HOME=str(folder))
    subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"],
                   env=environment, cwd=folder, timeout=60, capture_output=True)
    answers = json.loads(out.read_text(encoding="utf-8"))
    assert "lua_error" not in answers, answers["lua_error"]
    return answers


def text(hover: dict) -> str:
    """The markup of a hover answer, whichever of the protocol's shapes it has."""
    contents = hover["result"]["contents"]
    if isinstance(contents, list):
        return "\n".join(part if isinstance(part, str) else part["value"] for part in contents)
    return contents if isinstance(contents, str) else contents["value"]


def test_diagnostics_are_those_of_argmap_check(session):
    assert session["diagnostics_arrived"]
    warnings = sorted((d["line"] + 1, d["col"] + 1) for d in session["diagnostics"] if d["severity"] <= 2)
    # argmap check on the thesis: three warnings and no error
    assert warnings == [(117, 1), (210, 1), (258, 1)]
    missing, = (d for d in session["diagnostics"] if d["line"] == 116)
    assert missing["severity"] == 2
    assert "no inference line (----)" in missing["message"]
    assert "[SVD Causal Not Correlational]" in missing["message"]
    assert all(d["code"] for d in session["diagnostics"])
    did_you_mean, = (d for d in session["diagnostics"] if d["line"] == 209)
    assert "did you mean <Orthogonal Preservation>?" in did_you_mean["message"]


def test_hover_on_the_thesis_shows_its_text_and_computed_credence(session):
    shown = text(session["hover_thesis"])
    assert "The model's own geometric structure" in shown
    assert "0.7212" in shown  # df-quad, as `argmap credence` prints it


def test_hover_on_an_argument_shows_its_strength_and_arithmetic(session):
    shown = text(session["hover_argument"])
    # premises 0.88, 0.74 and 0.80 (lines 51, 60, 67), inference 0.85 (line 70): 0.4428
    assert "0.4428" in shown
    assert all(number in shown for number in ("0.88", "0.74", "0.85"))


def locations(answer: dict) -> list[tuple[str, int]]:
    result = answer["result"]
    result = [result] if isinstance(result, dict) else result
    return [(os.path.basename(place.get("uri", place.get("targetUri", ""))),
             (place.get("range") or place["targetSelectionRange"])["start"]["line"] + 1) for place in result]


def test_definition_of_a_reference_jumps_to_its_definition(session):
    assert locations(session["definition_statement"]) == [("natural_manifold.argdown", 21)]
    assert locations(session["definition_argument"]) == [("natural_manifold.argdown", 43)]


def test_inlay_hints_show_the_thesis_credence_after_its_title(session):
    hints = session["inlay_hints"]
    assert "error" not in hints, hints
    labels = {(hint["position"]["line"] + 1, label(hint)) for hint in hints}
    assert any(line == 21 and "0.7212" in shown for line, shown in labels), labels


def label(hint: dict) -> str:
    value = hint["label"]
    return value if isinstance(value, str) else "".join(part["value"] for part in value)
