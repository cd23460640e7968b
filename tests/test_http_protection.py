"""Every route of the app, not only the dashboard: security headers on every answer
(errors included), HSTS only behind HTTPS, and 413 (never 500) to an oversized body."""

from __future__ import annotations

import pytest

from bot.app import create_app
from bot.services import Services
from tests.test_dashboard_permissions import _samples, _url

BIG = b"x" * ((1 << 20) + 1)
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def every_rule(app, method: str):
    return [rule for rule in app.url_map.iter_rules() if method in rule.methods]


def assert_protected(response, where: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, where


def test_every_get_route_and_error_carries_the_headers(app, client, services):
    samples = _samples(services)
    for rule in every_rule(app, "GET"):
        url = _url(rule, samples)
        assert_protected(client.get(url), url)
    for url in ("/nowhere", "/api/v1/nowhere", "/webhooks/telegram"):  # 404, 404, 405
        assert_protected(client.get(url), url)
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_hsts_only_when_the_public_url_is_https(settings):
    services = Services(settings.with_overrides(public_url="https://bot.example.org"))
    response = create_app(services=services).test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    services.database.dispose()


@pytest.mark.parametrize("content_type", ["application/json",
                                          "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x"])
def test_every_post_route_refuses_an_oversized_body(app, client, services, content_type):
    samples = _samples(services)
    rules = every_rule(app, "POST")
    assert len(rules) > 10
    for rule in rules:
        url = _url(rule, samples)
        response = client.post(url, data=BIG, content_type=content_type)
        assert response.status_code == 413, f"{url}: {response.status_code}"
        assert_protected(response, url)
