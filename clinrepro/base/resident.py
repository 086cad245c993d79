"""Jobs forked from a resident process that holds the libraries imported.

Each job of the workflow is a fresh Python process (Snakemake's `script:`), and most of a
small job's time was importing pandas, scipy.stats, pandera, matplotlib and statsmodels
(docs/benchmarks.md). A job's script calls `hand_over()` first. If a resident process of
this working folder is listening (`SOCKET`), the script runs in a child forked from it, with
the job's folder, environment, search path and standard streams, while the job's own
process waits and ends with the child's exit code. The resident process imports libraries
only, never this package: each job imports the package's sources afresh, so an edited source
takes effect as before (and `running_step` still checks them against the job's code input).

The first job that finds none starts one and runs itself as before; the resident process
listens once its imports are done and ends after `IDLE_SECONDS` without a job. Nothing
depends on it: a job it refuses (another user, interpreter or environment), a platform
other than Linux, a job on a cluster node or `CLINREPRO_RESIDENT=0` runs in its own process as it
always did, with the same outputs. One thing differs: Snakemake's benchmark file of a
forked job measures the waiting process, so its memory is not the job's (docs/outputs.md).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

from clinrepro.base.imports import PACKAGE, module_name, names_imported

# where the resident process listens, relative to the workflow's working folder: one a
# machine, as a cluster's nodes may share the folder (named by a digest of the machine's
# name: a socket's path has at most 107 bytes)
MACHINE = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
SOCKET = Path(f".snakemake/clinrepro/resident.{MACHINE}.sock")
# how long it waits for a next job, unless the environment says (CLINREPRO_RESIDENT_IDLE)
IDLE_SECONDS = 300.0
# a start not listening by then has failed, and another job may start one
STALE_SECONDS = 60.0
SWITCH = "CLINREPRO_RESIDENT"
IDLE = "CLINREPRO_RESIDENT_IDLE"
# how long a job may take to send its request
READ_SECONDS = 5.0
# how long a child of a killed job has to end after its interrupt
KILL_SECONDS = 10.0
# set in a forked job, so that its own hand_over() lets the script run
CHILD = "CLINREPRO_RESIDENT_CHILD"
# set in a forked job: how many jobs of this folder were running when it was forked, itself
# included (`jobs_running`)
JOBS = "CLINREPRO_RESIDENT_JOBS"
# what Snakemake's preamble of a Python script imports
PREAMBLE = ("pickle", "snakemake.iocontainers", "snakemake.logging")
# variables that a shell or make set for themselves: a run from `make run` and one from the
# shell differ in them, and no library reads them
BOOKKEEPING = frozenset(
    ("_", "SHLVL", "OLDPWD", "MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")
    + ("MAKE_TERMOUT", "MAKE_TERMERR")
)
# what Snakemake sets in each job to its rule's `threads`, read by numerical libraries when
# they load to size their thread pools: the resident process loads them with one thread, as
# a job of one thread does (every rule's), and forks a job of more too, whose libraries then
# have one thread
THREADS = ("OMP_NUM_THREADS", "GOTO_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
THREADS += ("VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
_SIZE = struct.Struct("!Q")
_CODE = struct.Struct("!i")
_FORKED = b"F"


def libraries(root: Path) -> list[str]:
    """What the package's sources import from outside it and the standard library (a
    function's own imports too), by name: what the jobs would import themselves."""
    names = set()
    for path in sorted((root / PACKAGE).rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        name = module_name(path, root)
        for module in names_imported(tree, name, path.name == "__init__.py"):
            top = module.split(".")[0]
            if top not in sys.stdlib_module_names and top not in ("__future__", PACKAGE):
                names.add(module)
    return sorted(names)


def hand_over() -> None:
    """Run this job's script in a child of the resident process and end with its exit code;
    return, so that the script runs here, when there is none or it refuses the job."""
    main = sys.modules["__main__"].__dict__
    if (
        os.environ.get(CHILD)
        or os.environ.get(SWITCH, "1") == "0"
        or sys.platform != "linux"  # fork, and the peer's credentials, as Linux has them
        or "__real_file__" not in main  # not run by Snakemake's `script:`
    ):
        return
    request = json.dumps(
        {
            "script": os.path.abspath(main["__real_file__"]),
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "path": list(sys.path),
            "executable": sys.executable,
        }
    ).encode()
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(SOCKET))
    except OSError:  # none listening (or it is ending): this job runs here
        connection.close()
        start()
        return
    try:
        if _peer_uid(connection) != os.getuid():  # not this user's: nothing is sent
            raise OSError
        socket.send_fds(connection, [_SIZE.pack(len(request)) + request], [0, 1, 2])
    except OSError:
        connection.close()
        return
    with connection:
        if _receive(connection, len(_FORKED)) != _FORKED:  # refused
            return
        reply = _receive(connection, _CODE.size)
    if reply is None:
        print(
            f"The resident process ({SOCKET}) ended while it ran this job, whose outputs may "
            f"be incomplete; run the job again, with {SWITCH}=0 if it happens again.",
            file=sys.stderr,
        )
        os._exit(1)
    code = _CODE.unpack(reply)[0]
    os._exit(code if code >= 0 else 128 - code)  # killed by a signal: as a shell says it


