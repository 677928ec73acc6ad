#!/usr/bin/env python3
"""Checks nnbench's TensorBoard event files with tensorboard's own code, against the run records.

    python3 scripts/check_tensorboard.py DIR RECORD...

DIR is a folder `nnbench train|run --tensorboard DIR` wrote; each RECORD is what the same command
printed or wrote as its record: the JSON of `nnbench train --json` (one run, whose folder is
DIR/TASK/seed-N) or a JSON-lines file of `nnbench run --output OUT` (OUT/ENTRY.jsonl, one run per
line, folders DIR/ENTRY/seed-N). Every event file under DIR must belong to a record, and every
record must have its file: a check that compared nothing is not a pass.

For each run folder it
  1. reads every record with tensorboard's TFRecord reader (`PyRecordReader_New` of
     tensorboard.compat.tensorflow_stub.pywrap_tensorflow), which checks the masked CRC-32C of
     each record's length and of its data and raises DataLossError on a mismatch. (tensorboard's
     `RawEventFileLoader` uses the same reader but swallows DataLossError, ending the file early
     without a word, so it cannot be what detects corruption; step 4 shows it.)
  2. parses each record as tensorboard's `Event` message, and checks that protobuf serializes
     the parsed message back to the same bytes (nnbench writes the canonical encoding);
  3. compares every event with the record: the version event first, then one event per epoch
     with step = epoch, wall time = epoch, and exactly the expected tags, each scalar equal to the
     record's number rounded to float32 (TensorBoard's simple_value is a float), each histogram's
     min, max, num, sum, sum_squares, bucket limits and counts equal to the record's, bit for bit;
  4. loads DIR with tensorboard's EventMultiplexer, what `tensorboard --logdir DIR` serves
     (scalars and histograms turned into tensors by its data_compat, histogram buckets as
     float32), and checks it finds every run and every scalar and histogram bucket at every
     step, equal to the record's.
Then it flips one byte of a copy of an event file, in a length and in an event's data, and
checks the reader rejects both copies.

Exit status: 0 when everything matched; 1 when something differs; 2 when a file cannot be read
or tensorboard is not installed.
"""
import glob
import json
import math
import os
import shutil
import sys
import tempfile

import numpy

try:
    from tensorboard.backend.event_processing import event_file_loader, plugin_event_multiplexer
    from tensorboard.compat.proto import event_pb2
    from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow
    from tensorboard.util import tensor_util
except ImportError as error:
    sys.exit(f"check_tensorboard: tensorboard is not installed ({error}); pip install tensorboard")

FILE_NAME = "events.out.tfevents.0000000000.nnbench"
SPLITS = [("train", "train"), ("validation", "valid"), ("test", "test")]
METRICS = ["accuracy", "mse", "r2"]


class Mismatch(Exception):
    pass


def number(value):
    """A record's number: JSON writes NaN and infinities as strings."""
    return float(value) if isinstance(value, str) else value


def float32(value):
    """The Double rounded to the nearest float32, as Swift's Float(_:) rounds; beyond its range, infinite."""
    with numpy.errstate(over="ignore"):
        return float(numpy.float32(value))


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def read_records(path):
    """Every record of a TFRecord file, each with both checksums checked."""
    reader = pywrap_tensorflow.PyRecordReader_New(path)
    records = []
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            return records
        records.append(reader.record())


def expected_values(epoch):
    """The tags nnbench logs for one epoch of a record, with their values, independently of its code."""
    values = {}

    def scalar(tag, value):
        if value is not None:
            values[tag] = ("scalar", float32(number(value)))

    def histogram(tag, h):
        if h is None:
            return
        bins = len(h["counts"])
        width = (h["upper"] - h["lower"]) / bins
        limits = [h["upper"] if i == bins - 1 else h["lower"] + (i + 1) * width for i in range(bins)]
        values[tag] = ("histogram", (h["lower"], h["upper"], float(sum(h["counts"])), h["sum"], h["sumOfSquares"],
                                     limits, [float(c) for c in h["counts"]]))

    for key, split in SPLITS:
        scalar(f"loss/{split}", epoch[key]["loss"])
    for metric in METRICS:
        for key, split in SPLITS:
            scalar(f"{metric}/{split}", epoch[key].get(metric))
    scalar("learning_rate", epoch["learningRate"])
    for tensor in epoch["parameters"]:
        name = tensor["name"]
        scalar(f"weights/{name}/norm", tensor["weightNorm"])
        scalar(f"weights/{name}/update_ratio", tensor.get("updateRatio"))
        scalar(f"gradients/{name}/mean_norm", tensor.get("meanGradientNorm"))
        histogram(f"weights/{name}", tensor.get("weightHistogram"))
        histogram(f"gradients/{name}", tensor.get("gradientHistogram"))
    for layer in epoch.get("activations") or []:
        name = f"{layer['layer']}.{layer['function']}"
        scalar(f"activations/{name}/dead_fraction", layer.get("deadFraction"))
        scalar(f"activations/{name}/saturated_fraction", layer.get("saturatedFraction"))
        histogram(f"activations/{name}", layer.get("histogram"))
    return values


