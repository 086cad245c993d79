"""Jobs forked from the resident process (clinrepro/base/resident.py): what a job's process
sees of it, the refusals, and the libraries it imports."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from clinrepro.base import resident
from conftest import ROOT, ended, wait_for

# a job as Snakemake's `script:` writes it: its preamble sets __real_file__
JOB = textwrap.dedent("""\
    __real_file__ = __file__
    import sys

    held = [name for name in sys.modules if name.startswith("clinrepro")]
    from clinrepro.base.resident import hand_over

    hand_over()

    import json, os, sys, time
    from clinrepro.base.resident import jobs_running

    asked = json.loads(open("asked.json").read())  # the environment must stay the same
    print("ran", os.getpid(), os.getppid(), os.getcwd(), os.environ.get("MARK"),
          "scipy.stats" in sys.modules, sys.argv[0], held, sys.stdout.line_buffering,
          jobs_running(), sep="|")
    print("to stderr", file=sys.stderr)
    if "pid_file" in asked:
        open(asked["pid_file"], "w").write(str(os.getpid()))
        try:
            time.sleep(60)
        finally:
            open(asked["pid_file"] + ".ended", "w").close()
    if "fail" in asked:
        raise ValueError("the job's own error")
    sys.exit(asked.get("code", 0))
    """)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A working folder with a job script, whose first job started its resident process;
    yields the folder, the jobs' environment, the process's id and that first job."""
    folder = tmp_path_factory.mktemp("resident")
    (folder / "job.py").write_text(JOB)
    env = {k: v for k, v in os.environ.items() if k != resident.SWITCH}
    env["PYTHONPATH"] = str(ROOT)
    # it waits out the other tests a worker runs between these (ended by the last below)
    env[resident.IDLE] = "300"
    first = job(folder, env)
    wait_for((folder / resident.SOCKET).exists)
    server = int(fields(job(folder, env))[2])
    yield folder, env, server, first
    with contextlib.suppress(ProcessLookupError):
        os.kill(server, signal.SIGKILL)


def job(folder, env, asked=None, **extra):
    (folder / "asked.json").write_text(json.dumps(asked or {}))
    return subprocess.run(
        [sys.executable, "job.py"],
        cwd=folder,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=60,
    )


def fields(run):
    return run.stdout.strip().split("|")


def test_a_job_runs_in_a_child_of_the_resident_process_with_its_folder_streams_and_code(
    project,
):
    folder, env, server, _ = project
    run = job(folder, env, {"code": 3})
    _, pid, parent, cwd, mark, imported, argv, held, line_buffered, running = fields(run)
    assert run.returncode == 3
    assert int(parent) == server and int(pid) != server
    assert (cwd, mark, imported, argv) == (str(folder), "None", "True", str(folder / "job.py"))
    # none of the package's modules held by the resident process: each is imported afresh;
    # the job's stdout a pipe here, so not line-buffered, as in a process of its own
    assert (held, line_buffered) == ("[]", "False")
    assert run.stderr == "to stderr\n"
    assert running == "1"  # the only job running


def test_a_job_is_told_how_many_jobs_ran_when_it_was_forked_and_one_of_more_threads_is_forked(
    project,
):
    folder, env, server, _ = project
    client, child = sleeping_job(folder, env)
    try:
        # Snakemake sets the thread pools' sizes to a rule's threads: the libraries the
        # resident process holds were loaded with one, and the job is forked as well
        threads = dict.fromkeys(resident.THREADS, "2")
        run = job(folder, env, **threads)
        assert (int(fields(run)[2]), fields(run)[-1]) == (server, "2")
    finally:
        client.kill()
        client.wait()
        wait_for(lambda: ended(child), 15)


def test_a_job_s_uncaught_error_ends_it_with_its_trace_and_1(project):
    folder, env, server, _ = project
    run = job(folder, env, {"fail": True})
    assert run.returncode == 1
    assert int(fields(run)[2]) == server
    assert run.stderr.startswith("to stderr\nTraceback (most recent call last):\n")
    assert run.stderr.endswith("ValueError: the job's own error\n")


