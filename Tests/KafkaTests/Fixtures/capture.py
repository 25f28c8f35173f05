#!/usr/bin/env python3
"""Records the request frames real Kafka clients send, for KafkaTests' byte-exact fixtures.

Runs a tiny fake broker on 127.0.0.1 (a free port) that answers just enough for a producer to get
to its Produce request: ApiVersions (Souk's advertised ranges; error 35 and the v0 body for a version
above 3, as Kafka does), Metadata (one broker, topic partition 0 led by it), InitProducerId and
Produce. Every request frame, size prefix included, is written to
Fixtures/<client>/<NN>-<Api>-v<version>.bin. The responses are written by hand here from the
protocol specs; nothing of Souk's codec is used, so the fixtures check it independently.

Usage: /work/main/.venv/bin/python Tests/KafkaTests/Fixtures/capture.py [client ...]
Clients: kafka-python, kafka-python-snappy, aiokafka, confluent-kafka, kcat.
"""

import os
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {0: "Produce", 1: "Fetch", 3: "Metadata", 10: "FindCoordinator", 18: "ApiVersions", 22: "InitProducerId"}
# Souk's advertised set (key: (min, max)).
ADVERTISED = {0: (0, 8), 1: (4, 11), 2: (1, 5), 3: (1, 8), 8: (2, 7), 9: (1, 5), 10: (0, 2), 11: (0, 5),
              12: (0, 3), 13: (0, 3), 14: (0, 3), 15: (0, 4), 16: (0, 2), 18: (0, 3), 19: (2, 4), 20: (1, 3),
              21: (0, 1), 22: (0, 1), 32: (1, 3), 33: (0, 1), 37: (0, 1), 42: (0, 1)}
TOPIC = b"souk-fixtures"
# Long and repetitive, so librdkafka compresses it (it sends a batch uncompressed when that is smaller).
LONG_VALUE = b"value-2 " * 40


def i8(v): return struct.pack(">b", v)
def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)
def i64(v): return struct.pack(">q", v)
def string(s): return i16(-1) if s is None else i16(len(s)) + s
def array(items): return i32(len(items)) + b"".join(items)


def uvarint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def api_versions(version):
    if version > 3:
        # Kafka answers an unknown version with error 35 and a v0 body listing its ranges.
        return i16(35) + array([i16(k) + i16(lo) + i16(hi) for k, (lo, hi) in sorted(ADVERTISED.items())])
    keys = [i16(k) + i16(lo) + i16(hi) + (b"\x00" if version >= 3 else b"") for k, (lo, hi) in sorted(ADVERTISED.items())]
    if version >= 3:
        return i16(0) + uvarint(len(keys) + 1) + b"".join(keys) + i32(0) + b"\x00"
    return i16(0) + array(keys) + (i32(0) if version >= 1 else b"")


def metadata(version, port):
    body = i32(0) if version >= 3 else b""
    body += array([i32(0) + string(b"127.0.0.1") + i32(port) + string(None)])
    if version >= 2:
        body += string(b"souk-fixture-cluster")
    body += i32(0)  # controller
    partition = i16(0) + i32(0) + i32(0) + (i32(0) if version >= 7 else b"") + array([i32(0)]) + array([i32(0)])
    if version >= 5:
        partition += array([])
    topic = i16(0) + string(TOPIC) + i8(0) + array([partition]) + (i32(-2147483648) if version >= 8 else b"")
    body += array([topic])
    if version >= 8:
        body += i32(-2147483648)
    return body


def produce(version, request_body):
    partition = i32(0) + i16(0) + i64(0)
    if version >= 2:
        partition += i64(-1)
    if version >= 5:
        partition += i64(0)
    if version >= 8:
        partition += array([]) + string(None)
    return array([string(TOPIC) + array([partition])]) + (i32(0) if version >= 1 else b"")


def init_producer_id(version):
    return i32(0) + i16(0) + i64(4242) + i16(0)


