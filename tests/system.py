"""Real programs some tests drive (a browser, an editor), from Debian's packages."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def system_program(package: str, *names: str) -> str:
    """The first of ``names`` on the PATH, installed from Debian's ``package`` with apt-get when
    none is there and the tests run as root; else the calling test skips, saying how to get it."""
    if not any(map(shutil.which, names)):
        if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
            pytest.skip(f"{names[0]} is not installed and installing it needs root: sudo apt-get install {package}")
        environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
            done = subprocess.run(command, env=environment, capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"could not install {package} ({' '.join(command)}): {done.stderr.strip()[-300:]}")
    return next(shutil.which(name) for name in names if shutil.which(name))
