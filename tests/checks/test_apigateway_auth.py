"""apigateway.methods_authorized against moto REST APIs with IAM, Cognito-less custom and open methods."""

from __future__ import annotations

from tests.helpers import assert_denied, by_resource, deny

CHECK = "apigateway.methods_authorized"


def _api(client, name: str, methods: dict[str, str]) -> str:
    api_id = client.create_rest_api(name=name)["id"]
    root = next(r["id"] for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    orders = client.create_resource(restApiId=api_id, parentId=root, pathPart="orders")["id"]
    for verb, auth in methods.items():
        client.put_method(restApiId=api_id, resourceId=orders, httpMethod=verb, authorizationType=auth)
    return api_id


def test_open_methods_fail_and_authorized_pass(aws, scan):
    client = aws.client("apigateway", region_name="us-east-1")
    signed = _api(client, "internal", {"GET": "AWS_IAM", "POST": "AWS_IAM", "OPTIONS": "NONE"})
    open_api = _api(client, "public", {"GET": "NONE", "POST": "AWS_IAM"})
    client.create_rest_api(name="empty")

    result = scan([CHECK])

    assert by_resource(result, f"/restapis/{signed}").status == "pass"
    public = by_resource(result, f"/restapis/{open_api}")
    assert public.status == "fail" and public.evidence.observed["unauthenticated"] == ["GET /orders"]
    assert "1 of 2" in public.message
    assert len(result.findings) == 2


def test_denied_resources_read_is_not_assessed(aws, scan):
    client = aws.client("apigateway", region_name="us-east-1")
    _api(client, "public", {"GET": "NONE"})
    apis = client.get_rest_apis()
    apis.pop("ResponseMetadata")
    result = scan([CHECK], prepare=deny("apigateway", "get_resources", before=[("get_rest_apis", apis)]))
    assert len(result.findings) == 1
    assert_denied(result, "apigateway:GET")