def sleeping_job(folder, env):
    """A job whose child is asleep, and the child's process id."""
    pid_file = folder / "pid"
    (folder / "asked.json").write_text(json.dumps({"pid_file": str(pid_file)}))
    client = subprocess.Popen(
        [sys.executable, "job.py"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: pid_file.exists() and pid_file.read_text())
    child = int(pid_file.read_text())
    pid_file.unlink()
    assert child != client.pid
    return client, child


def test_a_killed_job_s_child_is_interrupted_and_ends_as_its_own_process_would(project):
    folder, env, _, _ = project
    client, child = sleeping_job(folder, env)
    client.send_signal(signal.SIGKILL)
    client.wait()
    wait_for(lambda: ended(child), 10)
    assert (folder / "pid.ended").exists()  # its `finally:` ran


def test_a_silent_connection_holds_up_the_next_job_no_longer_than_the_read_limit(project):
    folder, env, server, _ = project
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(str(folder / resident.SOCKET))
    start = time.monotonic()
    run = job(folder, env)
    assert run.returncode == 0 and int(fields(run)[2]) == server
    assert time.monotonic() - start < resident.READ_SECONDS + 3
    silent.close()


def test_an_idle_time_that_is_not_a_number_is_said_and_starts_none(tmp_path):
    (tmp_path / "job.py").write_text(JOB)
    env = {**os.environ, "PYTHONPATH": str(ROOT), resident.IDLE: "5m"}
    env.pop(resident.SWITCH, None)
    run = job(tmp_path, env)
    assert run.returncode == 0 and int(fields(run)[2]) == os.getpid()
    assert run.stderr == (
        "CLINREPRO_RESIDENT_IDLE='5m' is not a number of seconds: no resident process is "
        "started, each job runs in its own process.\nto stderr\n"
    )
    assert not (tmp_path / resident.SOCKET.parent).exists()


def test_a_job_switched_off_runs_in_its_own_process_one_from_make_does_not(project):
    folder, env, server, _ = project
    run = job(folder, env, {"code": 2}, **{resident.SWITCH: "0"})
    assert run.returncode == 2
    assert int(fields(run)[2]) == os.getpid() and fields(run)[5] == "False"
    assert fields(run)[-1] == "None"  # in its own process: it cannot know the others
    # `make run` sets variables of its own: the job is still forked
    run = job(folder, env, MAKELEVEL="1", MAKEFLAGS="", MFLAGS="", SHLVL="9")
    assert run.returncode == 0 and int(fields(run)[2]) == server


# last of the jobs of `project`: its resident process ends
def test_a_job_in_another_environment_runs_in_its_own_process_and_the_resident_one_ends(
    project,
):
    folder, env, server, _ = project
    run = job(folder, env, {"code": 2}, MARK="another environment")
    _, pid, parent, _, mark, imported, *_ = fields(run)
    assert run.returncode == 2 and (mark, imported) == ("another environment", "False")
    assert int(parent) == os.getpid()
    wait_for(lambda: ended(server), 10)
    assert not (folder / resident.SOCKET).exists()


def test_the_stamps_change_when_a_package_is_installed(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path)])
    before = resident.stamps()
    assert [path for path, _ in before] == [
        str(Path(resident.__file__)),
        str(Path(resident.__file__).with_name("imports.py")),
        str(site),
    ]
    time.sleep(0.01)
    (site / "new_package-1.0.dist-info").mkdir()
    assert resident.stamps()[:2] == before[:2] and resident.stamps()[2] != before[2]


def test_a_socket_left_by_a_killed_resident_process_is_replaced(project, tmp_path, monkeypatch):
    folder, env, _, _ = project
    (tmp_path / "job.py").write_text(JOB)
    (tmp_path / resident.SOCKET.parent).mkdir(parents=True)
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    monkeypatch.chdir(tmp_path)  # a socket's path is short
    left.bind(str(resident.SOCKET))
    left.close()  # the file stays, nobody listens: as after a kill
    run = job(tmp_path, env)
    assert run.returncode == 0 and int(fields(run)[2]) == os.getpid()
    wait_for(lambda: job(tmp_path, env).stdout.split("|")[5] == "True")
    server = int(fields(job(tmp_path, env))[2])
    # killed while it runs a job: the job's child ends too, and the job fails, saying why
    client, child = sleeping_job(tmp_path, env)
    os.kill(server, signal.SIGKILL)
    wait_for(lambda: ended(child), 10)
    assert client.wait(10) == 1
    assert client.stderr.read() == "to stderr\n" + (
        f"The resident process ({resident.SOCKET}) ended while it ran this job, whose outputs "
        f"may be incomplete; run the job again, with {resident.SWITCH}=0 if it happens again.\n"
    )


def test_the_libraries_are_what_the_package_imports_from_outside_it(tmp_path):
    package = tmp_path / "clinrepro"
    (package / "stage").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "stage" / "__init__.py").write_text("from . import step\n")
    (package / "stage" / "step.py").write_text(
        "from __future__ import annotations\n"
        "import os\n"
        "import numpy as np\n"
        "from pandas import DataFrame\n"
        "from clinrepro.stage import other\n"
        "from .other import x\n"
        "def f():\n"
        "    import scipy.stats\n"
    )
    assert resident.libraries(tmp_path) == ["numpy", "pandas", "pandas.DataFrame", "scipy.stats"]
