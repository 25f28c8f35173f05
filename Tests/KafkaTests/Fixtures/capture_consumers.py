"""Captures the requests real Kafka consumers send to a real `souk broker`, through a recording proxy.

    python capture_consumers.py /path/to/souk    (writes <client>-consumer/NN-<Api>-vN.bin here)

The broker advertises the proxy's port, so every connection of the client goes through it. The first
request of each (api, version) per client is kept: length prefix included, as the client sent it.
"""

import asyncio
import os
import pathlib
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
NAMES = {0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 8: "OffsetCommit", 9: "OffsetFetch",
         10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup",
         15: "DescribeGroups", 16: "ListGroups", 18: "ApiVersions", 22: "InitProducerId"}
TOPIC, GROUP = "fixtures", "fixture-group"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RecordingProxy:
    def __init__(self, listen_port, target_port, out_dir):
        self.listen_port, self.target_port, self.out_dir = listen_port, target_port, out_dir
        self.seen, self.count, self.lock = set(), 0, threading.Lock()
        self.server = socket.create_server(("127.0.0.1", listen_port))
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.server.accept()
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self.client_to_broker, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.pipe, args=(upstream, client), daemon=True).start()

    def pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    def client_to_broker(self, client, upstream):
        buffer = b""
        try:
            while data := client.recv(65536):
                upstream.sendall(data)
                buffer += data
                while len(buffer) >= 4:
                    (length,) = struct.unpack(">i", buffer[:4])
                    if len(buffer) < 4 + length:
                        break
                    self.record(buffer[: 4 + length])
                    buffer = buffer[4 + length :]
        except OSError:
            pass
        finally:
            upstream.close()

    def record(self, frame):
        key, version = struct.unpack(">hh", frame[4:8])
        with self.lock:
            if (key, version) in self.seen or key not in NAMES:
                return
            self.seen.add((key, version))
            self.count += 1
            self.out_dir.mkdir(parents=True, exist_ok=True)
            (self.out_dir / f"{self.count:02d}-{NAMES[key]}-v{version}.bin").write_bytes(frame)


def run_broker(souk, data_dir, port, advertised=None):
    extra = ["--advertised-port", str(advertised)] if advertised else []
    process = subprocess.Popen([souk, "broker", "--port", str(port), *extra, "--data-dir", data_dir,
                                "--log-level", "warning"], stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if "listening on" in line:
            return process
    raise RuntimeError("broker did not start")


def produce(bootstrap):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(TOPIC, 2, 1)])[TOPIC].result(10)
    producer = Producer({"bootstrap.servers": bootstrap})
    for i in range(20):
        producer.produce(TOPIC, key=f"k{i}".encode(), value=f"v{i}".encode(), partition=i % 2)
    producer.flush(10)


def confluent(bootstrap):
    from confluent_kafka import Consumer

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": GROUP + "-c", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([TOPIC])
    got, deadline = 0, time.monotonic() + 30
    while got < 20 and time.monotonic() < deadline:
        got += len(consumer.consume(100, timeout=0.5))
    consumer.commit(asynchronous=False)
    consumer.close()


def kafka_python(bootstrap):
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(TOPIC, bootstrap_servers=bootstrap, group_id=GROUP + "-k", auto_offset_reset="earliest",
                             enable_auto_commit=False)
    got, deadline = 0, time.monotonic() + 30
    while got < 20 and time.monotonic() < deadline:
        got += sum(len(r) for r in consumer.poll(timeout_ms=500).values())
    consumer.commit()
    consumer.close()


def aiokafka(bootstrap):
    from aiokafka import AIOKafkaConsumer

    async def run():
        consumer = AIOKafkaConsumer(TOPIC, bootstrap_servers=bootstrap, group_id=GROUP + "-a",
                                    auto_offset_reset="earliest", enable_auto_commit=False)
        await consumer.start()
        got, deadline = 0, time.monotonic() + 30
        while got < 20 and time.monotonic() < deadline:
            got += sum(len(r) for r in (await consumer.getmany(timeout_ms=500)).values())
        await consumer.commit()
        await consumer.stop()

    asyncio.run(run())


def main():
    souk = sys.argv[1]
    with tempfile.TemporaryDirectory() as data:
        broker_port = free_port()
        broker = run_broker(souk, data, broker_port)
        try:
            produce(f"127.0.0.1:{broker_port}")
            for name, client in [("confluent-kafka", confluent), ("kafka-python", kafka_python), ("aiokafka", aiokafka)]:
                proxy = RecordingProxy(free_port(), broker_port, HERE / f"{name}-consumer")
                # Restart the broker advertising this proxy's port, so all connections pass through it.
                broker.terminate()
                broker.wait()
                broker = run_broker(souk, data, broker_port, proxy.listen_port)
                client(f"127.0.0.1:{proxy.listen_port}")
                print(name, sorted(f"{NAMES[k]} v{v}" for k, v in proxy.seen))
        finally:
            broker.terminate()
            broker.wait()


if __name__ == "__main__":
    main()
