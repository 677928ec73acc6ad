"""What the seed sweeps of single checks share (through_time_sweep.py, overfit_sweep.py,
reference_overflow_sweep.py): the models they run `nnbench check` on, their command-line options,
and one run's results of a check, read back from `--json`."""

import json
import subprocess

MODELS = {
    "engine32": ["--precision", "float32"],
    "engine64": ["--precision", "float64"],
    "numpy": ["--exec", "python3 examples/numpy_client/nnbench_client.py"],
    "numpy32": ["--exec", "python3 examples/numpy_client/nnbench_client.py --dtype float32"],
    "torch": ["--exec", "python3 examples/torch_client/nnbench_torch_client.py"],
    "torch32": ["--exec", "python3 examples/torch_client/nnbench_torch_client.py --dtype float32"],
}


def option(argv, name, default):
    """The value after `name` in argv, or `default`."""
    return argv[argv.index(name) + 1] if name in argv else default


def results(value, check):
    """Every result of `check` in `nnbench check --json`'s output, however nested."""
    if isinstance(value, dict):
        if value.get("check") == check:
            yield value
        for inner in value.values():
            yield from results(inner, check)
    elif isinstance(value, list):
        for inner in value:
            yield from results(inner, check)


def check_results(nnbench, model, arguments, check, label):
    """Runs `nnbench check` on `model` with `arguments` (`--only CHECK --json` added) and returns
    the results of `check`, or None, printing what nnbench said, when it gave no output."""
    command = [nnbench, "check", *MODELS[model], *arguments, "--only", check, "--json"]
    run = subprocess.run(command, capture_output=True, text=True)
    if not run.stdout.strip():
        print("  %s %s: no output: %s" % (model, label, run.stderr.strip()[-300:]))
        return None
    return list(results(json.loads(run.stdout), check))
