"""The lab serverless-api, provisioned and verified for real against a moto server.

Every check fails on an empty account, every step passes after its solution, and each wrong
configuration a step rules out fails that step's check with a message saying what to change.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tutor.labs.runner import LabSolveConflict

from conftest import aws

LAB = "serverless-api"
STEPS = ["table", "function", "api"]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def client(endpoint, service):
    return aws(service, endpoint)


def checks_of(report, step):
    entry = next(s for s in report["steps"] if s["id"] == step)
    return {c["id"]: c for c in entry["checks"]}


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


def build(endpoint, *, key=("title_id", "S"), billing="PAY_PER_REQUEST", runtime="python3.13",
          env=None, memory=256, timeout=10, protocol="HTTP", route_key="GET /titles/{id}",
          integration_type="AWS_PROXY", uri="arn", target=True, permission=True, source="own",
          principal="apigateway.amazonaws.com", invocation_uri=False):
    """What a student builds with the CLI, with one knob per wrong configuration."""
    ddb, lam, iam, apigw = (client(endpoint, s) for s in ("dynamodb", "lambda", "iam", "apigatewayv2"))
    table = {"TableName": "streamcloud-catalog", "KeySchema": [{"AttributeName": key[0], "KeyType": "HASH"}],
             "AttributeDefinitions": [{"AttributeName": key[0], "AttributeType": key[1]}], "BillingMode": billing}
    if billing == "PROVISIONED":
        table["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    ddb.create_table(**table)
    role = iam.create_role(RoleName="streamcloud-catalog-api-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    fn = lam.create_function(
        FunctionName="streamcloud-catalog-api", Runtime=runtime, Role=role, Handler="handler.handler",
        Code={"ZipFile": _zip()}, MemorySize=memory, Timeout=timeout,
        Environment={"Variables": env if env is not None else {"TABLE_NAME": "streamcloud-catalog"}})
    function_arn = fn["FunctionArn"]
    api = apigw.create_api(Name="streamcloud-api", ProtocolType=protocol,
                           **({"RouteSelectionExpression": "$request.body.action"} if protocol == "WEBSOCKET" else {}))
    api_id = api["ApiId"]
    if uri == "arn":
        uri = function_arn
    if invocation_uri:
        uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    integration = apigw.create_integration(ApiId=api_id, IntegrationType=integration_type, IntegrationUri=uri,
                                           PayloadFormatVersion="2.0", IntegrationMethod="GET" if integration_type == "HTTP_PROXY" else "POST")
    route = {"ApiId": api_id, "RouteKey": route_key}
    if target:
        route["Target"] = f"integrations/{integration['IntegrationId']}"
    apigw.create_route(**route)
    if permission:
        other = apigw.create_api(Name="another-api", ProtocolType="HTTP")["ApiId"]
        extra = {}
        if source == "own":
            extra["SourceArn"] = f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*/*/titles/{{id}}"
        elif source == "other":
            extra["SourceArn"] = f"arn:aws:execute-api:us-east-1:123456789012:{other}/*/*/titles/{{id}}"
        elif source == "prod-stage":
            extra["SourceArn"] = f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/prod/GET/titles/*"
        elif source == "other-route":
            extra["SourceArn"] = f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*/POST/orders"
        lam.add_permission(FunctionName="streamcloud-catalog-api", StatementId="apigw", Action="lambda:InvokeFunction",
                           Principal=principal, **extra)
    return api_id




def test_solve_of_all_steps_on_an_empty_account(lab_runner):
    runner = lab_runner(LAB)
    assert runner.solve() == STEPS
    assert runner.verify()["passed"] is True


def test_solution_is_idempotent(lab_runner, endpoint):
    runner = lab_runner(LAB)
    runner.solve()
    runner.solve()
    apis = [a for a in client(endpoint, "apigatewayv2").get_apis()["Items"] if a["Name"] == "streamcloud-api"]
    assert len(apis) == 1
    assert len(client(endpoint, "apigatewayv2").get_routes(ApiId=apis[0]["ApiId"])["Items"]) == 1
    policy = json.loads(client(endpoint, "lambda").get_policy(FunctionName="streamcloud-catalog-api")["Policy"])
    assert len(policy["Statement"]) == 1
    assert runner.verify()["passed"] is True


def test_a_correct_student_build_passes(lab_runner, endpoint):
    build(endpoint)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knob", [
    {"invocation_uri": True},           # the API Gateway invocation URI form that embeds the ARN
    {"source": None},                   # a permission without SourceArn allows every API
    {"source": "prod-stage"},           # a stage of the student's choice
    {"runtime": "python3.12"},
    {"runtime": "python3.14"},
    {"memory": 1024, "timeout": 30},
])
def test_other_valid_builds_pass(lab_runner, endpoint, knob):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knob, step, check, words", [
    ({"key": ("id", "S")}, "table", "key", "title_id"),
    ({"key": ("title_id", "N")}, "table", "key", "AttributeType=S"),
    ({"billing": "PROVISIONED"}, "table", "on-demand", "PAY_PER_REQUEST"),
    ({"runtime": "python3.11"}, "function", "runtime", "python3.11"),
    ({"runtime": "python3.99"}, "function", "runtime", "python3.99"),
    ({"runtime": "nodejs22.x"}, "function", "runtime", "--runtime python3.13"),
    ({"env": {}}, "function", "environment", "TABLE_NAME is not set"),
    ({"env": {"TABLE_NAME": "catalog"}}, "function", "environment", "TABLE_NAME is catalog"),
    ({"memory": 128}, "function", "memory", "--memory-size 256"),
    ({"timeout": 60}, "function", "timeout", "--timeout"),
    ({"protocol": "WEBSOCKET"}, "api", "http-api", "--protocol-type HTTP"),
    ({"route_key": "GET /titles/{titleId}"}, "api", "route", "GET /titles/{titleId}"),
    ({"route_key": "ANY /{proxy+}"}, "api", "route", "create-route"),
    ({"target": False}, "api", "integration", "--target integrations/"),
    ({"integration_type": "HTTP_PROXY", "uri": "https://example.com"}, "api", "integration", "AWS_PROXY"),
    ({"uri": "arn:aws:lambda:us-east-1:123456789012:function:other"}, "api", "integration", "--integration-uri"),
    ({"permission": False}, "api", "permission", "add-permission"),
    ({"principal": "events.amazonaws.com"}, "api", "permission", "apigateway.amazonaws.com"),
    ({"source": "other"}, "api", "permission", "SourceArn"),
    ({"source": "other-route"}, "api", "permission", "GET /titles/{id}"),
])
def test_wrong_configuration_fails_its_step(lab_runner, endpoint, knob, step, check, words):
    build(endpoint, **knob)
    report = lab_runner(LAB).verify()
    checks = checks_of(report, step)
    assert checks[check]["passed"] is False, checks[check]
    assert words in checks[check]["message"], checks[check]["message"]
    assert report["passed"] is False
    # the other steps are judged on their own requirements only
    assert all(s["passed"] for s in report["steps"] if s["id"] != step), report


def test_a_second_correct_api_passes_beside_a_wrong_one(lab_runner, endpoint):
    build(endpoint, route_key="GET /titles")
    apigw, lam = client(endpoint, "apigatewayv2"), client(endpoint, "lambda")
    api_id = apigw.create_api(Name="streamcloud-api", ProtocolType="HTTP")["ApiId"]
    arn = lam.get_function(FunctionName="streamcloud-catalog-api")["Configuration"]["FunctionArn"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn,
                                           PayloadFormatVersion="2.0")
    apigw.create_route(ApiId=api_id, RouteKey="GET /titles/{id}", Target=f"integrations/{integration['IntegrationId']}")
    lam.add_permission(FunctionName="streamcloud-catalog-api", StatementId="second", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*")
    assert lab_runner(LAB).verify("api")["passed"] is True


def test_korean_messages(lab_runner):
    report = lab_runner(LAB, lang="ko").verify("table")
    message = report["steps"][0]["checks"][0]["message"]
    assert "streamcloud-catalog" in message and "만드십시오" in message


@pytest.mark.parametrize("step", ["table", "function"])
def test_solution_never_adopts_the_students_resource(lab_runner, endpoint, step):
    build(endpoint)
    with pytest.raises(LabSolveConflict, match="not created by the tutor"):
        lab_runner(LAB).solve([step])


def test_solution_creates_its_own_api_beside_the_students(lab_runner, endpoint):
    apigw = client(endpoint, "apigatewayv2")
    apigw.create_api(Name="streamcloud-api", ProtocolType="HTTP")
    runner = lab_runner(LAB)
    runner.solve()
    apis = [a for a in apigw.get_apis()["Items"] if a["Name"] == "streamcloud-api"]
    assert len(apis) == 2
    assert runner.verify()["passed"] is True


def _decoys(endpoint):
    """Resources of the same kinds that carry none of the lab's names."""
    ddb, lam, iam, apigw = (client(endpoint, s) for s in ("dynamodb", "lambda", "iam", "apigatewayv2"))
    ddb.create_table(TableName="keep-table", BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    role = iam.create_role(RoleName="keep-role", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam.create_function(FunctionName="keep-function", Runtime="python3.13", Role=role, Handler="h.h",
                        Code={"ZipFile": _zip()})
    return apigw.create_api(Name="keep-api", ProtocolType="HTTP")["ApiId"]


def _survives(endpoint, keep_api):
    ddb, lam, iam, apigw = (client(endpoint, s) for s in ("dynamodb", "lambda", "iam", "apigatewayv2"))
    assert ddb.list_tables()["TableNames"] == ["keep-table"]
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["keep-function"]
    assert "keep-role" in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert [a["ApiId"] for a in apigw.get_apis()["Items"] if a["Name"] != "another-api"] == [keep_api]


@pytest.mark.parametrize("who", ["student", "tutor"])
def test_cleanup_deletes_lab_resources_only(lab_runner, endpoint, who):
    keep_api = _decoys(endpoint)
    if who == "student":
        build(endpoint)
    else:
        lab_runner(LAB).solve()
    removed = lab_runner(LAB).cleanup()
    kinds = {r["type"] for r in removed if r["deleted"]}
    assert {"dynamodb-table", "lambda-function", "iam-role", "apigateway-api"} <= kinds, removed
    _survives(endpoint, keep_api)
    assert "streamcloud-catalog-api-role" not in [r["RoleName"] for r in client(endpoint, "iam").list_roles()["Roles"]]
    assert all(not c["passed"] for s in lab_runner(LAB).verify()["steps"] for c in s["checks"])


def test_each_steps_cleanup_removes_that_step_only(lab_runner, endpoint):
    runner = lab_runner(LAB)
    runner.solve()
    removed = runner.cleanup("api")
    assert {r["type"] for r in removed} == {"apigateway-api", "lambda-permission"}
    assert runner.verify("api")["passed"] is False
    assert runner.verify("function")["passed"] is True and runner.verify("table")["passed"] is True
    assert {r["type"] for r in runner.cleanup("function")} == {"lambda-function", "iam-role"}
    assert runner.verify("function")["passed"] is False and runner.verify("table")["passed"] is True
    assert [r["type"] for r in runner.cleanup("table")] == ["dynamodb-table"]
    assert runner.verify("table")["passed"] is False


def test_cleanup_keeps_the_role_another_function_uses(lab_runner, endpoint):
    build(endpoint)
    lam = client(endpoint, "lambda")
    role = client(endpoint, "iam").get_role(RoleName="streamcloud-catalog-api-role")["Role"]["Arn"]
    lam.create_function(FunctionName="reports", Runtime="python3.13", Role=role, Handler="h.h", Code={"ZipFile": _zip()})
    removed = lab_runner(LAB).cleanup()
    kept = [r for r in removed if r["type"] == "iam-role"]
    assert kept and kept[0]["deleted"] is False and "reports" in kept[0]["reason"]
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["reports"]
