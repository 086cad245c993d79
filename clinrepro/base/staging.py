"""All-or-nothing writes: every file goes to a temporary file first and is renamed into
place only when all are written. No heavy imports: every step may use it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def write_all(writers: dict[str, Callable[[str], None]]) -> None:
    """Call each writer with a temporary path beside its file, then rename them all into
    place; on any error no file is left half-written."""
    staged = []
    try:
        for path, write in writers.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            staged.append((tmp, path))
            write(tmp)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.remove(tmp)
