"""Driving the dashboard for the interop tests: free ports, a process that serves it, HTTP and SSE."""

import json
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request

from conftest import souk_binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=10):
    """(status, headers, parsed JSON or text) of GET http://127.0.0.1:port/path."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            status, headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        body = error.read()
        status, headers = error.code, dict(error.headers)
    text = body.decode()
    if headers.get("Content-Type", "").startswith("application/json"):
        return status, headers, json.loads(text)
    return status, headers, text


def wait_until(condition, timeout=60, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} not met within {timeout} s")


class Served:
    """A `souk` process serving the dashboard on `port`; stderr and stdout go to a log beside `log_dir`."""

    def __init__(self, log_dir: pathlib.Path, name: str, *args: str, port=None):
        self.port = port or free_port()
        self.log_path = log_dir / f"{name}.log"
        # "PORT" in the arguments stands for the port chosen here.
        self.args = [str(souk_binary()), *(str(self.port) if a == "PORT" else str(a) for a in args)]
        self.process = None

    def start(self, ready_path="/healthz", timeout=60) -> "Served":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.args, stdout=log, stderr=log)

        def answering():
            if self.process.poll() is not None:
                raise AssertionError(f"exited with {self.process.returncode}:\n{self.log()}")
            try:
                return get(self.port, ready_path, timeout=2)[0] == 200
            except OSError:
                return False

        wait_until(answering, timeout=timeout, message=f"{self.args[1]} answering on {self.port}")
        return self

    def stop(self, timeout=60) -> int:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout)
        return self.process.returncode if self.process else 0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class EventStream:
    """A raw Server-Sent Events client over a socket: `next_update()` returns the next `update` payload."""

    def __init__(self, port, timeout=15):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.sendall(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        self.buffer = b""
        head = self._read_until(b"\r\n\r\n")
        self.status_line = head.split(b"\r\n", 1)[0].decode()
        self.headers = head.decode(errors="replace").lower()
        self.chunked = "transfer-encoding: chunked" in self.headers

    def _read_until(self, marker):
        while marker not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("stream closed")
            self.buffer += data
        part, self.buffer = self.buffer.split(marker, 1)
        return part

    def _body_text(self):
        """Chunk payloads appended as text (chunked transfer decoding)."""
        if not self.chunked:
            data, self.buffer = self.buffer, b""
            return data
        out = b""
        while b"\r\n" in self.buffer:
            size_line, rest = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                break
            out += rest[:size]
            self.buffer = rest[size + 2:]
        return out

    pending = b""

    def next_event(self):
        """(event name, data) of the next event; comments are returned as ("comment", text)."""
        while True:
            if b"\n\n" in self.pending:
                block, self.pending = self.pending.split(b"\n\n", 1)
                name, data = "message", []
                for line in block.decode().split("\n"):
                    if line.startswith(":"):
                        return "comment", line[1:].strip()
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].lstrip())
                if data or name != "message":
                    return name, "\n".join(data)
                continue
            self.pending += self._body_text()
            if b"\n\n" in self.pending:
                continue
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("stream closed")
            self.buffer += data

    def next_update(self):
        while True:
            name, data = self.next_event()
            if name == "update":
                return json.loads(data)

    def close(self):
        self.sock.close()


class LiveDashboard:
    """A broker with `count` generated transactions in a topic of `partitions`, and `souk stream --web`
    over it on a free port, started once every transaction is in the live view. A context manager."""

    def __init__(self, tmp_path, count, partitions=2, trigger="200ms"):
        from broker_support import Broker

        self.tmp_path, self.count, self.partitions, self.trigger = tmp_path, count, partitions, trigger
        self.broker = Broker(tmp_path / "broker")
        self.port = free_port()
        self.stream = None

    def __enter__(self):
        from stream_support import create_topic

        self.broker.start()
        try:
            create_topic(self.broker.bootstrap, partitions=self.partitions)
            run = subprocess.run(
                [str(souk_binary()), "produce", "--bootstrap", self.broker.bootstrap, "--count", str(self.count),
                 "--rate", "0"], capture_output=True, timeout=120)
            assert run.returncode == 0, run.stderr.decode()
            self.stream = Served(
                self.tmp_path, "stream", "stream", "--bootstrap", self.broker.bootstrap, "--data-dir",
                self.tmp_path / "data", "--trigger", self.trigger, "--web", "--web-port", self.port, port=self.port)
            self.stream.start()
            wait_until(lambda: get(self.port, "/api/stats")[2]["transactions"] == self.count,
                       message=f"{self.count} transactions live")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    @property
    def bootstrap(self):
        return self.broker.bootstrap

    def __exit__(self, *exc):
        code = self.stream.stop() if self.stream else 0
        self.broker.stop()
        assert exc[0] is not None or code == 0, self.stream.log()
        return False
