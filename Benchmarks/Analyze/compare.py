"""Checks that two reports agree: every section the second has, counts and texts exactly, numbers within
1e-9 relative. Prints one line; exits 1 on the first difference. Usage: compare.py SOUK.json OTHER.json"""

import json
import sys


def same(a, b, path):
    if isinstance(b, dict):
        for key, value in b.items():
            same(a[key], value, f"{path}.{key}")
    elif isinstance(b, list):
        if len(a) != len(b):
            raise SystemExit(f"{path}: {len(a)} entries against {len(b)}")
        for index, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{index}]")
    elif isinstance(b, float):
        if abs(a - b) > 1e-9 * max(1.0, abs(a), abs(b)):
            raise SystemExit(f"{path}: {a} against {b}")
    elif a != b:
        raise SystemExit(f"{path}: {a!r} against {b!r}")


souk, other = (json.load(open(p)) for p in sys.argv[1:3])
same(souk, other, "report")
print(f"agree: {', '.join(other)} ({souk['stats']['transactions']:,} transactions)")
