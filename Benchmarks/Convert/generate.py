"""Writes N transactions as JSON lines, exactly as the original platform's Python producer sent them
(json.dumps of a dict: UUID v4, USER_100…USER_999, six Moroccan cities, six categories, amounts 10–500
with two decimals, quantities 1–5, four payment methods, an ISO-8601 timestamp without a zone).

Usage: generate.py OUTPUT.jsonl [--count 1000000] [--seed 1]
"""

import argparse
import datetime
import json
import random
import uuid

CITIES = ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir"]
CATEGORIES = ["Electronics", "Fashion", "Home & Garden", "Sports", "Books", "Beauty"]
PAYMENTS = ["Credit Card", "PayPal", "Cash on Delivery", "Bank Transfer"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = datetime.datetime(2026, 11, 24, 10, 0, 0)
    with open(args.output, "w") as out:
        for index in range(args.count):
            out.write(json.dumps({
                "transaction_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "user_id": f"USER_{rng.randint(100, 999)}",
                "city": rng.choice(CITIES),
                "category": rng.choice(CATEGORIES),
                "amount": round(rng.uniform(10, 500), 2),
                "quantity": rng.randint(1, 5),
                "payment_method": rng.choice(PAYMENTS),
                "timestamp": (start + datetime.timedelta(milliseconds=index * 5 + rng.randint(0, 4))).isoformat(),
            }) + "\n")


if __name__ == "__main__":
    main()
