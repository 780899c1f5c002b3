#!/usr/bin/env python3
"""Set up argmap and run its main job or its tests, on a machine that has only Python.

    python3 tasks.py thesis   # the Natural Manifold thesis: its credence and its diagram
    python3 tasks.py test     # the test suite

Creates a virtual environment in .venv, installs argmap and what it needs into it, and
installs the system Graphviz (`dot`), and for the tests Neovim (the editor the language server
is tested in) and Chromium (the browser the report is tested in), with apt-get when run as root; otherwise it says what to install. Only the standard library is used here, since nothing else is installed yet.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
THESIS = ROOT / "maps" / "natural_manifold.argdown"
OUT = ROOT / "out"


def say(message: str) -> None:
    print(f"[tasks] {message}", flush=True)


def run(*command: str | Path) -> int:
    """Run a command, showing its output; its exit status."""
    return subprocess.run([str(part) for part in command]).returncode


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(*packages: str) -> bool:
    """Install Debian packages when we may; False when we may not."""
    if not (is_root() and shutil.which("apt-get")):
        return False
    say(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, stdout=subprocess.DEVNULL)
    return subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env,
                          stdout=subprocess.DEVNULL).returncode == 0


def ensure_venv() -> None:
    if (BIN / "python").exists():
        return
    say("creating the virtual environment .venv")
    try:
        venv.create(VENV, with_pip=True)
    except (subprocess.CalledProcessError, OSError):
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        if not apt_install(version) and not apt_install("python3-venv"):
            sys.exit(f"[tasks] Python cannot create virtual environments here: install {version} "
                     "(sudo apt-get install python3-venv) and run this again.")
        venv.create(VENV, with_pip=True)


def ensure_installed(extras: str) -> None:
    """pip install argmap (editable) with the given extras, again only when pyproject changes."""
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing argmap{f'[{extras}]' if extras else ''} and its dependencies into .venv "
        "(a minute or two the first time; pip shows each step)")
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    if run(BIN / "python", "-m", "pip", "install", "--progress-bar", "on", "--disable-pip-version-check",
           "-e", target) != 0:
        sys.exit("[tasks] pip could not install argmap's dependencies (see above); check the network "
                 "connection or the package index, then run this again.")
    stamp.write_text(digest)


def byte_compile() -> None:
    """Byte-compile argmap's modules where Python would not (PYTHONDONTWRITEBYTECODE, as on CI),
    so that no command compiles them again at start-up; quick when nothing changed."""
    subprocess.run([str(BIN / "python"), "-m", "compileall", "-q", str(ROOT / "argmap"), str(ROOT / "grammar")],
                   stdout=subprocess.DEVNULL)


def ensure_graphviz() -> bool:
    if shutil.which("dot"):
        return True
    if apt_install("graphviz") and shutil.which("dot"):
        return True
    say("Graphviz is not installed, so diagrams come out as .dot only; install it with "
        "'sudo apt-get install graphviz' (Debian/Ubuntu) or from https://graphviz.org/download/")
    return False


def thesis() -> int:
    ensure_venv()
    ensure_installed("")
    byte_compile()
    has_dot = ensure_graphviz()
    OUT.mkdir(exist_ok=True)
    argmap = BIN / "argmap"
    run(argmap, "check", THESIS)  # shows the map's warnings once
    status = quietly(argmap, "credence", THESIS)
    diagram = OUT / ("thesis.svg" if has_dot else "thesis.dot")
    drawn = quietly(argmap, "render", THESIS, "-o", diagram)
    if drawn == 0:
        say(f"diagram written to {diagram.relative_to(ROOT)}")
    return status or drawn


def quietly(*command: str | Path) -> int:
    """Run an argmap command showing its output, and its messages only if it fails (the map's
    warnings were shown by `argmap check` already)."""
    result = subprocess.run([str(part) for part in command], stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
    return result.returncode


def ensure_neovim() -> None:
    """The real editor the language server's end-to-end test drives (it skips without one)."""
    if not shutil.which("nvim") and not apt_install("neovim"):
        say("Neovim is not installed, so the editor test will skip; install it with 'sudo apt-get install neovim'")


def ensure_chromium() -> None:
    """The real browser the report's tests open it in (they skip without one)."""
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    if not any(map(shutil.which, names)) and not apt_install("chromium"):
        say("Chromium is not installed, so the report's browser tests will skip; install it with "
            "'sudo apt-get install chromium'")


def test() -> int:
    ensure_venv()
    ensure_installed("test")
    byte_compile()
    ensure_graphviz()
    ensure_neovim()
    ensure_chromium()
    # One worker per core: the suite is CPU-bound and its tests share no files.
    return run(BIN / "python", "-m", "pytest", "-q", "-n", "auto", *sys.argv[2:])


def main() -> int:
    tasks = {"thesis": thesis, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        print(__doc__.strip())
        return 2
    os.chdir(ROOT)
    return tasks[sys.argv[1]]()


if __name__ == "__main__":
    sys.exit(main())
