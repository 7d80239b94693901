"""The fuzz and authorization suites share one kind of fixture: a world (tests/fuzz/world.py) per module."""
from __future__ import annotations

import pytest

from .world import start


@pytest.fixture(scope="module")
def world():
    w, stop = start()
    yield w
    stop()
