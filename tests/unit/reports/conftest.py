"""Report tests share the analytics module-wide workspace fixtures."""

from tests.unit.analytics.conftest import module_workspace, scratch

__all__ = ["module_workspace", "scratch"]