def logged_values(event):
    values = {}
    for value in event.summary.value:
        if value.tag in values:
            raise Mismatch(f"step {event.step}: tag {value.tag} twice")
        kind = value.WhichOneof("value")
        if kind == "simple_value":
            values[value.tag] = ("scalar", value.simple_value)
        elif kind == "histo":
            h = value.histo
            values[value.tag] = ("histogram", (h.min, h.max, h.num, h.sum, h.sum_squares, list(h.bucket_limit), list(h.bucket)))
        else:
            raise Mismatch(f"step {event.step}: tag {value.tag} holds {kind}")
    return values


def equal(a, b):
    if a[0] != b[0]:
        return False
    if a[0] == "scalar":
        return same(a[1], b[1])
    return all(same(x, y) for x, y in zip(a[1][:5], b[1][:5])) and a[1][5] == b[1][5] and a[1][6] == b[1][6]


def difference(logged, expected):
    """What differs, in words: the scalars, or the histogram's fields that differ."""
    if logged[0] != expected[0] or logged[0] == "scalar":
        return f"logged {logged}, the record has {expected}"
    fields = ["min", "max", "num", "sum", "sum_squares", "bucket_limit", "bucket"]
    return "; ".join(f"{name} logged {a}, the record has {b}" for name, a, b in zip(fields, logged[1], expected[1])
                     if not (a == b or (isinstance(a, float) and same(a, b))))


def check_run(folder, record):
    """Checks one run folder against its record; returns (records, scalars, histograms) compared."""
    files = sorted(os.listdir(folder))
    if files != [FILE_NAME]:
        raise Mismatch(f"{folder}: expected the one file {FILE_NAME}, found {files}")
    path = os.path.join(folder, FILE_NAME)
    raw = read_records(path)
    events = []
    for data in raw:
        event = event_pb2.Event.FromString(data)
        if event.SerializeToString() != data:
            raise Mismatch(f"{path}: step {event.step}: not protobuf's canonical encoding")
        events.append(event)
    if not events or events[0].file_version != "brain.Event:2" or events[0].wall_time != 0 or events[0].step != 0:
        raise Mismatch(f"{path}: the first event is not the file version brain.Event:2 at time 0")
    epochs = record["epochs"]
    if len(events) != len(epochs) + 1:
        raise Mismatch(f"{path}: {len(events) - 1} epoch events, the record has {len(epochs)} epochs")
    scalars = histograms = 0
    expected_by_step = {}
    for event, epoch in zip(events[1:], epochs):
        step = epoch["epoch"]
        if event.step != step or event.wall_time != float(step) or event.WhichOneof("what") != "summary":
            raise Mismatch(f"{path}: event for epoch {step} has step {event.step}, wall time {event.wall_time}")
        expected, logged = expected_values(epoch), logged_values(event)
        if set(expected) != set(logged):
            raise Mismatch(f"{path}: epoch {step}: missing {sorted(set(expected) - set(logged))}, "
                           f"extra {sorted(set(logged) - set(expected))}")
        for tag, value in expected.items():
            if not equal(value, logged[tag]):
                raise Mismatch(f"{path}: epoch {step}: {tag}: {difference(logged[tag], value)}")
            if value[0] == "scalar":
                scalars += 1
            else:
                histograms += 1
        expected_by_step[step] = expected
    return len(raw), scalars, histograms, expected_by_step


