"""A batch that rots on disk while the broker is down is never served, by either fetch path (sendfile,
the default, and pread), while the batches before it still are: checked with confluent-kafka with
check.crcs on, which would report a CRC mismatch if a rotten batch reached it."""

import struct
import time
import uuid

import pytest

from broker_support import Broker


def batch_positions(segment: bytes):
    """(base offset, position, length) of each RecordBatch in a segment file."""
    positions, at = [], 0
    while at + 12 <= len(segment):
        base, length = struct.unpack(">qi", segment[at:at + 12])
        positions.append((base, at, 12 + length))
        at += 12 + length
    return positions


@pytest.mark.parametrize("fetch_io", ["sendfile", "pread"])
def test_a_batch_rotten_on_disk_is_never_served_and_those_before_it_are(tmp_path, fetch_io):
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition

    data = tmp_path / "data"
    broker = Broker(data, "--fetch-io", fetch_io).start()
    topic = f"rot-{uuid.uuid4().hex[:8]}"
    producer = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 0})
    for batch in range(20):
        for record in range(5):
            producer.produce(topic, value=f"b{batch:02d}-r{record}".encode() * 20, partition=0)
        assert producer.flush(10) == 0
    assert broker.stop() == 0, broker.log()

    segment_path = next((data / "broker" / f"{topic}-0").glob("*.log"))
    segment = bytearray(segment_path.read_bytes())
    batches = batch_positions(bytes(segment))
    assert len(batches) >= 12
    rotten_base, position, length = batches[len(batches) // 2]
    segment[position + length - 30] ^= 0xFF  # inside the records: only the CRC can tell
    segment_path.write_bytes(bytes(segment))

    broker.start()
    errors = []
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "rot", "check.crcs": True,
                         "enable.auto.commit": False, "error_cb": errors.append})
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    values, client_errors = [], []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(values) < rotten_base:
        for message in consumer.consume(100, timeout=0.5):
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    client_errors.append(message.error())
            else:
                values.append(message.value())
    # Give the client time to fetch (and be refused) the rotten batch.
    for message in consumer.consume(100, timeout=2):
        if message.error() and message.error().code() != KafkaError._PARTITION_EOF:
            client_errors.append(message.error())
        elif not message.error():
            values.append(message.value())
    consumer.close()
    assert broker.stop() == 0, broker.log()

    produced = [f"b{b:02d}-r{r}".encode() * 20 for b in range(20) for r in range(5)]
    assert values == produced[:rotten_base], "exactly the batches before the rotten one"
    assert not any("CRC" in str(e) or "crc" in str(e) for e in client_errors + errors), client_errors + errors
    assert "corrupt batch on disk, not served" in broker.log()
