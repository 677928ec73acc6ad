"""What the side-by-side benchmarks print about the machine they ran on."""

import datetime
import os


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
