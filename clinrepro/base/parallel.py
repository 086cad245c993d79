"""The parts of one job side by side, on the cores its run has to spare.

A job whose parts read none of each other's outputs (the report job's figures, its power
step, its tables) runs them on processes forked from itself, each inheriting what the job
has read and imported and writing its own files. How many: the job's `threads`, and the
run's cores (`--cores`, the rule's resource `run_cores`) that no other job was using when
it started. Only a job forked from a resident process knows that (clinrepro.base.resident
counts the folder's jobs running); in its own process, a job keeps to its threads. So an
edit loop, where one job runs at a time, draws on both cores, and a full run, whose jobs
keep every core busy, runs each job's parts one after the other, as Snakemake scheduled.

A part that fails in its process is run again in the job's own, so that its error is the
one a single process raises (message and trace), reported as any other
(clinrepro.base.errors.running_step). The files are the same bytes however many processes
drew them; the log's lines of the parts may come in another order.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from clinrepro.base.resident import jobs_running

# the parts of the running call, read by the forked processes (a part is often a closure,
# which cannot be sent to them)
_PARTS: list[Callable[[], object]] = []


def _run_part(index: int) -> bool:
    """Whether the part ran through; its error is not sent back (the job raises its own)."""
    try:
        _PARTS[index]()
    except Exception:  # noqa: BLE001 - run again in the job, which raises it
        return False
    return True


def run_parts(parts: list[Callable[[], object]], workers: int) -> None:
    """Call every part (a function of no arguments), on `workers` processes at most (one:
    in this process, one after the other); return when all have ended. A part that failed
    is run again here, in the list's order, and raises as it would have alone."""
    if workers <= 1 or len(parts) <= 1:
        for part in parts:
            part()
        return
    _PARTS[:] = parts
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered before the fork is written twice
    failed = []
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(workers, len(parts)), mp_context=context) as pool:
            futures = [pool.submit(_run_part, index) for index in range(len(parts))]
        failed = [i for i, done in enumerate(futures) if done.exception() or not done.result()]
    finally:
        _PARTS.clear()
    for index in failed:
        parts[index]()


def processes(threads: int, run_cores: int) -> int:
    """How many processes a job may run its parts on: its `threads`, and in a job forked
    from a resident process the run's cores no other job was using when it started (each
    of the workflow's other jobs takes one thread)."""
    running = jobs_running()
    if running is None:
        return threads
    return threads + max(0, run_cores - threads - (running - 1))
