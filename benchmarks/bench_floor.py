"""Snakemake's floor under the workflow: the default run's own jobs (the same rules, inputs,
outputs, logs and params, read from the workflow's DAG) doing no work, timed as
benchmarks/bench_workflow.py times the workflow. It says how much of each of issue 27's
targets is left for the work once Snakemake and the jobs' processes are paid.

Three skeletons of the DAG, each in a fresh temporary folder:

- `bare`: every job touches its outputs from the shell: Snakemake's own start, DAG, params
  and scheduling, nothing else (the params read from a file, `params.json`, as the
  workflow reads its settings: written into the Snakefile, they would slow its parse);
- `unset`: `bare` without the params (so without the settings a user edits): what the
  params cost Snakemake (it imports pandas to compare them whenever pandas is installed);
- `imports`: every job runs, through the rule's `script:` as the workflow's do, the imports
  its real script had made by its end (recorded in one cold default run of the workflow, in
  the order they were made; for a script's jobs, the modules all of them imported), then
  touches its outputs: one process a job and its imports, no work.

Each skeleton is timed cold (the default target), as a no-op rerun, and in the edit loop
(the params of the workflow after `mcid4`'s threshold 4 -> 3, its report asked): the jobs
Snakemake reruns are the workflow's, since the params are. Beside them, `snakemake
--version` and, from the same checkout, the plain process (benchmarks/plain_pipeline.py)
for the default run and for the edited variant, so that every figure is a ratio to the
yardsticks of bench_workflow.py, measured in the same round.

Medians of --repeats rounds. Prints a Markdown table; writes benchmarks/out/bench_floor.json.

Usage: .venv/bin/python benchmarks/bench_floor.py [--repeats 3]
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from bench_workflow import EDITED, ROOT, TARGETS, cohort_of, edit, run_benchmark, snakemake, timed

sys.path.insert(0, str(ROOT / "tests"))
from workflow import copy_project  # noqa: E402  (the tests' copy of the project)

# what a skeleton job of the `imports` kind runs: its modules, then its outputs touched
JOB = """\
import importlib
from pathlib import Path

for name in {modules!r}:
    try:
        importlib.import_module(name)
    except Exception:  # a module that cannot be imported alone (the job's did)
        pass
for path in [*snakemake.output, *snakemake.log]:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).touch()
"""
# the skeletons, and whether their jobs make their real scripts' imports
KINDS = {"unset": False, "bare": False, "imports": True}
# recorded in each process of the workflow's run: the modules it had imported at its end
RECORDER = """\
import atexit
import os
import sys


def _record():
    script = sys.argv[0] if sys.argv else ""
    folder = os.environ.get("FLOOR_MODULES")
    if folder and ".snakemake" in script:  # a job's copy of its rule's script
        script = os.path.basename(script)
        with open(os.path.join(folder, f"{os.getpid()}.json"), "w") as out:
            out.write(__import__("json").dumps([script, list(sys.modules)]))


