#!/usr/bin/env python3
"""Checks every entity of a dalel FtM export with the followthemoney package itself.

For each line: the schema exists, every property belongs to the schema, every value is valid
for the property's type, the schema's required properties are present, and every entity
reference points at an entity of the same file. Prints 'ftm: N passed, M failed' last and
exits non-zero on any failure.
"""
import json
import sys

from followthemoney import model


def check(path):
    entities, problems = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                entities.append((n, json.loads(line)))
    ids = {e["id"] for _, e in entities}
    for n, data in entities:
        schema = model.get(data.get("schema"))
        if schema is None:
            problems.append(f"line {n}: unknown schema {data.get('schema')!r}")
            continue
        if schema.abstract:
            problems.append(f"line {n}: schema {schema.name} is abstract")
        props = data.get("properties", {})
        for name in schema.required:
            if not props.get(name):
                problems.append(f"line {n}: {schema.name} lacks required {name}")
        for name, values in props.items():
            prop = schema.get(name)
            if prop is None:
                problems.append(f"line {n}: {schema.name} has no property {name}")
                continue
            for value in values:
                if not isinstance(value, str):
                    problems.append(f"line {n}: {name}: {value!r} is not a string")
                elif prop.type.name == "entity":
                    if value not in ids:
                        problems.append(f"line {n}: {name}: {value!r} is not an entity of this file")
                elif not prop.type.validate(value):
                    problems.append(f"line {n}: {name}: {value!r} is not a valid {prop.type.name}")
        # The package's own parser must accept the entity as it is.
        model.get_proxy(data, cleaned=False)
    for p in problems[:50]:
        print(p)
    failed = len({p.split(":")[0] for p in problems})
    print(f"ftm: {len(entities) - failed} passed, {failed} failed")
    return 1 if problems or not entities else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1]))
