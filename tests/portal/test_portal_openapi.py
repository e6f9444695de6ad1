"""The portal's OpenAPI document: committed as docs/openapi.json, up to date, and complete for the JSON API."""

from __future__ import annotations

import json

import pytest

from tests.support.portal_process import REPO_ROOT

pytestmark = pytest.mark.usefixtures("_sqlite_only")


@pytest.fixture
def _sqlite_only(monkeypatch):
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)


def _render() -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("export_openapi", REPO_ROOT / "tools" / "export_openapi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render_openapi()


def test_docs_openapi_json_is_what_the_app_serves():
    committed = (REPO_ROOT / "docs" / "openapi.json").read_text("utf-8")
    assert committed == _render(), "docs/openapi.json is stale: run .venv/bin/python tools/export_openapi.py"


def test_every_json_api_route_has_a_summary_a_response_model_and_its_errors():
    document = json.loads(_render())
    operations = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in methods.items()
    }
    assert set(operations) >= {
        ("POST", "/api/v1/enrol"),
        ("GET", "/api/v1/portal-key"),
        ("GET", "/api/v1/receipts/{package_id}/{version}"),
        ("GET", "/api/v1/feed"),
    }
    for (method, path), operation in operations.items():
        assert operation.get("summary"), f"{method} {path} has no summary"
        success = next(code for code in operation["responses"] if code.startswith("2"))
        assert "$ref" in operation["responses"][success]["content"]["application/json"]["schema"], (method, path)
        public = path in ("/api/v1/enrol", "/api/v1/portal-key")
        assert public or "401" in operation["responses"], f"{method} {path} does not document 401"
    feed_parameters = {parameter["name"] for parameter in operations[("GET", "/api/v1/feed")]["parameters"]}
    assert feed_parameters == {"after", "limit"}


def test_validation_errors_are_documented_as_one_readable_detail():
    document = json.loads(_render())
    for methods in document["paths"].values():
        for operation in methods.values():
            if "422" in operation["responses"]:
                schema = operation["responses"]["422"]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
    assert document["components"]["schemas"]["ErrorResponse"]["properties"]["detail"]["type"] == "string"
