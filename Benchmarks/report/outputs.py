"""Writing one comparison's files into the results directory: <name>.json (the summary the Markdown is
rendered from), <name>.csv (the raw runs, one row per run per tool and figure) and <name>.svg (the plot)."""

import csv
import json
import pathlib

from . import svg

FIXED = ["comparison", "figure", "tool", "run", "value", "unit"]


def write_csv(result, path):
    extras = sorted({key for sample in result["samples"] for key in sample["extra"]})
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FIXED + extras)
        for sample in result["samples"]:
            writer.writerow([result["name"], sample["figure"], sample["tool"], sample["run"], sample["value"],
                             sample["unit"]] + [sample["extra"].get(key, "") for key in extras])


def write_json(value, path):
    pathlib.Path(path).write_text(json.dumps(value, indent=1) + "\n")


def write(result, directory):
    """Writes the comparison's files; a comparison that did not run keeps only its JSON (saying why), and
    the plot and raw runs of an earlier run are removed so that nothing stale is linked."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    write_json(result, directory / f"{result['name']}.json")
    for suffix, writer in ((".csv", write_csv), (".svg", lambda r, p: p.write_text(svg.draw(r)))):
        path = directory / f"{result['name']}{suffix}"
        if result["samples"]:
            writer(result, path)
        elif path.exists():
            path.unlink()


def load(directory, names):
    """The summaries present in `directory`, in the order of `names`."""
    found = []
    for name in names:
        path = pathlib.Path(directory) / f"{name}.json"
        if path.exists():
            found.append(json.loads(path.read_text()))
    return found
