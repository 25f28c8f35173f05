#!/usr/bin/env python3
"""Fetch throughput of a broker, read with raw Fetch v4 requests that decode only batch headers.

A librdkafka consumer decodes every record on one thread and is the limit near 1.2 M rec/s here; this
reader counts records from each batch header (`recordsCount`) and moves on, so what it measures is how fast
the broker answers fetches. One connection per partition, one fetch in flight on each, as a consumer does.

    fetch_raw.py --bootstrap 127.0.0.1:9092 --topic t --records 2000000 [--partitions 1] [--label souk]

Prints one JSON object. Exits 1 if the records are not all read within --timeout seconds.
"""
import argparse
import json
import socket
import struct
import threading
import time

FETCH, VERSION = 1, 4


def request(correlation, topic, partition, offset, max_bytes):
    client = b"fetch-raw"
    topic_bytes = topic.encode()
    body = struct.pack(">iiiib", -1, 500, 1, max_bytes, 0)  # replica, max wait, min bytes, max bytes, isolation
    body += struct.pack(">i", 1) + struct.pack(">h", len(topic_bytes)) + topic_bytes
    body += struct.pack(">i", 1) + struct.pack(">iqi", partition, offset, max_bytes)
    header = struct.pack(">hhih", FETCH, VERSION, correlation, len(client)) + client
    return struct.pack(">i", len(header) + len(body)) + header + body


def receive_exactly(sock, view):
    got = 0
    while got < len(view):
        count = sock.recv_into(view[got:])
        if count == 0:
            raise ConnectionError("broker closed the connection")
        got += count


def read_partition(host, port, topic, partition, want, max_bytes, timeout, result):
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    buffer = bytearray(max_bytes + (1 << 20))
    offset, records, fetched_bytes, correlation = 0, 0, 0, 0
    deadline = time.monotonic() + timeout
    while records < want and time.monotonic() < deadline:
        correlation += 1
        sock.sendall(request(correlation, topic, partition, offset, max_bytes))
        size_bytes = bytearray(4)
        receive_exactly(sock, memoryview(size_bytes))
        (size,) = struct.unpack(">i", size_bytes)
        if size > len(buffer):
            buffer = bytearray(size)
        view = memoryview(buffer)[:size]
        receive_exactly(sock, view)
        fetched_bytes += size
        # correlation, throttle, 1 topic (name), 1 partition: index, error, high watermark, last stable.
        position = 4 + 4 + 4
        (name_length,) = struct.unpack_from(">h", buffer, position)
        position += 2 + name_length + 4
        _, error, _, _ = struct.unpack_from(">ihqq", buffer, position)
        position += 4 + 2 + 8 + 8
        if error != 0:
            raise RuntimeError(f"fetch error {error} at offset {offset}")
        (aborted,) = struct.unpack_from(">i", buffer, position)
        position += 4 + max(0, aborted) * 16
        (length,) = struct.unpack_from(">i", buffer, position)
        position += 4
        end = position + max(0, length)
        # Complete batches only: base offset, length, ... last offset delta at 23, records count at 57.
        while end - position >= 61:
            base, batch_length = struct.unpack_from(">qi", buffer, position)
            if position + 12 + batch_length > end:
                break
            (last_delta,) = struct.unpack_from(">i", buffer, position + 23)
            (count,) = struct.unpack_from(">i", buffer, position + 57)
            if base + last_delta >= offset:
                records += count - max(0, offset - base)
                offset = base + last_delta + 1
            position += 12 + batch_length
    sock.close()
    result[partition] = (records, fetched_bytes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--records", type=int, required=True, help="records to read over all partitions")
    parser.add_argument("--partitions", type=int, default=1)
    parser.add_argument("--max-bytes", type=int, default=50 << 20)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--label", default="broker")
    args = parser.parse_args()
    host, port = args.bootstrap.rsplit(":", 1)
    result = {}
    share = -(-args.records // args.partitions)
    threads = [
        threading.Thread(
            target=read_partition,
            args=(host, int(port), args.topic, p, share, args.max_bytes, args.timeout, result),
        )
        for p in range(args.partitions)
    ]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - start
    records = sum(r for r, _ in result.values())
    fetched = sum(b for _, b in result.values())
    print(json.dumps({
        "target": args.label, "phase": "fetch, raw reader (batch headers only)", "records": records,
        "seconds": round(seconds, 3), "records_per_s": round(records / seconds),
        "mb_per_s": round(fetched / seconds / 1e6, 1),
    }))
    raise SystemExit(0 if records >= args.records else 1)


if __name__ == "__main__":
    main()
