"""Writes N e-commerce transactions as JSON lines, the input of the engine benchmark (same seed, same file).

Event time advances 1 ms per record (`--spacing-us`) from 2026-11-24T10:00:00Z (`--start`) with up to ±2 s of disorder
(within the 10 s lateness, so no record is late): 1,000,000 records span about 17 minutes of event time.
"""

import argparse
import datetime
import json
import random

CITIES = [f"City{i:02d}" for i in range(20)]
CATEGORIES = ["Electronics", "Books", "Fashion", "Home", "Beauty", "Sports", "Toys", "Grocery", "Garden", "Auto"]
PAYMENTS = ["card", "cash", "paypal", "wallet", "transfer"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", default="2026-11-24T10:00:00", help="event time of the first record (UTC)")
    parser.add_argument("--spacing-us", type=int, default=1000, help="event time between two records, µs")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = datetime.datetime.fromisoformat(args.start)
    with open(args.path, "w") as out:
        for i in range(args.count):
            moment = start + datetime.timedelta(microseconds=i * args.spacing_us + rng.randint(-2_000_000, 2_000_000))
            record = {
                "transaction_id": f"{rng.getrandbits(128):032x}",
                "user_id": f"user_{rng.randint(1, 100_000)}",
                "city": rng.choice(CITIES),
                "category": rng.choice(CATEGORIES),
                "amount": round(rng.uniform(1, 500), 2),
                "quantity": rng.randint(1, 5),
                "payment_method": rng.choice(PAYMENTS),
                "timestamp": moment.isoformat(),
            }
            out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
