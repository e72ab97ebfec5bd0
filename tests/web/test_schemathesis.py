"""schemathesis against the live server: no input makes a 500, every answer matches /api/openapi.json."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import CONTENT
from tests.live import LiveServer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schemathesis")
    env = {"POISK_REINDEX_SECRET": "schemathesis-secret", "POISK_ADMIN_TOKEN": ADMIN, "POISK_ADMIN_RATE_LIMIT": ""}
    with LiveServer(CONTENT, tmp / "index", env=env) as live:
        live.wait_ready()
        yield live


ADMIN = "schemathesis-admin-token"
ADMIN_OPERATIONS = (
    "admin_explain",
    "admin_stats",
    "admin_purge_stats",
    "admin_add_rule",
    "admin_delete_rule",
    "admin_get_list",
    "admin_put_list",
)


@pytest.mark.parametrize("operation_id", ["search", "suggest", "related", "health", "reindex", *ADMIN_OPERATIONS])
def test_api_conforms_to_its_openapi_description(server, operation_id):
    schema = schemathesis.openapi.from_url(f"{server.base}/api/openapi.json")
    operation = next(
        op.ok() for op in schema.get_all_operations() if op.ok().definition.raw.get("operationId") == operation_id
    )
    calls = []

    @given(case=operation.as_strategy())
    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        headers = {"Authorization": f"Bearer {ADMIN}"} if operation_id.startswith("admin_") else None
        calls.append(case.call_and_validate(base_url=server.base, checks=CHECKS, headers=headers).status_code)

    check()
    assert calls and 500 not in calls
