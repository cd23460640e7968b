"""schemathesis against /api/openapi.json: generated requests, valid and invalid, to every
operation; no 500s, and every response conforms to the document (status, content type,
headers, body schema). In-process through WSGI, on the test's database.

(The schemathesis pytest plugin's `from_fixture` does not run under pytest 9, so the
operations are driven through Hypothesis directly, the way schemathesis documents.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.builders import chat, make_contact
from tests.dashboard_builders import bearer, make_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_document(app, services, mode):
    make_contact(services)
    chat(services, "fa").say("salaam")
    headers = bearer(make_token(services, "admin"))
    operations = _operations(app)
    assert len(operations) >= 10

    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        exercise()
