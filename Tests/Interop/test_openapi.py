"""openapi.yaml describes the dashboard's API as the real binary serves it: every JSON route's live answer,
good and bad queries, and the server-sent `update` event validate against the schemas it names."""

import copy

import jsonschema
import yaml

from conftest import ROOT
from web_support import EventStream, LiveDashboard, get, wait_until

SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text())


def resolve(node, seen=()):
    """The schema with every local $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            assert ref.startswith("#/") and ref not in seen, ref
            target = SPEC
            for part in ref[2:].split("/"):
                target = target[part]
            merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
            return resolve(merged, seen + (ref,))
        return {key: resolve(value, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, seen) for item in node]
    return node


def schema_for(path, status):
    response = resolve(SPEC["paths"][path]["get"]["responses"][str(status)])
    return response["content"]["application/json"]["schema"]


def check(port, path, query="", status=200):
    got, headers, body = get(port, path + query)
    assert got == status, (path, query, got, body)
    jsonschema.validate(body, schema_for(path, status))
    return body


def test_every_route_answers_as_openapi_yaml_says(tmp_path):
    with LiveDashboard(tmp_path, 400) as live:
        port = live.port
        wait_until(lambda: get(port, "/api/engine/progress")[2], message="a progress report")

        json_routes = [p for p, item in SPEC["paths"].items()
                       if "application/json" in str(item["get"]["responses"].get("200", {}))]
        assert set(json_routes) == {
            "/api/stats", "/api/categories", "/api/cities", "/api/payments", "/api/transactions/top",
            "/api/timeseries", "/api/engine/progress", "/api/status", "/api/broker", "/healthz"}
        for path in json_routes:
            check(port, path)
        assert len(check(port, "/api/transactions/top", "?n=100")) == 100
        for dimension in ["category", "city", "payment_method"]:
            assert check(port, "/api/timeseries", f"?dimension={dimension}&minutes=5")
        check(port, "/api/engine/progress", "?n=1")
        for path, query in [("/api/transactions/top", "?n=101"), ("/api/timeseries", "?dimension=x"),
                            ("/api/timeseries", "?minutes=0"), ("/api/engine/progress", "?n=x")]:
            check(port, path, query, status=400)

        events = EventStream(port)
        update = events.next_update()
        jsonschema.validate(update, resolve(SPEC["components"]["schemas"]["UpdateEvent"]))
        events.close()
        status, headers, text = get(port, "/metrics")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
