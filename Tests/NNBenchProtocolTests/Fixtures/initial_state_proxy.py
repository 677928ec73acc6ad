#!/usr/bin/env python3
"""Wraps examples/numpy_client and breaks only the initial_state part of the exchange (MODE)."""
import json, os, subprocess, sys

MODE = sys.argv[1]
CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../examples/numpy_client/nnbench_client.py")
inner = subprocess.Popen([sys.executable, CLIENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
for line in sys.stdin:
    request = json.loads(line)
    if MODE == "crash-on-state" and "initial_state" in request:
        sys.exit(1)
    inner.stdin.write(line)
    inner.stdin.flush()
    answer = json.loads(inner.stdout.readline())
    grads = answer.get("initial_state_grads")
    if request.get("op") == "gradients" and grads is not None:
        if MODE == "missing-isg":
            del answer["initial_state_grads"]
        elif MODE == "not-object":
            answer["initial_state_grads"] = [1, 2, 3]
        elif MODE == "drop-c":
            for entry in grads.values():
                entry.pop("c", None)
        elif MODE == "torch-layout":
            for entry in grads.values():
                for part in entry.values():
                    part["shape"] = [1] + part["shape"]
        elif MODE == "extra-layer":
            grads["99"] = {"h": {"shape": [1, 1], "data": [0.0]}}
    if MODE == "reject-state" and "initial_state" in request:
        answer = {"id": request["id"], "ok": False, "error": "no initial states here"}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
    if request.get("op") == "shutdown":
        break
inner.stdin.close()
inner.wait()
