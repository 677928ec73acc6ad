#!/usr/bin/env python3
"""Renders nnbench's HTML reports in a real browser, headless, and checks what it shows.

    python3 scripts/render_report.py REPORT.html [...] [--out DIR] [--width 1280] [--height 6000]

For each report: Debian's `chromium-headless-shell` (apt-get install chromium-headless-shell)
loads the file from disk, offline, and writes a screenshot `DIR/NAME.png` (default: beside the
report), the white below the page trimmed. The check fails (exit 1) when the page logged anything
to its console (`--enable-logging=stderr` prints console messages as `CONSOLE` lines: a failed
load, a script error), when the browser tried the network, or when the screenshot is blank
(fewer than 1 % of its pixels are not white). Exit 2 when the browser or Pillow is missing.
As root, Chromium needs `--no-sandbox`; the script passes it then.

Not run by `swift test`: a browser is too heavy for unit tests. See docs/reports.md.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

BROWSERS = ["chromium-headless-shell", "chromium", "chromium-browser"]


def browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    sys.exit("render_report: no headless Chromium; apt-get install chromium-headless-shell")


def render(executable, report, png, width, height):
    """Screenshots `report` to `png`; returns the browser's log lines that signal a problem."""
    arguments = [
        executable, "--headless", "--hide-scrollbars", "--disable-gpu", "--enable-logging=stderr", "--v=0",
        f"--window-size={width},{height}", f"--screenshot={png}",
        # No network at all: a report that needs one shows up as a failed load in the log.
        "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    ]
    if os.geteuid() == 0:
        arguments.append("--no-sandbox")
    with tempfile.TemporaryDirectory() as profile:
        arguments += [f"--user-data-dir={profile}", "file://" + os.path.abspath(report)]
        result = subprocess.run(arguments, capture_output=True, text=True, timeout=120)
    log = result.stderr.splitlines()
    problems = [line for line in log if "CONSOLE" in line or "net::ERR" in line or "Failed to load" in line]
    if result.returncode != 0 or not os.path.exists(png):
        problems.append(f"the browser exited with status {result.returncode} and no screenshot")
    return problems


def trim_and_check(png):
    """Trims the white below the page; returns the fraction of pixels that are not white."""
    try:
        from PIL import Image, ImageChops
    except ImportError:
        sys.exit("render_report: Pillow is needed to check the screenshot (pip install pillow)")
    image = Image.open(png).convert("RGB")
    white = Image.new("RGB", image.size, (255, 255, 255))
    box = ImageChops.difference(image, white).getbbox()
    if box is None:
        return 0.0
    image = image.crop((0, 0, image.width, min(image.height, box[3] + 20)))
    image.save(png, optimize=True)
    histogram = ImageChops.difference(image, Image.new("RGB", image.size, (255, 255, 255))).convert("L").histogram()
    return 1 - histogram[0] / (image.width * image.height)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+")
    parser.add_argument("--out", help="folder for the screenshots (default: beside each report)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=6000, help="the window's height: the page is cut below it")
    options = parser.parse_args()
    executable = browser()
    failed = False
    for report in options.reports:
        folder = options.out or os.path.dirname(os.path.abspath(report))
        os.makedirs(folder, exist_ok=True)
        png = os.path.join(folder, os.path.splitext(os.path.basename(report))[0] + ".png")
        problems = render(executable, report, png, options.width, options.height)
        inked = trim_and_check(png) if os.path.exists(png) else 0.0
        if inked < 0.01:
            problems.append(f"blank: {inked:.2%} of the pixels are not white")
        status = "ok" if not problems else "FAILED"
        print(f"{report}: {status}, {png}, {inked:.1%} of the pixels drawn")
        for problem in problems:
            print("  " + problem)
        failed = failed or bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
