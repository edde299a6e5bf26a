"""Writing an export file safely: through a temporary name, so a failure or Cancel never leaves half a file."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from crm_desktop.domain.errors import Cancelled, StorageError, ValidationError

Progress = Callable[[float, str], None]
ShouldCancel = Callable[[], bool]


def check_target(out: Path) -> Path:
    """`out` as a path whose folder exists and which is not itself a folder."""
    out = Path(out)
    if out.is_dir():
        raise ValidationError(f"{out} is a folder; choose a file name to export to.", field="out")
    if not out.parent.is_dir():
        raise ValidationError(f"The folder {out.parent} does not exist.", field="out")
    return out


@contextmanager
def atomic_text(out: Path, *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text file that appears at `out` only when the block finishes without an error."""
    out = check_target(out)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temporary.open("w", encoding=encoding, newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, out)
    except OSError as exc:
        raise StorageError(f"Could not write {out}: {exc.strerror or exc}") from exc
    finally:
        temporary.unlink(missing_ok=True)


def quiet(fraction: float, message: str) -> None:
    """Progress sink when nobody listens."""


def never() -> bool:
    """Cancel check when nobody can cancel."""
    return False


def check_cancel(should_cancel: ShouldCancel, what: str) -> None:
    """Stop with Cancelled (nothing written, or the transaction rolled back) when the user pressed Cancel."""
    if should_cancel():
        raise Cancelled(f"{what} was cancelled; nothing was written")
