"""What the side-by-side benchmarks print about the machine they ran on, and their argument checks."""

import argparse
import datetime
import math
import os
import subprocess
import sys


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, or 'unknown CPU'."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def describe():
    """Two lines: the machine and the date, for the head of a benchmark's output."""
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs\ndate:    {now}"


def positive_int(text):
    """An argparse type: a whole number >= 1 (argparse turns the error into `error: argument ...`)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a whole number" % text) from None
    if value < 1:
        raise argparse.ArgumentTypeError("%s: expected a whole number >= 1" % text)
    return value


def positive_float(text):
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number" % text) from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("%s: expected a finite number > 0" % text)
    return value


def positive_ints(text):
    """An argparse type: a comma-separated list of whole numbers >= 1, like `64,256`."""
    return [positive_int(part) for part in text.split(",")]


def thread_counts(text):
    """An argparse type: comma-separated thread counts, each from 1 to this machine's CPU count."""
    counts = positive_ints(text)
    for count in counts:
        if count > os.cpu_count():
            raise argparse.ArgumentTypeError("%d threads: this machine has %d logical CPUs" % (count, os.cpu_count()))
    return counts


def executable(path):
    """An argparse type for --binary/--before: a path to a file this user may execute."""
    if not os.path.exists(path):
        raise argparse.ArgumentTypeError("%s not found (build it with `swift build -c release`)" % path)
    if os.path.isdir(path) or not os.access(path, os.X_OK):
        raise argparse.ArgumentTypeError("%s exists but is not executable" % path)
    return path


def pinned_to(threads):
    """A preexec_fn that pins the child process to the first `threads` CPUs this process may use,
    or None when that is all of them: a side asked for N threads then cannot use more, whatever
    its library does with its own thread settings."""
    allowed = sorted(os.sched_getaffinity(0))
    if threads >= len(allowed):
        return None
    return lambda: os.sched_setaffinity(0, allowed[:threads])


def output_of(command, env=None, threads=None):
    """The stdout of `command` (pinned to `threads` CPUs if given, `pinned_to`); if it fails, its
    own error lines on stderr and its exit status."""
    run = subprocess.run(command, env=env, capture_output=True, text=True,
                         preexec_fn=pinned_to(threads) if threads else None)
    if run.returncode != 0:
        sys.stdout.flush()
        sys.stderr.write(run.stderr or "%s exited with status %d\n" % (command[0], run.returncode))
        sys.exit(run.returncode)
    return run.stdout
