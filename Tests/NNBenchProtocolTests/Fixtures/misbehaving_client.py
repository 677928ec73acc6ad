"""A protocol client without numpy that answers correctly until its MODE makes it misbehave.

Usage: python3 misbehaving_client.py MODE
It builds dense-only models with zero weights; its answers have the right shapes unless the mode
says otherwise. The modes are the failures ProtocolModel must report: see ProtocolFailureTests.
Mode "mse_only" is a version 2 program that offers only dense, relu, mse and sgd, and declines
anything else, as the autograd client does; ProtocolConformanceTests drives it.
"""
import json
import os
import signal
import subprocess
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else "good"
params = []
units = 0


def answer(request, **fields):
    fields.update(id=request["id"], ok=True)
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def refuse(request, error):
    sys.stdout.write(json.dumps({"id": request["id"], "ok": False, "error": error}) + "\n")
    sys.stdout.flush()


def tensor(shape, value=0.0):
    count = 1
    for d in shape:
        count *= d
    return {"shape": shape, "data": [value] * count}


if MODE == "child":
    child = subprocess.Popen(["sleep", "300"])
    sys.stderr.write("child pid %d\n" % child.pid)
    sys.stderr.flush()
if MODE == "ignore_shutdown":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

for line in sys.stdin:
    request = json.loads(line)
    op = request["op"]
    if MODE == "flood":
        sys.stderr.write(("x" * 1023 + "\n") * 4096)
        sys.stderr.flush()
    if op == "hello":
        if MODE == "close_input":
            # No reader is left before the answer leaves: nnbench's next request meets EPIPE.
            os.close(0)
        fields = dict(protocol=1, name="misbehaving-" + MODE, dtype="float64", ops=["gradients"], layers=["dense"])
        # Conformance breaches, each of one rule (ProtocolConformanceTests).
        if MODE == "conf_dtype":
            fields["dtype"] = "float16"
        if MODE == "conf_protocol":
            fields["protocol"] = 3
        if MODE == "conf_ops":
            fields["ops"] = "gradients"
        if MODE == "mse_only":
            fields.update(protocol=2, ops=["gradients", "step"], layers=["dense", "relu"], losses=["mse"], optimizers=["sgd"])
        if MODE == "no_loss":
            fields.update(protocol=2, losses=[])
        if MODE == "unknown_op":
            fields["ops"] = ["gradients", "trian"]
        answer(request, **fields)
        if MODE == "close_input":
            sys.exit(4)
    elif op == "build":
        if MODE == "exit":
            sys.stderr.write("fatal: cannot build this model\n")
            sys.exit(3)
        if MODE == "hang":
            sys.stderr.write("thinking very hard\n")
            sys.stderr.flush()
            time.sleep(300)
        if MODE == "refuse_build":
            refuse(request, "cannot build today")
            continue
        if MODE == "mse_only":
            offered = ["dense", "relu"]
            unsupported = [layer["type"] for layer in request["model"]["layers"] if layer["type"] not in offered]
            if request["loss"] != "mse" or unsupported:
                refuse(request, "unsupported loss or layer: %s (this program offers mse, dense, relu)" % ([request["loss"]] + unsupported))
                continue
        inputs = request["model"]["inputs"]
        params = []
        for index, layer in enumerate(request["model"]["layers"]):
            if layer["type"] != "dense":
                continue
            params.append({"name": "%d.weight" % index, "shape": [inputs, layer["units"]]})
            params.append({"name": "%d.bias" % index, "shape": [layer["units"]]})
            inputs = layer["units"]
        units = inputs
        if MODE == "huge_line":
            sys.stdout.write("[" + "1," * (1 << 20))
            sys.stdout.flush()
            time.sleep(300)
        if MODE == "garbage":
            print("Building the model...", flush=True)
        if MODE == "wrong_id":
            request["id"] += 1
        if MODE == "conf_trainable":
            params[0] = dict(params[0], trainable="yes")
        if MODE == "conf_param_order":
            params = list(reversed(params))
        answer(request, params=params)
    elif op == "get_params":
        values = {p["name"]: tensor(p["shape"], 0.5) for p in params}
        if MODE == "conf_data_string":
            values[params[0]["name"]]["data"][0] = "half"
        answer(request, params=values)
    elif op == "set_params":
        answer(request)
    elif op == "forward":
        n = request["x"]["shape"][0]
        y = tensor([n, units + (1 if MODE == "wrong_shape" else 0)])
        if MODE == "conf_y_shape":
            y["shape"] = [n, str(units)]
        answer(request, y=y)
    elif op == "loss":
        loss = float("nan") if MODE == "nan_loss" else 0.25
        if MODE == "conf_no_ok":
            sys.stdout.write(json.dumps({"id": request["id"], "loss": loss}) + "\n")
            sys.stdout.flush()
            continue
        answer(request, loss="low" if MODE == "conf_loss" else loss)
    elif op == "gradients":
        grads = {p["name"]: tensor(p["shape"]) for p in params}
        if MODE == "conf_grads":
            grads.pop(params[-1]["name"])
        answer(request, loss=0.25, grads=grads)
    elif op == "step" and MODE == "mse_only":
        if request["optimizer"]["type"] != "sgd":
            refuse(request, "unsupported optimizer %r (this program offers sgd)" % request["optimizer"]["type"])
            continue
        answer(request, loss=0.25)
    elif op == "shutdown":
        answer(request)
        if MODE == "ignore_shutdown":
            while True:
                time.sleep(1)
        sys.exit(0)
    else:
        refuse(request, "unsupported op " + op)