def check_as_tensorboard_loads(directory, expected_by_run):
    """What `tensorboard --logdir DIR` serves: its EventMultiplexer (the server's loader, which
    turns scalars and histograms into tensors through data_compat) must find every run, and every
    value at every step, none sampled away, equal to the record's."""
    multiplexer = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance={"scalars": 0, "histograms": 0})
    multiplexer.AddRunsFromDirectory(directory)
    multiplexer.Reload()
    loaded = {}
    for plugin in ("scalars", "histograms"):
        for run, tags in multiplexer.PluginRunToTagToContent(plugin).items():
            for tag in tags:
                for item in multiplexer.Tensors(run, tag):
                    if item.wall_time != float(item.step):
                        raise Mismatch(f"{run}: {tag} at step {item.step} has wall time {item.wall_time}")
                    loaded[(run, item.step, tag)] = (plugin, tensor_util.make_ndarray(item.tensor_proto))
    expected = {(run, step, tag): value for run, steps in expected_by_run.items()
                for step, values in steps.items() for tag, value in values.items()}
    if set(loaded) != set(expected):
        raise Mismatch(f"tensorboard's EventMultiplexer loaded {len(loaded)} values from {directory}, expected {len(expected)}: "
                       f"missing {sorted(set(expected) - set(loaded))[:3]}, extra {sorted(set(loaded) - set(expected))[:3]}")
    for key, (kind, value) in expected.items():
        plugin, array = loaded[key]
        if kind == "scalar":
            good = plugin == "scalars" and array.shape == () and same(float(array), value)
        else:
            low, high, _, _, _, limits, counts = value
            # TensorBoard's buckets: [left, right, count], the first from min, the last to max,
            # stored as float32 by data_compat (step 3 compares the file's doubles themselves).
            buckets = [[float32(left), float32(right), float32(count)]
                       for left, right, count in zip([low] + limits[:-1], limits[:-1] + [high], counts)]
            good = plugin == "histograms" and array.tolist() == buckets
        if not good:
            raise Mismatch(f"tensorboard's EventMultiplexer: {key[0]} step {key[1]} {key[2]}: loaded {array.tolist()}, expected {value}")
    return len(loaded)


def check_corruption_is_detected(path):
    """A flipped byte in a length and in an event's data: the reader must refuse both copies."""
    records = read_records(path)
    with tempfile.TemporaryDirectory() as scratch:
        # The last record starts at the end of the file less its data and 16 framing bytes.
        start = os.path.getsize(path) - len(records[-1]) - 16
        for label, offset in (("length", start), ("data", start + 12 + len(records[-1]) // 2)):
            copy = os.path.join(scratch, FILE_NAME)
            shutil.copyfile(path, copy)
            with open(copy, "r+b") as file:
                file.seek(offset)
                byte = file.read(1)[0]
                file.seek(offset)
                file.write(bytes([byte ^ 0x01]))
            try:
                read_records(copy)
            except errors.DataLossError as error:
                print(f"a flipped bit in the last record's {label}: rejected ({error.message})")
            else:
                raise Mismatch(f"a flipped bit in the last record's {label} of a copy of {path} was not detected")
            tolerant = list(event_file_loader.RawEventFileLoader(copy).Load())
            print(f"  (tensorboard's tolerant RawEventFileLoader yields {len(tolerant)} of {len(records)} records without an error)")


def load_records(path):
    """(folder name, record) for each run in a train --json file or a run --output JSON-lines file."""
    with open(path) as file:
        text = file.read()
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict) and "epochs" in whole:
        return [(f"{whole['task']}/seed-{whole['seed']}", whole)]
    runs = []
    for number_, line in enumerate(text.splitlines(), 1):
        if line.strip():
            item = json.loads(line)
            if not isinstance(item, dict) or "record" not in item:
                raise ValueError(f"{path}:{number_}: neither a train --json record nor a run --output line")
            runs.append((f"{item['entry']}/seed-{item['seed']}", item["record"]))
    return runs


def main(arguments):
    if len(arguments) < 2 or arguments[0].startswith("-"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    directory, record_paths = arguments[0], arguments[1:]
    try:
        runs = [run for path in record_paths for run in load_records(path)]
    except (OSError, ValueError) as error:
        print(f"check_tensorboard: cannot read a record: {error}", file=sys.stderr)
        return 2
    found = {os.path.relpath(os.path.dirname(path), directory)
             for path in glob.glob(os.path.join(directory, "**", "*tfevents*"), recursive=True)}
    wanted = {name for name, _ in runs}
    if not runs or found != wanted:
        print(f"check_tensorboard: event files without a record: {sorted(found - wanted)}; "
              f"records without event files: {sorted(wanted - found)}", file=sys.stderr)
        return 1
    totals, expected = [0, 0, 0], {}
    try:
        for name, record in sorted(runs, key=lambda run: run[0]):
            *counts, expected[name] = check_run(os.path.join(directory, name), record)
            totals = [a + b for a, b in zip(totals, counts)]
        served = check_as_tensorboard_loads(directory, expected)
        check_corruption_is_detected(os.path.join(directory, sorted(wanted)[0], FILE_NAME))
    except Mismatch as error:
        print(f"check_tensorboard: {error}", file=sys.stderr)
        return 1
    except errors.DataLossError as error:
        print(f"check_tensorboard: {error.message}", file=sys.stderr)
        return 1
    print(f"check_tensorboard: {len(runs)} runs, {totals[0]} records (every CRC checked), {totals[1]} scalars and "
          f"{totals[2]} histograms equal to the records'; tensorboard's EventMultiplexer serves the same {served}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
