"""A reproducible demo business (a specialty coffee roaster) for trying the app and for benchmarks.

`populate(db=..., size="small")` fills an empty workspace in one journaled transaction; `size="large"`
and `"huge"` give the DESIGN §14 benchmark sets.
"""

from crm_desktop.services.demo.loader import DemoSummary, populate
from crm_desktop.services.demo.world import SIZES, Size

__all__ = ["SIZES", "DemoSummary", "Size", "populate"]
