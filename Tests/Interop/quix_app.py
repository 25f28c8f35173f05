"""A Quix Streams application run by test_quix.py under `.venv-quix`'s Python, against `souk broker`.

Reads JSON orders (`{"amount": n}`, keyed by user) and writes, per user, a running count and sum kept in
Quix's state store (`counts`), and the count and sum of each 10-second tumbling window so far (`windows`).
Both stores are backed by changelog topics Quix creates through the admin API with
`cleanup.policy=compact`; a restart with an empty state directory restores them from those topics.

Usage: quix_app.py BOOTSTRAP INPUT_TOPIC WINDOWS_TOPIC COUNTS_TOPIC STATE_DIR
"""

import sys

from quixstreams import Application
from quixstreams.dataframe.windows import Count, Sum


def running_totals(value, state):
    orders = state.get("orders", 0) + 1
    amount = state.get("amount", 0) + value["amount"]
    state.set("orders", orders)
    state.set("amount", amount)
    return {"orders": orders, "amount": amount}


def main():
    bootstrap, input_topic, windows_topic, counts_topic, state_dir = sys.argv[1:6]
    app = Application(
        broker_address=bootstrap, consumer_group="quix-app", auto_offset_reset="earliest",
        state_dir=state_dir, commit_interval=0.5, loglevel="INFO",
    )
    orders = app.dataframe(app.topic(input_topic, value_deserializer="json"))
    orders.apply(running_totals, stateful=True).to_topic(app.topic(counts_topic, value_serializer="json"))
    windows = orders.tumbling_window(duration_ms=10_000).agg(orders=Count(), amount=Sum("amount")).current()
    windows.to_topic(app.topic(windows_topic, value_serializer="json"))
    app.run()


if __name__ == "__main__":
    main()
