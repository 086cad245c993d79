"""The parts of one job side by side, on the cores its run leaves idle.

A job whose parts read none of each other's outputs (the report job's figures, its power
step, its tables) runs them in its own process and, where the run has cores to spare, in
helper processes forked from it, each inheriting what the job has read and imported and
writing its own files; each process takes the next part not yet taken. The cores to spare:
the run's (`--cores`, the rule's resource `run_cores`, no more than the process may run
on) that no other job was using when the job was forked. Only a job forked from a resident
process knows that (clinrepro.base.resident counts the jobs it is running); in its own
process, a job keeps to its threads. The helpers run at the lowest priority: they take a
core's idle time only, so a job Snakemake starts meanwhile on that core is not slowed (it
counts on one core a job, and a job's helpers are not in its count). So the report of an
edit, the only job running, draws on both cores; a full run's jobs keep every core busy and
their helpers get next to nothing.

A part that fails in a helper is run again in the job's own process, so that its error is
the one a single process raises (message and trace; the lines it logged before failing
then come twice); once a part has failed no process takes another. On an interrupt (Ctrl-C)
the job kills its helpers at once, and a helper whose job is killed is killed with it. The
files are the same bytes however many processes wrote them; the log's lines of the parts
may come in another order. A process running threads other than Python's (a library's,
such as Parquet's readers) is not forked: its parts run one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable

from clinrepro.base.resident import end_with_parent, jobs_running

# a helper's priority (os.nice): the lowest, so that it takes idle time only
HELPER_NICENESS = 19


def run_parts(parts: list[Callable[[], object]], workers: int) -> None:
    """Call every part (a function of no arguments) on `workers` processes at most, this
    one among them (one: here, one after the other); return when all have ended. A part
    that failed is run again here, in the list's order, and raises as it would alone."""
    helpers = min(workers, len(parts)) - 1
    if helpers < 1 or not _python_threads_alone():
        for part in parts:
            part()
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered before the fork is written twice
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)  # the next part to take
    failed = context.Value("b", 0)  # a part failed: none is taken after it
    done = context.Array("b", len(parts))  # ran through, by part
    job = os.getpid()
    forked = []
    try:
        for _ in range(helpers):
            forked.append(context.Process(target=_helper, args=(job, parts, taken, failed, done)))
            forked[-1].start()
        own_error = _take_parts(parts, taken, failed, done)
        for process in forked:
            process.join()
    except BaseException:  # an interrupt: no helper goes on writing
        for process in forked:
            process.kill()
            process.join()
        raise
    for index, part in enumerate(parts):
        if not done[index]:
            if own_error and own_error[0] == index:
                raise own_error[1]
            part()


def _python_threads_alone() -> bool:
    """Whether every thread of this process is Python's own (a fork copies only the one
    forking, and Python readies the child for it; a library's own threads, such as
    Parquet's readers, may hold a lock the child would wait for)."""
    try:
        return len(os.listdir("/proc/self/task")) == threading.active_count()
    except OSError:
        return False


def _take_parts(parts: list, taken, failed, done) -> tuple[int, Exception] | None:
    """Run the parts not yet taken, one at a time, until none is left or one has failed;
    the first of this process's parts that failed, and its error."""
    while True:
        with taken.get_lock():
            index = taken.value
            if index >= len(parts) or failed.value:
                return None
            taken.value += 1
        try:
            parts[index]()
        except Exception as error:  # noqa: BLE001 - raised again by the job, in its order
            failed.value = 1
            return index, error
        done[index] = 1


def _helper(job: int, parts: list, taken, failed, done) -> None:
    end_with_parent(job)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the job answers an interrupt, and ends it
    os.nice(HELPER_NICENESS)
    _take_parts(parts, taken, failed, done)


def processes(threads: int, run_cores: int) -> int:
    """How many processes a job may run its parts on: its `threads`, and in a job forked
    from a resident process the run's cores no other job was using when it started (each
    of the workflow's other jobs takes one thread), no more than the cores this process may
    run on (a scheduler's node gives a job those it booked)."""
    running = jobs_running()
    if running is None:
        return threads
    cores = min(run_cores, len(os.sched_getaffinity(0)))
    return threads + max(0, cores - threads - (running - 1))
