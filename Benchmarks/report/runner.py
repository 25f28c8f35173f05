"""Running the comparison scripts: each command's output (its JSON lines), its wall time, and the command
line as the report shows it (paths relative to the repository, the temporary work directory as $WORK)."""

import dataclasses
import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Skip(Exception):
    """A comparison, or one tool of it, that cannot run here; the reason is shown in the report as
    "skipped: <reason>", never passed over in silence."""


class Failed(Exception):
    """A command of a comparison exited non-zero or its output lacked what the comparison reads."""


@dataclasses.dataclass
class Context:
    """What every comparison gets: the binary under test, the number of runs, smoke or full size, a fresh
    work directory, the tools the caller asked to leave out, and where progress goes."""

    souk: str
    runs: int
    smoke: bool
    work: pathlib.Path
    without: frozenset = frozenset()
    verbose: bool = True

    @property
    def python(self):
        """The interpreter of .venv, which holds pyarrow, DuckDB, polars and pandas."""
        return sys.executable

    def log(self, message):
        print(f"make bench: {message}", file=sys.stderr, flush=True)

    def shown(self, command, env=None):
        """The command line as the report prints it: environment first, paths shortened."""
        words = [f"{key}={value}" for key, value in (env or {}).items()] + [str(word) for word in command]
        text = shlex.join(words)
        for path, name in ((str(self.work), "$WORK"), (self.python, ".venv/bin/python"), (str(ROOT) + "/", "")):
            text = text.replace(path, name)
        return text


@dataclasses.dataclass
class Output:
    """A finished command: its stdout and stderr, and its wall time in seconds."""

    stdout: str
    stderr: str
    seconds: float


def run(ctx, command, env=None, timeout=None, cwd=ROOT):
    """Runs `command` (a list) in `cwd` with `env` added to the environment; echoes its output to stderr as
    it comes when ctx.verbose; raises Failed with the end of its output when it exits non-zero."""
    ctx.log(ctx.shown(command, env))
    started = time.perf_counter()
    process = subprocess.Popen([str(word) for word in command], cwd=cwd, env={**os.environ, **(env or {})},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    streams = {"stdout": [], "stderr": []}

    def pump(stream, lines):
        for line in stream:
            lines.append(line)
            if ctx.verbose:
                sys.stderr.write("  " + line)
        stream.close()

    readers = [threading.Thread(target=pump, args=(getattr(process, name), lines), daemon=True)
               for name, lines in streams.items()]
    for reader in readers:
        reader.start()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise Failed(f"{ctx.shown(command, env)} did not finish within {timeout} s")
    finally:
        for reader in readers:
            reader.join()
    output = Output("".join(streams["stdout"]), "".join(streams["stderr"]), time.perf_counter() - started)
    if process.returncode != 0:
        tail = (output.stderr.strip() or output.stdout.strip()).splitlines()[-12:]
        raise Failed(f"{ctx.shown(command, env)} exited {process.returncode}: " + " / ".join(tail))
    return output


def json_objects(text):
    """Every JSON object in `text` that starts at the beginning of a line (one-line or indented ones);
    other lines (progress, tables) are passed over."""
    decoder = json.JSONDecoder()
    objects, position = [], 0
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        if text.startswith("{", position):
            try:
                value, stop = decoder.raw_decode(text, position)
            except json.JSONDecodeError:
                position = end + 1
                continue
            if isinstance(value, dict):
                objects.append(value)
            next_line = text.find("\n", stop)
            position = len(text) if next_line < 0 else next_line + 1
        else:
            position = end + 1
    return objects


def need(program, reason=None):
    """The path of `program`, or Skip naming what is missing."""
    path = shutil.which(program)
    if not path:
        raise Skip(reason or f"{program} is not installed (make bench installs it)")
    return path


def wait_for_binary(path, seconds=120):
    """The souk binary may be replaced by a rebuild while the report runs: wait for it to be back."""
    deadline = time.monotonic() + seconds
    while not os.access(path, os.X_OK):
        if time.monotonic() > deadline:
            raise SystemExit(f"make bench: no executable souk binary at {path}")
        time.sleep(2)
