"""Shared test helpers: where the repository, the thesis and ../shared are."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# No test may depend on how fast the machine is: hypothesis's per-example deadline is off.
settings.register_profile("argmap", deadline=None)
settings.load_profile("argmap")

ROOT = Path(__file__).resolve().parent.parent
THESIS = ROOT / "maps" / "natural_manifold.argdown"
SHARED = ROOT.parent / "shared"


def shared(*parts: str) -> Path:
    """A path under ../shared, or skip the test, saying why, when the folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared test data lives in ../shared beside the repository")
    return path


@pytest.fixture(scope="session")
def thesis():
    import argmap

    return argmap.load(THESIS)
