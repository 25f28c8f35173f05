"""Opens N server-sent-event subscribers to a Souk dashboard and measures, for every `update`:
- fan-out: how long after the update was built (its `as_of`) each subscriber received it;
- spread: the time between the first and the last subscriber receiving the same update;
- freshness: how old the newest event time it shows (`status.newest_event`) was on arrival (end to end:
  producer clock -> broker -> engine batch -> live view -> browser-side client).
Prints one JSON object with p50/p99/max of each, in ms."""

import argparse
import asyncio
import datetime
import json
import socket
import time


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


async def subscriber(port, deadline, arrivals, index):
    """One subscriber on the shared event loop: arrival times are taken when its bytes are read, the
    JSON is parsed afterwards."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await writer.drain()
    buffer = b""
    while time.time() < deadline:
        try:
            data = await asyncio.wait_for(reader.read(1 << 16), timeout=max(0.01, deadline - time.time()))
        except asyncio.TimeoutError:
            break
        if not data:
            break
        now = time.time()
        buffer += data
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            for line in block.split(b"\n"):
                # Chunk-size lines of the chunked encoding precede some blocks; data lines are whole.
                if line.startswith(b"data: "):
                    arrivals.append((index, line[6:], now))
    writer.close()


def percentiles(values):
    values = sorted(values)
    if not values:
        return None
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return {"p50_ms": round(pick(0.5) * 1000, 1), "p99_ms": round(pick(0.99) * 1000, 1),
            "max_ms": round(values[-1] * 1000, 1), "samples": len(values)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    deadline = time.time() + args.seconds
    raw = []

    async def everyone():
        await asyncio.gather(*(subscriber(args.port, deadline, raw, i) for i in range(args.subscribers)))

    asyncio.run(everyone())
    arrivals = []
    for index, data, at in raw:
        update = json.loads(data)
        arrivals.append((index, update["stats"]["as_of"], update["status"].get("newest_event"), at))
    # The first update of each subscriber is the one current when it connected: not a batch's push.
    first = {}
    pushed = []
    for index, as_of, newest, at in arrivals:
        if index not in first:
            first[index] = as_of
            continue
        pushed.append((as_of, newest, at))
    by_update = {}
    for as_of, newest, at in pushed:
        by_update.setdefault(as_of, []).append(at)
    fanout = [at - parse_time(as_of) for as_of, _, at in pushed]
    spread = [max(times) - min(times) for times in by_update.values() if len(times) == args.subscribers]
    fresh = [at - parse_time(newest) for _, newest, at in pushed if newest]
    print(json.dumps({
        "subscribers": args.subscribers, "updates": len(by_update),
        "complete_updates": len(spread),
        "as_of_to_arrival": percentiles(fanout), "spread_across_subscribers": percentiles(spread),
        "newest_event_age_on_arrival": percentiles(fresh),
    }, indent=1))


if __name__ == "__main__":
    main()
