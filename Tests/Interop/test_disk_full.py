"""Disk full and failing fsync, with the real `souk broker` and `souk stream` on a small tmpfs (8 MiB,
mounted by the test: it needs root, and is skipped with the reason otherwise).

Broker: produce (confluent-kafka, acks=all) until the file system is full: the refusals are
KAFKA_STORAGE_ERROR, every acknowledged record is read back exactly once and in order and no refused
one ever is, fetches are still served while the disk is full, and produce works again once space
returns, without a restart. A failing fsync (EIO injected with strace) is fail-stop: nothing is
acknowledged after it, even once fsync works again.

Engine: `souk stream` writing its tables to a full tmpfs logs a clear line, commits nothing, and
resumes when space returns; either way the tables end up holding every record exactly once."""

import datetime
import errno
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from broker_support import Broker
from conftest import souk_binary
from stream_support import (
    assert_windows_equal,
    encode,
    expected_raw,
    final_watermark,
    oracle_windows,
    raw_rows,
    transactions,
    window_rows,
)

MiB = 1024 * 1024
TMPFS_SIZE = 8 * MiB
STORAGE_ERROR_LINE = "partition log stopped after an I/O failure"


# ---------- the small file system ----------


@pytest.fixture
def tmpfs(tmp_path):
    """An 8 MiB tmpfs mounted at tmp_path/mnt, unmounted afterwards (lazily if something still holds it)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("tmpfs mounts are Linux only")
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE // 1024}k", "tmpfs", str(mount_point)],
        capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root / CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    yield mount_point
    if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def free_bytes(path):
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def place_ballast(path, size):
    with open(path, "wb") as out:
        out.write(b"\0" * size)
        out.flush()
        os.fsync(out.fileno())


def fill_up(path):
    """Writes `path` until the file system refuses another byte; returns the bytes written."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    written = 0
    try:
        for chunk in (MiB, 64 * 1024, 4096, 512, 1):
            block = b"\0" * chunk
            while True:
                try:
                    written += os.write(descriptor, block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(descriptor)
    return written


# ---------- Kafka clients ----------


def producer(bootstrap):
    """acks=all with no retries: librdkafka retries KAFKA_STORAGE_ERROR (Kafka marks it retriable), so
    with retries each refusal would turn into a timeout minutes later; here it comes back as it is."""
    from confluent_kafka import Producer

    return Producer({
        "bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": False, "retries": 0,
        "linger.ms": 5, "batch.num.messages": 20, "message.timeout.ms": 10000, "log_level": 3,
    })


def produce_values(client, topic, partition, values):
    """Produces `values` in order and waits; returns (acked [(offset, value)], refused [(value, KafkaError)])."""
    acked, refused = [], []

    def report(error, message):
        if error is None:
            acked.append((message.offset(), message.value()))
        else:
            refused.append((message.value(), error))

    for value in values:
        client.produce(topic, value=value, partition=partition, on_delivery=report)
    assert client.flush(20) == 0, "deliveries still pending after 20 s"
    return acked, refused


def record(i, tag=b"r"):
    return tag + b"%08d-" % i + b"x" * 1000


def produce_until_full(bootstrap, topic, partition=0, after_first_refusal=40, timeout=30):
    """Produces 1 KB records in slices of 50 until the broker refuses one, then `after_first_refusal`
    more; returns (acked [(offset, value)] in acknowledgement order, refused [(value, error)])."""
    client = producer(bootstrap)
    acked, refused = [], []
    i = 0
    deadline = time.monotonic() + timeout
    extra = None
    while time.monotonic() < deadline and (extra is None or extra > 0):
        slice_values = [record(i + k) for k in range(50)]
        i += 50
        got, lost = produce_values(client, topic, partition, slice_values)
        acked += got
        refused += lost
        if refused and extra is None:
            extra = after_first_refusal
        elif extra is not None:
            extra -= 50
    return acked, refused


def consume(bootstrap, topic, partition, expected, timeout=8):
    """Every value of `topic`/`partition` from the beginning: reads until `expected` values came (then
    half a second more, to see any extra) or `timeout`."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "disk-full", "enable.auto.commit": False,
                         "check.crcs": True, "log_level": 3})
    consumer.assign([TopicPartition(topic, partition, OFFSET_BEGINNING)])
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in consumer.consume(500, timeout=0.2):
            if message.error() is None:
                got.append(message.value())
        if len(got) >= expected:
            deadline = min(deadline, time.monotonic() + 0.5)
    consumer.close()
    return got


def create_topic(bootstrap, topic, partitions):
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(15)


def fetch_error_code(port, topic, partition):
    """The partition error code of a raw Fetch v4 from offset 0 (what a consumer is told but does not show)."""
    import socket
    import struct

    def string(text):
        return struct.pack(">h", len(text)) + text.encode()

    body = struct.pack(">iiiib", -1, 0, 1, MiB, 0) + struct.pack(">i", 1) + string(topic)
    body += struct.pack(">i", 1) + struct.pack(">iqi", partition, 0, MiB)
    payload = struct.pack(">hhi", 1, 4, 7) + string("disk-full") + body
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(struct.pack(">i", len(payload)) + payload)
        data = b""
        while len(data) < 4 or len(data) < 4 + struct.unpack(">i", data[:4])[0]:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    # size, correlation id, throttle, [topic count, name, [partition count, index, error code …]]
    name_length = struct.unpack(">h", data[16:18])[0]
    at = 18 + name_length + 4 + 4
    return struct.unpack(">h", data[at:at + 2])[0]


@pytest.fixture
def full_broker(tmp_path, tmpfs):
    """A broker whose data is on the tmpfs, with a ballast file taking all but 3 MiB of it (removing
    it is how space returns); the broker's log is kept off the tmpfs, where it could not be written."""
    ballast = tmpfs / "ballast"
    place_ballast(ballast, TMPFS_SIZE - 3 * MiB)
    broker = Broker(tmpfs / "data")
    broker.log_path = tmp_path / "broker.log"
    broker.ballast = ballast
    try:
        yield broker.start()
    finally:
        broker.stop()


def values(pairs):
    return [value for _, value in pairs]


def assert_refused_with_storage_error(refused):
    from confluent_kafka import KafkaError

    assert refused, "the file system never filled up"
    codes = sorted({error.name() for _, error in refused})
    assert codes == ["KAFKA_STORAGE_ERROR"], f"produce on a full disk failed with {codes}: {refused[0][1]}"
    assert all(error.code() == KafkaError.KAFKA_STORAGE_ERROR for _, error in refused)


def fill_a_topic(broker, partitions=1, partition=0):
    """A new topic produced into until the file system is full; every refusal checked to be
    KAFKA_STORAGE_ERROR. Returns the topic, the acknowledged (offset, value) pairs and the refusals."""
    topic = f"full-{uuid.uuid4().hex[:6]}"
    create_topic(broker.bootstrap, topic, partitions)
    acked, refused = produce_until_full(broker.bootstrap, topic, partition=partition)
    assert_refused_with_storage_error(refused)
    return topic, acked, refused


# ---------- broker: disk full ----------


def test_produce_on_a_full_disk_is_refused_with_storage_error_and_no_acked_record_is_lost(tmpfs, full_broker):
    broker = full_broker
    topic, acked, refused = fill_a_topic(broker)
    assert [offset for offset, _ in acked] == list(range(len(acked))), "acknowledged offsets not dense"
    assert free_bytes(tmpfs) < 64 * 1024, f"{free_bytes(tmpfs)} bytes still free"
    os.remove(broker.ballast)
    exit_code = broker.stop()
    broker.start()
    got = consume(broker.bootstrap, topic, 0, len(acked))
    refused_values = {value for value, _ in refused}
    assert not refused_values & set(got), "a record whose delivery failed is visible after a restart"
    assert got == values(acked), f"{len(got)} read back after a restart, {len(acked)} acknowledged"
    # Informational: a partition stopped by ENOSPC makes the clean shutdown fail (exit 1 today).
    print(f"broker exit code after the disk filled: {exit_code}")


def test_fetches_are_served_while_the_disk_is_full(tmpfs, full_broker):
    broker = full_broker
    topic = f"full-{uuid.uuid4().hex[:6]}"
    create_topic(broker.bootstrap, topic, 2)
    early, lost = produce_values(producer(broker.bootstrap), topic, 1, [record(i, b"e") for i in range(100)])
    assert not lost and len(early) == 100
    acked, refused = produce_until_full(broker.bootstrap, topic, partition=0)
    assert_refused_with_storage_error(refused)
    # Still full: reads must go on.
    assert free_bytes(tmpfs) < 64 * 1024
    other = consume(broker.bootstrap, topic, 1, 100)
    filled = consume(broker.bootstrap, topic, 0, len(acked))
    fetch_code = fetch_error_code(broker.port, topic, 0)
    assert other == values(early), "the partition that was not written to is not readable while full"
    assert filled == values(acked), (
        f"while the disk is full the partition that filled it serves {len(filled)} of its {len(acked)} "
        f"acknowledged records; a raw Fetch of it answers error code {fetch_code} (56 = KAFKA_STORAGE_ERROR)")


def test_produce_succeeds_again_once_space_returns_without_a_restart(tmpfs, full_broker):
    broker = full_broker
    topic, acked, refused = fill_a_topic(broker)
    os.remove(broker.ballast)
    assert free_bytes(tmpfs) > 4 * MiB
    client = producer(broker.bootstrap)
    probes, probe_failures = [], []
    deadline = time.monotonic() + 6
    n = 0
    while not probes and time.monotonic() < deadline:
        got, lost = produce_values(client, topic, 0, [record(n, b"p")])
        n += 1
        probes += got
        probe_failures += lost
        if not got:
            time.sleep(0.5)
    after, after_refused = [], []
    if probes:
        after, after_refused = produce_values(client, topic, 0, [record(i, b"a") for i in range(200)])
    everything = acked + probes + after
    got = consume(broker.bootstrap, topic, 0, len(everything))
    assert probes, (
        f"6 s after space returned ({n} attempts) produce is still refused: "
        f"{probe_failures[-1][1] if probe_failures else '?'}; broker log:\n{broker.log()[-1500:]}")
    assert not after_refused, after_refused[:3]
    refused_values = {value for value, _ in refused + probe_failures}
    assert not refused_values & set(got), "a record whose delivery failed is visible"
    assert got == values(everything), f"{len(got)} read, {len(everything)} acknowledged"


# ---------- broker: fsync fails ----------


class Strace:
    """strace attached to a running process, making every fsync and fdatasync fail with EIO."""

    def __init__(self, pid, log_path):
        self.log_path = log_path
        self.process = subprocess.Popen(
            ["strace", "-f", "-p", str(pid), "-o", str(log_path) + ".trace", "-e", "trace=fsync,fdatasync",
             "-e", "inject=fsync,fdatasync:error=EIO"],
            stdout=subprocess.DEVNULL, stderr=open(log_path, "wb"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = log_path.read_text(errors="replace")
            if "attached" in text:
                return
            if self.process.poll() is not None:
                pytest.skip(f"strace cannot attach here: {text.strip()}")
            time.sleep(0.05)
        self.detach()
        pytest.skip("strace did not attach within 10 s")

    def injected(self):
        trace = pathlib.Path(str(self.log_path) + ".trace")
        return trace.read_text(errors="replace").count("(INJECTED)") if trace.exists() else 0

    def detach(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # strace detaches from its tracees and exits
            self.process.wait(15)


@pytest.mark.parametrize("policy", ["always", "interval:200"])
def test_a_failed_fsync_stops_the_partition_for_good(tmp_path, policy):
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (apt-get install strace)")
    broker = Broker(tmp_path / "data", "--fsync", policy).start()
    topic = f"sync-{uuid.uuid4().hex[:6]}"
    tracer = None
    try:
        create_topic(broker.bootstrap, topic, 1)
        client = producer(broker.bootstrap)
        before, lost = produce_values(client, topic, 0, [record(i, b"b") for i in range(5)])
        assert not lost and len(before) == 5
        tracer = Strace(broker.process.pid, tmp_path / "strace.log")
        during, refused_during = [], []
        for i in range(4):
            got, lost = produce_values(client, topic, 0, [record(i, b"d")])
            during += got
            refused_during += lost
            if policy != "always":
                time.sleep(0.3)  # the interval flush runs (and fails) between two appends
        injected = tracer.injected()
        tracer.detach()
        # fsync works again now: a broker that retried it would acknowledge from here on.
        after, refused_after = produce_values(client, topic, 0, [record(i, b"a") for i in range(5)])
        log = broker.log()
    finally:
        if tracer:
            tracer.detach()
        exit_code = broker.stop()
    assert injected > 0, "no fsync/fdatasync was made to fail"
    assert STORAGE_ERROR_LINE in log and "errno=5" in log, log[-2000:]
    assert re.search(r"operation=(fdatasync|fsync)", log), log[-2000:]
    if policy == "always":
        # The append whose fsync failed must not be acknowledged.
        assert not during, f"acknowledged although its fsync failed: {[v[:10] for v in values(during)]}"
    assert refused_during, "produce went on being acknowledged while every fsync failed"
    assert not after, (
        f"{len(after)} records acknowledged after a failed fsync (fsync retried as if it had succeeded)")
    assert_refused_with_storage_error(refused_after)
    print(f"broker exit code after a failed fsync: {exit_code}")


# ---------- engine: tables on a full disk ----------

START = datetime.datetime(2026, 11, 24, 9, 30, tzinfo=datetime.timezone.utc)
NO_SPACE = re.compile(r"No space left on device|ENOSPC|errno[ =:]*28")


class Stream:
    """`souk stream --file` over a JSON-lines file outside the tmpfs, writing under `data` on it."""

    def __init__(self, source, data, log_path):
        self.source, self.data, self.log_path = source, data, log_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(souk_binary()), "stream", "--file", str(self.source), "--data-dir", str(self.data),
             "--trigger", "200ms", "--roll-age", "1s"],
            stdout=subprocess.DEVNULL, stderr=open(self.log_path, "ab"))
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(60)
        return self.process.returncode if self.process else 0

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def committed_lines(data, job="ecommerce"):
    """How many lines of the source the newest committed batch covers (0 before the first commit)."""
    checkpoints = pathlib.Path(data, "checkpoints", job)
    commits = [int(p.name) for p in (checkpoints / "commits").glob("*") if p.name.isdigit()]
    if not commits:
        return 0
    offsets = json.loads((checkpoints / "offsets" / str(max(commits))).read_text())
    [ranges] = offsets["sources"].values()
    return ranges["0"][1]


def append_lines(path, entries):
    with open(path, "ab") as out:
        for entry in entries:
            out.write(encode(entry) + b"\n")


def wait_for(condition, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.fixture
def stream(tmp_path, tmpfs):
    """A `Stream` over tmp_path/transactions.jsonl writing to the tmpfs, not started; stopped afterwards."""
    source = tmp_path / "transactions.jsonl"
    source.touch()
    holder = Stream(source, tmpfs / "data", tmp_path / "stream.log")
    yield holder
    holder.stop()


def fill_the_stream_disk(stream, tmpfs):
    """Starts `stream`, lets it commit the first 5,000 lines, fills the tmpfs and appends 5,000 lines
    more; returns (entries, ballast) once the stream reported the failure (or exited)."""
    entries = transactions(10_000, START, seed=11)
    stream.start()
    append_lines(stream.source, entries[:5000])
    assert wait_for(lambda: committed_lines(stream.data) == 5000 or not stream.running(), 20), stream.log()
    assert committed_lines(stream.data) == 5000, f"first 5,000 lines not committed:\n{stream.log()}"
    ballast = tmpfs / "ballast"
    fill_up(ballast)
    assert free_bytes(tmpfs) == 0
    append_lines(stream.source, entries[5000:])
    wait_for(lambda: NO_SPACE.search(stream.log()) or not stream.running(), 15)
    return entries, ballast


def assert_tables_hold_exactly(data, entries):
    assert sorted(raw_rows(data)) == expected_raw(entries)
    assert_windows_equal(window_rows(data), oracle_windows(entries, final_watermark(data)))


def test_stream_on_a_full_disk_pauses_with_a_clear_line_and_resumes_when_space_returns(tmpfs, stream):
    entries, ballast = fill_the_stream_disk(stream, tmpfs)
    log = stream.log()
    still_running, exit_code = stream.running(), stream.process.returncode
    assert NO_SPACE.search(log), f"no log line says the disk is full:\n{log[-2000:]}"
    assert committed_lines(stream.data) == 5000, "a batch was committed while the disk was full"
    os.remove(ballast)
    assert still_running, (
        f"souk stream exited with {exit_code} when its disk filled instead of pausing until space "
        f"returns:\n{log[-1500:]}")
    assert wait_for(lambda: committed_lines(stream.data) == 10_000, 20), (
        f"space returned 20 s ago, {committed_lines(stream.data)} of 10,000 lines committed:\n"
        f"{stream.log()[-1500:]}")
    assert stream.stop() == 0, stream.log()[-2000:]
    assert_tables_hold_exactly(stream.data, entries)


def test_stream_stopped_while_paused_on_a_full_disk_exits_non_zero_and_a_restart_commits_the_batch(tmpfs, stream):
    entries, ballast = fill_the_stream_disk(stream, tmpfs)
    assert stream.running(), stream.log()[-2000:]
    assert stream.stop() != 0, f"souk stream stopped while its commits were paused exited 0:\n{stream.log()[-1500:]}"
    last = stream.log().strip().splitlines()[-1]
    assert last.startswith("souk stream: ") and NO_SPACE.search(last), last
    assert committed_lines(stream.data) == 5000
    os.remove(ballast)
    stream.start()
    assert wait_for(lambda: committed_lines(stream.data) == 10_000, 20), stream.log()[-1500:]
    assert stream.stop() == 0, stream.log()[-2000:]
    assert_tables_hold_exactly(stream.data, entries)


def test_stream_restarted_after_a_full_disk_holds_every_record_exactly_once(tmpfs, stream):
    entries, ballast = fill_the_stream_disk(stream, tmpfs)
    assert NO_SPACE.search(stream.log()), stream.log()[-2000:]
    os.remove(ballast)
    if not stream.running():  # the fail-stop path: a supervisor restarts it
        stream.start()
    assert wait_for(lambda: committed_lines(stream.data) == 10_000, 20), (
        f"{committed_lines(stream.data)} of 10,000 lines committed:\n{stream.log()[-1500:]}")
    assert stream.stop() == 0, stream.log()[-2000:]
    assert_tables_hold_exactly(stream.data, entries)