class Broker:
    def __init__(self, client):
        self.client = client
        self.folder = os.path.join(HERE, client)
        os.makedirs(self.folder, exist_ok=True)
        for name in os.listdir(self.folder):
            os.remove(os.path.join(self.folder, name))
        self.count = 0
        self.produced = threading.Event()
        self.lock = threading.Lock()
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def read_exactly(self, connection, n):
        data = b""
        while len(data) < n:
            chunk = connection.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def serve(self, connection):
        try:
            while True:
                prefix = self.read_exactly(connection, 4)
                body = self.read_exactly(connection, struct.unpack(">i", prefix)[0])
                key, version, correlation = struct.unpack(">hhi", body[:8])
                with self.lock:
                    self.count += 1
                    name = f"{self.count:02d}-{NAMES.get(key, key)}-v{version}.bin"
                    if key == 0 or self.count <= 12:
                        with open(os.path.join(self.folder, name), "wb") as f:
                            f.write(prefix + body)
                if key == 18:
                    answer = api_versions(version)
                elif key == 3:
                    answer = metadata(version, self.port)
                elif key == 22:
                    answer = init_producer_id(version)
                elif key == 0:
                    self.produced.set()
                    answer = produce(version, body)
                else:
                    continue
                header = i32(correlation)  # all answered versions use response header v0
                connection.sendall(i32(len(header + answer)) + header + answer)
        except (EOFError, OSError):
            pass


def run(client):
    broker = Broker(client)
    bootstrap = f"127.0.0.1:{broker.port}"
    headers = [("trace", b"abc"), ("empty", b"")]
    if client.startswith("kafka-python"):
        from kafka import KafkaProducer
        compression = "snappy" if client.endswith("snappy") else "gzip"
        producer = KafkaProducer(bootstrap_servers=bootstrap, client_id="souk-fixture-kafka-python",
                                 compression_type=compression, linger_ms=50, enable_idempotence=False, acks=1)
        producer.send(TOPIC.decode(), key=b"key-1", value=b"value-1", headers=headers, timestamp_ms=1700000000000)
        producer.send(TOPIC.decode(), key=None, value=LONG_VALUE, timestamp_ms=1700000000005)
        producer.flush(timeout=10)
        producer.close(timeout=2)
    elif client == "aiokafka":
        import asyncio
        from aiokafka import AIOKafkaProducer

        async def main():
            producer = AIOKafkaProducer(bootstrap_servers=bootstrap, client_id="souk-fixture-aiokafka",
                                        compression_type="lz4", linger_ms=50)
            await producer.start()
            batch = producer.create_batch()
            batch.append(key=b"key-1", value=b"value-1", timestamp=1700000000000, headers=headers)
            batch.append(key=None, value=LONG_VALUE, timestamp=1700000000005)
            await producer.send_batch(batch, TOPIC.decode(), partition=0)
            await producer.stop()
        asyncio.run(main())
    elif client == "confluent-kafka":
        from confluent_kafka import Producer
        producer = Producer({"bootstrap.servers": bootstrap, "client.id": "souk-fixture-confluent",
                             "compression.type": "zstd", "linger.ms": 50, "enable.idempotence": True})
        producer.produce(TOPIC.decode(), key=b"key-1", value=b"value-1", headers=headers, partition=0,
                         timestamp=1700000000000)
        producer.produce(TOPIC.decode(), key=None, value=LONG_VALUE, partition=0, timestamp=1700000000005)
        producer.flush(10)
    elif client == "kcat":
        subprocess.run(["kcat", "-P", "-b", bootstrap, "-t", TOPIC.decode(), "-p", "0", "-K", ":",
                        "-X", "client.id=souk-fixture-kcat", "-z", "snappy", "-H", "trace=abc"],
                       input=b"key-1:value-1\n:" + LONG_VALUE + b"\n", timeout=20, check=False)
    broker.produced.wait(10)
    time.sleep(0.5)
    broker.server.close()
    print(client, sorted(os.listdir(broker.folder)))


if __name__ == "__main__":
    for name in sys.argv[1:] or ["kafka-python", "kafka-python-snappy", "aiokafka", "confluent-kafka", "kcat"]:
        run(name)
