"""Starting a real `souk broker` for the interop tests, and small client helpers."""

import os
import pathlib
import re
import signal
import socket
import subprocess
import time

from conftest import souk_binary


class Broker:
    """A `souk broker` process on a free port with its own data directory."""

    def __init__(self, data_dir: pathlib.Path, *extra: str):
        self.data_dir = data_dir
        self.extra = extra
        self.process = None
        self.port = None
        self.log_path = data_dir.parent / f"{data_dir.name}-broker.log"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> "Broker":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(souk_binary()), "broker", "--port", str(port), "--data-dir", str(self.data_dir), *self.extra],
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors="replace")
            found = re.findall(r"souk broker listening on 127\.0\.0\.1:(\d+)", text)
            if found and (port == 0 or int(found[-1]) == port) and text.count("listening on") > self._starts:
                self.port = int(found[-1])
                self._starts += 1
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"broker exited with {self.process.returncode}:\n{text}")
            time.sleep(0.05)
        raise RuntimeError("broker did not start:\n" + self.log_path.read_text(errors="replace"))

    _starts = 0

    def stop(self, sig=signal.SIGTERM, timeout=30) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=timeout)
        return self.process.returncode if self.process else 0

    def restart(self, sig=signal.SIGTERM) -> "Broker":
        port = self.port
        self.stop(sig)
        return self.start(port)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def connect(broker: Broker) -> socket.socket:
    return socket.create_connection(("127.0.0.1", broker.port), timeout=10)
