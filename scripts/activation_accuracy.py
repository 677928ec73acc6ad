#!/usr/bin/env python3
"""The accuracy of the engine's own sigma and tanh (Sources/CKernels/activation_math.h).

Builds scripts/activation_accuracy.c with the system C compiler against the engine's header and
runs it: every float (2^32 - 2^24 + 2 values: the finite ones and the two infinities) against a
double-precision reference (libm's exp and tanh, within 1 ulp of double: 2^-29 of a float ulp),
and a sample of doubles against long double. Needs a CPU with AVX2 and FMA (it compares the
vector forms with the scalar ones bit for bit). Minutes of one core.

    python3 scripts/activation_accuracy.py [--samples N] [--stride N]
"""
import argparse
import os
import subprocess
import sys
import tempfile

from machine import positive_int

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--samples", type=positive_int, default=20_000_000, help="random doubles (default 2e7)")
parser.add_argument("--stride", type=positive_int, default=1,
                    help="every N-th float only, for a quick look (default 1: all; at most 2^32)")
parser.add_argument("--cc", default=os.environ.get("CC", "cc"), help="the C compiler (default $CC or cc)")
args = parser.parse_args()
if args.stride > 2**32:  # the C side steps through 2^32 bit patterns; a larger stride measures none of them
    parser.error("argument --stride: %d: expected at most 2^32 = %d" % (args.stride, 2**32))
kernels = os.path.join(root, "Sources", "CKernels")
with tempfile.TemporaryDirectory() as folder:
    binary = os.path.join(folder, "activation_accuracy")
    try:
        compiled = subprocess.run(
            [args.cc, "-O2", "-ffp-contract=off", "-I", kernels, "-I", os.path.join(kernels, "include"),
             os.path.join(root, "scripts", "activation_accuracy.c"), os.path.join(kernels, "support.c"),
             "-o", binary, "-lm", "-lpthread"])
    except OSError as error:
        parser.exit(2, "%s: error: cannot run the C compiler %s: %s (pass --cc or set $CC)\n"
                    % (parser.prog, args.cc, error.strerror))
    if compiled.returncode != 0:  # the compiler printed its own diagnostics above
        parser.exit(2, "%s: error: %s failed with status %d\n" % (parser.prog, args.cc, compiled.returncode))
    sys.exit(subprocess.run([binary, str(args.samples), str(args.stride)]).returncode)
