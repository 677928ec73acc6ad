#!/usr/bin/env python3
"""Validates a recorded exchange of the model protocol against its JSON Schemas.

    nnbench check --exec "python3 mynet.py" --record exchange.jsonl
    python3 scripts/validate_exchange.py exchange.jsonl [--schemas docs/protocol]

Every line of the file is a request (it has "op") or an answer (it has "ok"), in the order they
were sent; an answer is matched to its request by "id". A request is validated against
OP.request.schema.json; an answer with "ok": true against OP.answer.schema.json, one with
"ok": false against error.answer.schema.json. The schemas are docs/protocol/, which nnbench
writes from the same definitions it validates answers with (`nnbench protocol schemas`), so
this is an independent reading of them with Python's jsonschema (pip install jsonschema).

Exit status: 0 when every line is valid, 1 when one is not, 2 when the file or a schema cannot
be read or jsonschema is missing.
"""

import json
import os
import sys


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    schemas_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "protocol")
    if "--schemas" in argv:
        schemas_dir = argv[argv.index("--schemas") + 1]
        args.remove(schemas_dir)
    if len(args) != 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: validate_exchange.py EXCHANGE.jsonl [--schemas DIR]", file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate_exchange.py: error: jsonschema is not installed; pip install jsonschema", file=sys.stderr)
        return 2
    validators = {}

    def validator(name):
        if name not in validators:
            path = os.path.join(schemas_dir, name + ".schema.json")
            try:
                with open(path, encoding="utf-8") as f:
                    schema = json.load(f)
            except (OSError, ValueError) as error:
                raise SystemExit("validate_exchange.py: error: cannot read the schema '%s': %s" % (path, error))
            jsonschema.Draft202012Validator.check_schema(schema)
            validators[name] = jsonschema.Draft202012Validator(schema)
        return validators[name]

    try:
        with open(args[0], encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as error:
        print("validate_exchange.py: error: cannot read '%s': %s" % (args[0], error), file=sys.stderr)
        return 2
    ops, problems, counts = {}, 0, {"requests": 0, "answers": 0}
    for number, line in enumerate(lines, 1):
        # Python's json reads the bare NaN and Infinity tokens the protocol accepts in answers.
        message = json.loads(line)
        if "op" in message:
            ops[message.get("id")] = message["op"]
            name = message["op"] + ".request"
            counts["requests"] += 1
        else:
            op = ops.get(message.get("id"))
            if op is None:
                print("line %d: an answer to no request (id %r)" % (number, message.get("id")))
                problems += 1
                continue
            name = (op + ".answer") if message.get("ok") is True else "error.answer"
            counts["answers"] += 1
        for error in validator(name).iter_errors(message):
            where = "/".join(str(p) for p in error.absolute_path) or "(the message)"
            print("line %d (%s): %s: %s" % (number, name, where, error.message))
            problems += 1
    print("%d requests and %d answers against %d schemas: %s" % (
        counts["requests"], counts["answers"], len(validators), "all valid" if problems == 0 else "%d problems" % problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
