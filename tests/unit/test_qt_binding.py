"""The Qt binding must not corrupt Python's reference counts (PySide6 6.12.0 did, and the app died in seconds)."""

from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_qt_calls_keep_none_alive(qapp: object) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1_000):
        label.setText("x")
    assert sys.getrefcount(None) - before > -100, "this PySide6 release leaks references to None: exclude it"