atexit.register(_record)
"""


def describe(project: Path) -> list[dict]:
    """The jobs of the project's default run (its DAG with every job to run), each as its
    rule, script, inputs, outputs, logs and params."""
    code = textwrap.dedent("""
        import json, sys
        from pathlib import Path
        from snakemake.api import SnakemakeApi
        from snakemake.settings.types import DAGSettings, OutputSettings, ResourceSettings

        with SnakemakeApi(OutputSettings()) as api:
            workflow = api.workflow(
                resource_settings=ResourceSettings(cores=1), snakefile=Path("Snakefile")
            )
            dag = workflow.dag(DAGSettings(forceall=True)).workflow_api._workflow
            dag._prepare_dag(forceall=True, ignore_incomplete=True, lock_warn_only=True)
            dag._build_dag()
            jobs = [
                {
                    "rule": job.rule.name,
                    "script": job.rule.script,
                    "input": [str(f) for f in job.input],
                    "output": [str(f) for f in job.output],
                    "log": [str(f) for f in job.log],
                    "params": list(job.params),
                }
                for job in dag.dag.jobs
            ]
        Path(sys.argv[1]).write_text(json.dumps(jobs), "utf-8")
        """)
    with tempfile.TemporaryDirectory() as tmp:
        found = Path(tmp) / "jobs.json"
        subprocess.run(
            [sys.executable, "-c", code, str(found)],
            cwd=project,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(project)},
        )
        return json.loads(found.read_text("utf-8"))


def modules_of_jobs(project: Path, tmp: Path) -> dict[str, list[str]]:
    """Each script's modules at the end of its job, in the order they were imported, from
    one cold default run of the project."""
    hook, records = tmp / "hook", tmp / "records"
    hook.mkdir()
    records.mkdir()
    (hook / "sitecustomize.py").write_text(RECORDER, "utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook), str(project)]),
        "FLOOR_MODULES": str(records),
    }
    subprocess.run(snakemake(), cwd=project, check=True, capture_output=True, env=env)
    modules = {}
    for record in sorted(records.glob("*.json")):
        script, names = json.loads(record.read_text("utf-8"))
        # Snakemake's copy of the script is named tmp<random>.<script>; a script's jobs
        # (one a variant) get the modules all of them imported, in the order of the first
        names = [name for name in names if name not in ("__main__", "sitecustomize")]
        script = script.split(".", 1)[1]
        if script in modules:
            names = [name for name in modules[script] if name in set(names)]
        modules[script] = names
    return modules


def write_skeleton(
    folder: Path,
    jobs: list[dict],
    modules: dict[str, list[str]] | None,
    project: Path,
    params: bool = True,
) -> None:
    """The skeleton's Snakefile (rule `all` first, as the workflow's default target), its
    job scripts, the inputs no job makes (empty files, older than any output) and the
    workflow's package, which the jobs import as the workflow's do."""
    if not (folder / "clinrepro").exists():
        (folder / "clinrepro").symlink_to(project / "clinrepro", target_is_directory=True)
        shutil.copytree(project / "profiles", folder / "profiles")
    made = {path for job in jobs for path in job["output"]}
    for path in {path for job in jobs for path in job["input"]} - made:
        target = folder / path
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()
            os.utime(target, (1, 1))
    # the params read from a file, as the workflow reads its settings (written in the
    # Snakefile, their text would cost Snakemake's parser more than the workflow's rules do)
    lines = [
        "import json",
        "import os",
        'os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")',
        'PARAMS = json.loads(open("params.json", encoding="utf-8").read())',
        "",
    ]
    named = {}
    # numbered in an order of their own (rule, then first output), so that a job keeps its
    # rule's name, and Snakemake its record, from one skeleton to the next
    ordered = sorted(jobs, key=lambda job: (job["rule"] != "all", job["rule"], job["output"]))
    for number, job in enumerate(ordered):
        rule = f"{job['rule']}_{number}"
        lines.append(f"rule {rule}:")
        for part in ("input", "output", "log"):
            if job[part]:
                lines.append(f"    {part}: {', '.join(repr(p) for p in job[part])}")
        if params and job["params"]:
            named[rule] = {f"p{i}": value for i, value in enumerate(job["params"])}
            lines.append(f"    params: **PARAMS[{rule!r}]")
        if job["rule"] == "all":  # its inputs are its whole rule
            lines.append("")
            continue
        if modules is None or not job["script"]:
            touched = "{output:q} {log:q}" if job["log"] else "{output:q}"
            lines.append(f'    shell: "touch {touched}"')
        else:
            script = Path(job["script"]).name
            lines.append(f"    script: {('scripts/' + script)!r}")
            text = JOB.format(modules=modules.get(script, []))
            path = folder / "scripts" / script
            path.parent.mkdir(exist_ok=True)
            # written once: a script's time is its rule's code for Snakemake
            if not path.exists():
                path.write_text(text, "utf-8")
        lines.append("")
    (folder / "Snakefile").write_text("\n".join(lines), "utf-8")
    (folder / "params.json").write_text(json.dumps(named), "utf-8")


def reruns(folder: Path, target: str) -> list[str]:
    """The rules of the jobs Snakemake would run to make `target` (a skeleton's numbered
    rules by the workflow's names)."""
    done = subprocess.run(
        snakemake("--dry-run", target),
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(folder)},
    )
    rules = re.findall(r"^(?:local)?rule (\w+):$", done.stdout, flags=re.MULTILINE)
    return sorted(re.sub(r"_\d+$", "", rule) for rule in rules)