def _peer_uid(connection: socket.socket) -> int:
    """The user of the process at the other end of a connection."""
    return struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]


def _receive(connection: socket.socket, size: int) -> bytes | None:
    data = b""
    with contextlib.suppress(OSError):
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                break
            data += chunk
    return data if len(data) == size else None


def idle_seconds() -> float:
    """How long a resident process waits for a next job: CLINREPRO_RESIDENT_IDLE, or 300."""
    text = os.environ.get(IDLE, str(IDLE_SECONDS))
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise ValueError(
            f"{IDLE}={text!r} is not a number of seconds: no resident process is started, "
            f"each job runs in its own process."
        )
    return seconds


def start() -> None:
    """Start the resident process in the background, unless a job is starting one; not a
    child of this job's process, whose benchmark would count it."""
    try:
        idle_seconds()
    except ValueError as error:
        print(error, file=sys.stderr)
        return
    lock = SOCKET.with_suffix(".starting")
    with contextlib.suppress(OSError):
        SOCKET.parent.mkdir(parents=True, exist_ok=True)
        if time.time() - lock.stat().st_mtime > STALE_SECONDS:
            lock.unlink()
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError:  # another job is starting it (or the folder cannot be written)
        return
    between = os.fork()
    if between == 0:  # starts it and ends at once, so that it is nobody's child
        with contextlib.suppress(OSError):  # none: the lock goes stale, jobs run alone
            subprocess.Popen(
                [sys.executable, "-m", "clinrepro.base.resident", str(SOCKET)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        os._exit(0)
    os.waitpid(between, 0)


def serve(path: Path) -> None:
    """Import the libraries, listen at `path` and fork a child a job; end when idle."""
    try:
        import importlib

        os.environ.update(dict.fromkeys(THREADS, "1"))
        start_env = dict(os.environ)
        for name in (*PREAMBLE, *libraries(Path(__file__).resolve().parents[2])):
            with contextlib.suppress(Exception):
                importlib.import_module(name)
        # what the imports set (pandera sets two variables): a job's own imports would too
        added = {k: v for k, v in os.environ.items() if start_env.get(k) != v}
        listening = _listen(path)
        ours = path.stat().st_ino
    finally:
        with contextlib.suppress(OSError):
            path.with_suffix(".starting").unlink()

    def withdraw() -> None:
        """New jobs find none (and start another); those waiting to connect are refused."""
        with contextlib.suppress(OSError):
            if path.stat().st_ino == ours:  # not one started since
                path.unlink()

    try:
        _serve(listening, start_env, added, withdraw)
    finally:
        withdraw()
        listening.close()


def _listen(path: Path) -> socket.socket:
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    pending = path.with_name(f"{path.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        pending.unlink()
    listening.bind(str(pending))
    os.chmod(pending, 0o600)
    listening.listen(64)
    os.replace(pending, path)  # jobs find it only when it is ready
    return listening


def stamps() -> tuple:
    """What a job forked now would hold from the imports: the folders packages are installed
    in (installing or removing one changes its folder) and this module's own code. A
    resident process whose stamps changed takes no more jobs and ends."""
    held = [Path(__file__), Path(__file__).with_name("imports.py")]
    held += [Path(p) for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    found = []
    for path in held:
        with contextlib.suppress(OSError):
            found.append((str(path), path.stat().st_mtime_ns))
    return tuple(found)


def _serve(listening: socket.socket, start_env: dict, added: dict, withdraw) -> None:
    import selectors

    idle, imported, server = idle_seconds(), stamps(), os.getpid()
    imported_in = libraries_read(start_env)
    selector = selectors.DefaultSelector()
    selector.register(listening, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}
    interrupted: dict[int, float] = {}
    idle_since = time.monotonic()
    while children or (time.monotonic() - idle_since < idle and listening.fileno() >= 0):
        for key, _ in selector.select(timeout=0.05):
            if key.fileobj is listening:
                connection, _ = listening.accept()
                request, fds = _request(connection)
                if request is None or not matches(request, imported_in, imported):
                    for fd in fds:
                        os.close(fd)
                    connection.close()
                    if request is not None:  # the jobs from now on start one that matches
                        withdraw()
                        selector.unregister(listening)
                        listening.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    end_with_parent(server)
                    selector.close()
                    for held in (listening, connection, *children.values()):
                        held.close()
                    request["env"].update(added, **{JOBS: str(len(children) + 1)})
                    _run_child(request, fds)
                for fd in fds:
                    os.close(fd)
                with contextlib.suppress(OSError):
                    connection.sendall(_FORKED)
                children[pid] = connection
                selector.register(connection, selectors.EVENT_READ, pid)
            else:  # the job's process ended (killed) before its child: interrupt it, as
                # Ctrl-C would have, and kill it if it has not ended in KILL_SECONDS
                selector.unregister(key.fileobj)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(key.data, signal.SIGINT)
                interrupted[key.data] = time.monotonic() + KILL_SECONDS
        for pid, deadline in list(interrupted.items()):
            if pid not in children:
                del interrupted[pid]
            elif time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            connection = children.pop(pid)
            with contextlib.suppress(KeyError, ValueError):
                selector.unregister(connection)
            with contextlib.suppress(OSError):
                connection.sendall(_CODE.pack(os.waitstatus_to_exitcode(status)))
            connection.close()
            idle_since = time.monotonic()


def jobs_running() -> int | None:
    """In a job forked from a resident process: how many of the folder's jobs were running
    when it was forked, itself included; None in a job run in its own process."""
    held = os.environ.get(JOBS) if os.environ.get(CHILD) else None
    return int(held) if held else None


def libraries_read(env: dict) -> dict:
    """An environment but the shell's and make's own bookkeeping and the jobs' threads."""
    return {k: v for k, v in env.items() if k not in BOOKKEEPING and k not in THREADS}


def matches(request: dict, imported_in: dict, imported: tuple) -> bool:
    """Whether a job would have imported what this process holds: the same Python, the same
    environment (`imported_in`, read by `libraries_read`), no package installed since."""
    return (
        request["executable"] == sys.executable
        and libraries_read(request["env"]) == imported_in
        and stamps() == imported
    )


def _request(connection: socket.socket) -> tuple[dict | None, list[int]]:
    """The job a connection asks for, with its standard streams; None (its descriptors
    closed) if it is not this user's or not a whole request."""
    fds: list[int] = []
    try:
        connection.settimeout(READ_SECONDS)  # a silent client holds up no other job
        uid = _peer_uid(connection)
        message, fds, _, _ = socket.recv_fds(connection, 1 << 16, 3)
        size = _SIZE.unpack(message[: _SIZE.size])[0]
        data = message[_SIZE.size :] + (
            _receive(connection, size + _SIZE.size - len(message)) or b""
        )
        request = json.loads(data)
        if uid == os.getuid() and len(fds) == 3 and {"env", "executable"} <= set(request):
            return request, fds
    except (OSError, ValueError, KeyError, struct.error):
        pass
    for fd in fds:
        os.close(fd)
    return None, []


def _fresh_streams() -> None:
    """Standard streams on the job's descriptors, buffered as Python would have them: the
    resident process's were opened on /dev/null."""
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        held = getattr(sys, name)
        line = name == "stderr" or os.isatty(fd)
        stream = open(  # noqa: SIM115 - the process's stream, for its life
            fd,
            "r" if fd == 0 else "w",
            buffering=1 if line and fd else -1,
            encoding=held.encoding,
            errors=held.errors,
            closefd=False,
        )
        if fd and unbuffered:
            stream.reconfigure(write_through=True)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def end_with_parent(parent: int) -> None:
    """A child is killed when its parent (the resident process, a job) ends, killed too, so
    that nothing goes on writing after Snakemake has failed the job."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)


def _run_child(request: dict, fds: list[int]) -> None:
    """In the forked child: become the job's process, run its script and exit as Python
    would (the trace of an uncaught error on stderr, then 1)."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        # the package's modules this process holds (its own, to serve): each job imports
        # the package afresh, as in a process of its own
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"], **{CHILD: "1"})
        _fresh_streams()
        sys.path[:] = request["path"]
        sys.argv = [request["script"]]
        import runpy

        try:
            runpy.run_path(request["script"], run_name="__main__")
            code = 0
        except SystemExit as end:
            if end.code is None or isinstance(end.code, int):
                code = end.code or 0
            else:
                print(end.code, file=sys.stderr)
        except BaseException:  # noqa: BLE001 - any error ends the job as in its own process
            import traceback

            traceback.print_exc()
        import atexit
        import logging

        atexit._run_exitfuncs()
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    finally:
        os._exit(code)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
