from __future__ import annotations

from tests.helpers import Client


async def test_request_id_is_generated_or_propagated(client: Client) -> None:
    generated = await client.get("/login")
    assert len(generated.headers["x-request-id"]) == 16
    propagated = await client.get("/login", headers={"X-Request-ID": "abc-123-def-456"})
    assert propagated.headers["x-request-id"] == "abc-123-def-456"
    hostile = await client.get("/login", headers={"X-Request-ID": "<script>"})
    assert hostile.headers["x-request-id"] != "<script>"


async def test_metrics_expose_request_counters_by_route_template(client: Client) -> None:
    await client.get("/orgs")
    await client.get("/orgs/12345")
    body = (await client.get("/metrics")).text
    assert (
        'grassroots_http_requests_total{method="GET",route="/orgs/{org_id}",status="404"}' in body
    )
    assert "grassroots_http_request_duration_seconds_bucket" in body
    assert "grassroots_websocket_connections" in body