def same_reruns(project: Path, skeleton: Path, target: str) -> None:
    """The skeleton's edit reruns the jobs the workflow's does, or the benchmark stops."""
    real, floor = reruns(project, target), reruns(skeleton, target)
    if real != floor:
        raise SystemExit(f"the skeleton's edit reruns {floor}, the workflow's {real}")


def one_round(tmp: Path) -> dict[str, float]:
    here, project = copy_project(tmp / "plain"), copy_project(tmp / "project")
    cohort = cohort_of(project)
    variant = EDITED[0]
    times = {}
    plain = [sys.executable, str(ROOT / "benchmarks/plain_pipeline.py")]
    times["plain_default"] = timed([*plain, "results"], here)
    jobs = describe(project)
    modules = modules_of_jobs(project, tmp)
    for folder in (here, project):
        edit(folder)
    times["plain_edit"] = timed([*plain, "out-edit", "--variant", variant], here)
    edited = describe(project)
    for kind, imports in KINDS.items():
        folder = tmp / kind
        folder.mkdir()
        recorded = modules if imports else None
        write_skeleton(folder, jobs, recorded, project, params=kind != "unset")
        times[f"{kind}_default"] = timed(snakemake(), folder)
        times[f"{kind}_noop"] = timed(snakemake(), folder)
        if kind != "unset":  # without params, the edit is not seen
            write_skeleton(folder, edited, recorded, project)
            target = f"results/{cohort}/{variant}/report.html"
            same_reruns(project, folder, target)
            times[f"{kind}_edit"] = timed(snakemake(target), folder)
    times["version"] = timed(snakemake("--version"), tmp / "bare")
    return times


def measure(repeats: int) -> dict:
    rounds = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            rounds.append(one_round(Path(tmp)))
    seconds = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    yardstick = {"default": "plain_default", "edit": "plain_edit", "noop": "version"}
    ratios = {
        f"{kind}_{run}": seconds[f"{kind}_{run}"] / seconds[yard]
        for kind in KINDS
        for run, yard in yardstick.items()
        if f"{kind}_{run}" in seconds
    }
    return {
        "repeats": repeats,
        "cores": os.cpu_count(),
        "seconds": seconds,
        "ratios": ratios,
        "runs": rounds,
    }


def table(result: dict) -> str:
    s, r = result["seconds"], result["ratios"]
    names = {
        "default": ("cold default run", f"plain process {s['plain_default']:.2f} s"),
        "edit": ("edit loop: `mcid4` threshold 4 -> 3", f"plain process, that variant, {s['plain_edit']:.2f} s"),
        "noop": ("no-op rerun", f"`snakemake --version` {s['version']:.2f} s"),
    }  # fmt: skip
    lines = [
        "| run | yardstick | "
        + " | ".join(f"{kind}: seconds, ratio" for kind in KINDS)
        + " | target |",
        "|---|---|" + "---|" * len(KINDS) + "---|",
    ]
    for run, (name, yard) in names.items():
        cells = [
            (
                f"{s[f'{kind}_{run}']:.2f} s, {r[f'{kind}_{run}']:.2f}x"
                if f"{kind}_{run}" in s
                else "-"
            )
            for kind in KINDS
        ]
        lines.append(f"| {name} | {yard} | {' | '.join(cells)} | <= {TARGETS[run]}x |")
    return f"median of {result['repeats']} rounds, {result['cores']} cores\n\n" + "\n".join(lines)


def main() -> None:
    run_benchmark(__doc__, measure, table, "bench_floor")


if __name__ == "__main__":
    main()
