"""The one table every side of the Parquet benchmark writes: 1,000,000 transaction rows (8 columns: five
strings — a 32-hex-digit id, user, city, category, payment method — a double, an int32 and a UTC timestamp in
µs), saved once as uncompressed Parquet in one row group. Souk's suite and the peers load it untimed, so
every writer gets exactly the same rows.

Usage: make_input.py OUTPUT.parquet [--rows 1000000]
"""

import argparse
import random

import pyarrow as pa
import pyarrow.parquet as pq

CITIES = ["Casablanca", "Rabat", "Marrakech", "Fes", "Tangier", "Agadir", "Meknes", "Oujda"]
CATEGORIES = ["Electronics", "Clothing", "Home & Kitchen", "Books", "Sports", "Beauty", "Toys"]
PAYMENTS = ["credit_card", "debit_card", "paypal", "apple_pay", "google_pay"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    n = args.rows
    table = pa.table({
        "transaction_id": pa.array([f"{rng.getrandbits(128):032x}" for _ in range(n)]),
        "user_id": pa.array([f"user_{rng.randrange(1000)}" for _ in range(n)]),
        "city": pa.array([rng.choice(CITIES) for _ in range(n)]),
        "category": pa.array([rng.choice(CATEGORIES) for _ in range(n)]),
        "amount": pa.array([rng.randrange(200000) / 100 for _ in range(n)], pa.float64()),
        "quantity": pa.array([rng.randint(1, 5) for _ in range(n)], pa.int32()),
        "payment_method": pa.array([rng.choice(PAYMENTS) for _ in range(n)]),
        "timestamp": pa.array([1_795_555_807_000_000 + i * 3600 for i in range(n)], pa.timestamp("us", tz="UTC")),
    })
    pq.write_table(table, args.output, compression="none", row_group_size=n, use_dictionary=False)


if __name__ == "__main__":
    main()
