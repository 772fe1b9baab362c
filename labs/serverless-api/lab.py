"""Checks, solutions and cleanup of the lab `serverless-api`: API Gateway + Lambda + DynamoDB.

Checks judge the configuration the account holds (the sandbox never routes a request to Lambda
and never runs code), and require what their step states, nothing more. A check passes if any
resource with the lab's name meets the requirement (HTTP API names need not be unique).
Solutions create their own resources, tagged as the tutor's, and never adopt the student's.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tutor.labs.kit import (
    OWNER_TAG,
    Cleanup,
    Context,
    Problems,
    Result,
    absent,
    already_mine,
    arn_like,
    cleanup_steps,
    fail,
    finder,
    judged,
    missing,
    ok,
    tags_as_list,
)

TABLE_NAME = "streamcloud-catalog"
FUNCTION_NAME = "streamcloud-catalog-api"
ROLE_NAME = "streamcloud-catalog-api-role"
ROLE_POLICY_NAME = "streamcloud-catalog-api"
API_NAME = "streamcloud-api"
ROUTE_KEY = "GET /titles/{id}"
RUNTIMES = ("python3.12", "python3.13", "python3.14")  # Lambda's Python runtimes from 3.12 on
MIN_MEMORY = 256
MAX_TIMEOUT = 30
APIGW = "apigateway.amazonaws.com"
FILES = Path(__file__).resolve().parent / "files"
NOT_FOUND = ("ResourceNotFoundException",)
NO_SUCH_ROLE = ("NoSuchEntity", "NoSuchEntityException")


# lookups ------------------------------------------------------------------------------
def _table(ctx: Context) -> dict | None:
    found = absent(lambda: ctx.client("dynamodb").describe_table(TableName=TABLE_NAME), *NOT_FOUND)
    return found["Table"] if found else None


def _function(ctx: Context) -> dict | None:
    """get_function's answer (Configuration and Tags), or None."""
    return absent(lambda: ctx.client("lambda").get_function(FunctionName=FUNCTION_NAME), *NOT_FOUND)


def _policy_statements(ctx: Context) -> list[dict]:
    found = absent(lambda: ctx.client("lambda").get_policy(FunctionName=FUNCTION_NAME), *NOT_FOUND)
    return json.loads(found["Policy"]).get("Statement", []) if found else []


def _apis(ctx: Context) -> list[dict]:
    """Every API named streamcloud-api (any protocol), following pagination."""
    apigw, items, token = ctx.client("apigatewayv2"), [], None
    while True:
        page = apigw.get_apis(**({"NextToken": token} if token else {}))
        items += [a for a in page.get("Items", []) if a.get("Name") == API_NAME]
        token = page.get("NextToken")
        if not token:
            return items


def _http_apis(ctx: Context) -> list[dict]:
    return [a for a in _apis(ctx) if a.get("ProtocolType") == "HTTP"]


NO_TABLE = missing("DynamoDB table", "DynamoDB 테이블", TABLE_NAME, "aws dynamodb create-table")
NO_FUNCTION = missing("Lambda function", "Lambda 함수", FUNCTION_NAME, "aws lambda create-function")
NO_API = fail(f"No HTTP API named {API_NAME} in us-east-1: create it (aws apigatewayv2 create-api --name {API_NAME} --protocol-type HTTP).",
              f"us-east-1에 {API_NAME} HTTP API가 없습니다: aws apigatewayv2 create-api --name {API_NAME} --protocol-type HTTP로 만드십시오.")


# step table ---------------------------------------------------------------------------
_find_table = finder(_table, NO_TABLE)


@judged(_find_table)
def check_table_exists(ctx: Context, table: dict) -> Result:
    return ok(f"Table {TABLE_NAME} exists ({table.get('TableStatus', '?')}).",
              f"테이블 {TABLE_NAME}이(가) 있습니다({table.get('TableStatus', '?')}).")


@judged(_find_table)
def check_table_key(ctx: Context, table: dict) -> Result:
    hash_key = next((k["AttributeName"] for k in table.get("KeySchema", []) if k["KeyType"] == "HASH"), None)
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    if hash_key == "title_id" and types.get("title_id") == "S":
        return ok("Partition key title_id (S).", "파티션 키 title_id(S).")
    shown = f"{hash_key} ({types.get(hash_key, '?')})"
    return fail(f"The partition key is {shown}: the key schema cannot be changed, so delete the table and create it with --key-schema AttributeName=title_id,KeyType=HASH and --attribute-definitions AttributeName=title_id,AttributeType=S.",
                f"파티션 키가 {shown}입니다: 키 스키마는 바꿀 수 없으므로 테이블을 삭제하고 --key-schema AttributeName=title_id,KeyType=HASH와 --attribute-definitions AttributeName=title_id,AttributeType=S로 다시 만드십시오.")


@judged(_find_table)
def check_table_on_demand(ctx: Context, table: dict) -> Result:
    # A table created provisioned may omit BillingModeSummary: that is provisioned too.
    mode = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    if mode == "PAY_PER_REQUEST":
        return ok("On-demand capacity (PAY_PER_REQUEST).", "온디맨드 용량 모드(PAY_PER_REQUEST)입니다.")
    return fail(f"The table uses {mode} capacity: switch it to on-demand with aws dynamodb update-table --table-name {TABLE_NAME} --billing-mode PAY_PER_REQUEST (unpredictable API traffic, no capacity to plan).",
                f"테이블이 {mode} 용량 모드입니다: aws dynamodb update-table --table-name {TABLE_NAME} --billing-mode PAY_PER_REQUEST로 온디맨드 모드로 바꾸십시오(예측할 수 없는 API 트래픽, 계획할 용량 없음).")


def _own_table(ctx: Context) -> None:
    table = _table(ctx)
    if table is not None:
        tags = ctx.client("dynamodb").list_tags_of_resource(ResourceArn=table["TableArn"]).get("Tags", [])
        if already_mine(ctx, {"Tags": tags}, "a DynamoDB table", "DynamoDB 테이블", TABLE_NAME):
            return
    ctx.client("dynamodb").create_table(
        TableName=TABLE_NAME, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "title_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "title_id", "KeyType": "HASH"}],
        Tags=ctx.owner_tags(TABLE_NAME))


def solve_table(ctx: Context) -> None:
    _own_table(ctx)


def cleanup_table(ctx: Context) -> list[dict]:
    done = Cleanup()
    if _table(ctx) is not None:
        done.attempt("dynamodb-table", TABLE_NAME,
                     lambda: ctx.client("dynamodb").delete_table(TableName=TABLE_NAME), *NOT_FOUND)
    return done.done


# step function ------------------------------------------------------------------------
def _config(ctx: Context) -> tuple[dict | None, Result | None]:
    found = _function(ctx)
    return (found["Configuration"], None) if found else (None, NO_FUNCTION)


def check_function_exists(ctx: Context) -> Result:
    config, problem = _config(ctx)
    if problem:
        return problem
    return ok(f"Function {FUNCTION_NAME} exists ({config['FunctionArn']}).",
              f"함수 {FUNCTION_NAME}이(가) 있습니다({config['FunctionArn']}).")


def check_function_runtime(ctx: Context) -> Result:
    config, problem = _config(ctx)
    if problem:
        return problem
    runtime = config.get("Runtime") or "none (a container image)"
    if runtime in RUNTIMES:
        return ok(f"Runtime {runtime}.", f"런타임 {runtime}.")
    allowed = ", ".join(RUNTIMES)
    return fail(f"Runtime {runtime} is not a Python runtime from 3.12 on: set one of {allowed} with aws lambda update-function-configuration --function-name {FUNCTION_NAME} --runtime python3.13.",
                f"런타임 {runtime}은(는) Python 3.12 이상의 런타임이 아닙니다: aws lambda update-function-configuration --function-name {FUNCTION_NAME} --runtime python3.13으로 {allowed} 중 하나를 지정하십시오.")


def check_function_environment(ctx: Context) -> Result:
    config, problem = _config(ctx)
    if problem:
        return problem
    value = ((config.get("Environment") or {}).get("Variables") or {}).get("TABLE_NAME")
    if value == TABLE_NAME:
        return ok(f"TABLE_NAME={TABLE_NAME}.", f"TABLE_NAME={TABLE_NAME}.")
    now_en = f"TABLE_NAME is {value}" if value is not None else "TABLE_NAME is not set"
    now_ko = f"TABLE_NAME이 {value}입니다" if value is not None else "TABLE_NAME이 설정되지 않았습니다"
    return fail(f"{now_en}: the code reads the table name from it; set --environment 'Variables={{TABLE_NAME={TABLE_NAME}}}' (update-function-configuration replaces all variables, so repeat the others).",
                f"{now_ko}: 코드가 이 변수에서 테이블 이름을 읽습니다. --environment 'Variables={{TABLE_NAME={TABLE_NAME}}}'를 지정하십시오(update-function-configuration은 변수 전체를 바꾸므로 다른 변수도 다시 넣으십시오).")


def check_function_memory(ctx: Context) -> Result:
    config, problem = _config(ctx)
    if problem:
        return problem
    memory = config.get("MemorySize") or 128
    if memory >= MIN_MEMORY:
        return ok(f"Memory {memory} MB.", f"메모리 {memory}MB.")
    return fail(f"Memory is {memory} MB: set --memory-size {MIN_MEMORY} or more (CPU is allocated in proportion to memory, so a bigger size also cuts latency).",
                f"메모리가 {memory}MB입니다: --memory-size를 {MIN_MEMORY} 이상으로 설정하십시오(CPU는 메모리에 비례해 할당되므로 지연 시간도 줄어듭니다).")


def check_function_timeout(ctx: Context) -> Result:
    config, problem = _config(ctx)
    if problem:
        return problem
    timeout = config.get("Timeout") or 0
    if 0 < timeout <= MAX_TIMEOUT:
        return ok(f"Timeout {timeout} s.", f"제한 시간 {timeout}초.")
    return fail(f"Timeout is {timeout} s: set --timeout between 1 and {MAX_TIMEOUT} (an HTTP API waits at most 30 s for its integration, so a longer function would run on after the client already got an error).",
                f"제한 시간이 {timeout}초입니다: --timeout을 1에서 {MAX_TIMEOUT} 사이로 설정하십시오(HTTP API는 통합을 최대 30초만 기다리므로 더 긴 함수는 클라이언트가 이미 오류를 받은 뒤에도 계속 실행됩니다).")


def _own_role(ctx: Context) -> str:
    iam = ctx.client("iam")
    role = absent(lambda: iam.get_role(RoleName=ROLE_NAME), *NO_SUCH_ROLE)
    if already_mine(ctx, role["Role"] if role else None, "an IAM role", "IAM 역할", ROLE_NAME):
        return role["Role"]["Arn"]
    arn = iam.create_role(RoleName=ROLE_NAME, Tags=ctx.owner_tags(ROLE_NAME),
                          AssumeRolePolicyDocument=(FILES / "trust-policy.json").read_text())["Role"]["Arn"]
    iam.put_role_policy(RoleName=ROLE_NAME, PolicyName=ROLE_POLICY_NAME,
                        PolicyDocument=(FILES / "function-policy.json").read_text())
    return arn


def _own_function(ctx: Context) -> str:
    """The tutor's function (created if missing); its ARN."""
    found = _function(ctx)
    if already_mine(ctx, {"Tags": tags_as_list((found or {}).get("Tags"))} if found else None,
                    "a Lambda function", "Lambda 함수", FUNCTION_NAME):
        return found["Configuration"]["FunctionArn"]
    role_arn = _own_role(ctx)
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(FILES / "handler.py", "handler.py")
    return ctx.client("lambda").create_function(
        FunctionName=FUNCTION_NAME, Runtime="python3.13", Handler="handler.handler", Role=role_arn,
        Code={"ZipFile": package.getvalue()}, MemorySize=MIN_MEMORY, Timeout=10,
        Environment={"Variables": {"TABLE_NAME": TABLE_NAME}},
        Tags={"Name": FUNCTION_NAME, OWNER_TAG: ctx.lab_id})["FunctionArn"]


def solve_function(ctx: Context) -> None:
    _own_function(ctx)


def _delete_role(ctx: Context, done: Cleanup) -> None:
    iam = ctx.client("iam")
    if absent(lambda: iam.get_role(RoleName=ROLE_NAME), *NO_SUCH_ROLE) is None:
        return
    # IAM deletes a role that functions still use; those functions would then fail, so keep it.
    users = [f["FunctionName"] for page in ctx.client("lambda").get_paginator("list_functions").paginate()
             for f in page["Functions"] if f.get("Role", "").endswith(f":role/{ROLE_NAME}")]
    if users:
        done.kept("iam-role", ROLE_NAME, f"still the execution role of {', '.join(users)}")
        return
    for name in iam.list_role_policies(RoleName=ROLE_NAME).get("PolicyNames", []):
        iam.delete_role_policy(RoleName=ROLE_NAME, PolicyName=name)
    for policy in iam.list_attached_role_policies(RoleName=ROLE_NAME).get("AttachedPolicies", []):
        iam.detach_role_policy(RoleName=ROLE_NAME, PolicyArn=policy["PolicyArn"])
    done.attempt("iam-role", ROLE_NAME, lambda: iam.delete_role(RoleName=ROLE_NAME), *NO_SUCH_ROLE)


def cleanup_function(ctx: Context) -> list[dict]:
    done = Cleanup()
    if _function(ctx) is not None:
        done.attempt("lambda-function", FUNCTION_NAME,
                     lambda: ctx.client("lambda").delete_function(FunctionName=FUNCTION_NAME), *NOT_FOUND)
    _delete_role(ctx, done)
    return done.done


# step api -----------------------------------------------------------------------------
def _routes(ctx: Context, api_id: str) -> list[dict]:
    return ctx.client("apigatewayv2").get_routes(ApiId=api_id).get("Items", [])


def _integrations(ctx: Context, api_id: str) -> dict[str, dict]:
    items = ctx.client("apigatewayv2").get_integrations(ApiId=api_id).get("Items", [])
    return {i["IntegrationId"]: i for i in items}


def _title_routes(ctx: Context) -> list[tuple[dict, dict]]:
    """(api, route) for every route GET /titles/{id} of an HTTP API named streamcloud-api."""
    return [(api, route) for api in _http_apis(ctx) for route in _routes(ctx, api["ApiId"])
            if route.get("RouteKey") == ROUTE_KEY]


def _invokes(uri: str, function_arn: str) -> bool:
    """The function's ARN, or the API Gateway invocation URI that embeds it."""
    return uri == function_arn or uri == (
        f"arn:aws:apigateway:{function_arn.split(':')[3]}:lambda:path/2015-03-31/functions/{function_arn}/invocations")


def check_api(ctx: Context) -> Result:
    apis = _apis(ctx)
    http = [a for a in apis if a.get("ProtocolType") == "HTTP"]
    if http:
        ids = ", ".join(a["ApiId"] for a in http)
        return ok(f"HTTP API {API_NAME}: {ids}.", f"HTTP API {API_NAME}: {ids}.")
    if apis:
        kinds = ", ".join(sorted({a.get("ProtocolType", "?") for a in apis}))
        return fail(f"{API_NAME} is a {kinds} API: the protocol cannot be changed; create an HTTP API (aws apigatewayv2 create-api --name {API_NAME} --protocol-type HTTP).",
                    f"{API_NAME}은(는) {kinds} API입니다: 프로토콜은 바꿀 수 없으므로 HTTP API를 만드십시오(aws apigatewayv2 create-api --name {API_NAME} --protocol-type HTTP).")
    return NO_API


def check_route(ctx: Context) -> Result:
    apis = _http_apis(ctx)
    if not apis:
        return NO_API
    found = _title_routes(ctx)
    if found:
        return ok(f"Route {ROUTE_KEY} on API {found[0][0]['ApiId']}.", f"API {found[0][0]['ApiId']}에 경로 {ROUTE_KEY}가 있습니다.")
    keys = sorted({r.get("RouteKey", "?") for a in apis for r in _routes(ctx, a["ApiId"])})
    have_en = f"its routes are {', '.join(keys)}" if keys else "it has no route"
    have_ko = f"경로는 {', '.join(keys)}입니다" if keys else "경로가 없습니다"
    return fail(f"No route {ROUTE_KEY} on {API_NAME} ({have_en}): add it with aws apigatewayv2 create-route --api-id API_ID --route-key 'GET /titles/{{id}}' --target integrations/INTEGRATION_ID (the key must match exactly, and quick-create with create-api --target makes no such route).",
                f"{API_NAME}에 경로 {ROUTE_KEY}가 없습니다({have_ko}): aws apigatewayv2 create-route --api-id API_ID --route-key 'GET /titles/{{id}}' --target integrations/INTEGRATION_ID로 추가하십시오(키가 정확히 같아야 하며, create-api --target 빠른 생성으로는 이 경로가 만들어지지 않습니다).")


def check_integration(ctx: Context) -> Result:
    apis = _http_apis(ctx)
    if not apis:
        return NO_API
    routes = _title_routes(ctx)
    if not routes:
        return fail(f"No route {ROUTE_KEY} to integrate yet: create the route first (see the route check).",
                    f"통합할 경로 {ROUTE_KEY}가 아직 없습니다: 먼저 경로를 만드십시오(경로 검사 참고).")
    found = _function(ctx)
    function_arn = found["Configuration"]["FunctionArn"] if found else None
    problems = Problems()
    for api, route in routes:
        target = route.get("Target") or ""
        integration = _integrations(ctx, api["ApiId"]).get(target.removeprefix("integrations/"))
        if not target.startswith("integrations/") or integration is None:
            problems.add(f"the route on API {api['ApiId']} targets {target or 'nothing'}: give it --target integrations/INTEGRATION_ID of an integration of this API",
                         f"API {api['ApiId']}의 경로 대상이 {target or '없음'}입니다: 이 API의 통합을 --target integrations/INTEGRATION_ID로 지정하십시오")
            continue
        kind, uri = integration.get("IntegrationType"), integration.get("IntegrationUri") or ""
        if kind != "AWS_PROXY":
            problems.add(f"integration {integration['IntegrationId']} is of type {kind}: use --integration-type AWS_PROXY (the Lambda proxy integration)",
                         f"통합 {integration['IntegrationId']}의 유형이 {kind}입니다: --integration-type AWS_PROXY(Lambda 프록시 통합)를 사용하십시오")
        elif function_arn is None:
            problems.add(f"function {FUNCTION_NAME} does not exist: create it (step function)",
                         f"함수 {FUNCTION_NAME}이(가) 없습니다: 먼저 만드십시오(function 단계)")
        elif not _invokes(uri, function_arn):
            problems.add(f"integration {integration['IntegrationId']} invokes {uri or 'nothing'}: set --integration-uri {function_arn}",
                         f"통합 {integration['IntegrationId']}이(가) {uri or '아무것도 아닌 대상'}을(를) 호출합니다: --integration-uri {function_arn}로 설정하십시오")
        else:
            return ok(f"{ROUTE_KEY} on API {api['ApiId']} is a Lambda proxy integration of {FUNCTION_NAME}.",
                      f"API {api['ApiId']}의 {ROUTE_KEY}는 {FUNCTION_NAME}의 Lambda 프록시 통합입니다.")
    return problems.result("", "", prefix=ROUTE_KEY)


def _allows_apigateway(statement: dict) -> bool:
    principal = statement.get("Principal") or {}
    services = principal.get("Service") if isinstance(principal, dict) else principal
    services = [services] if isinstance(services, str) else services or []
    actions = statement.get("Action") or []
    actions = [actions] if isinstance(actions, str) else actions
    return (statement.get("Effect") == "Allow" and APIGW in services
            and any(a in ("lambda:InvokeFunction", "lambda:*") for a in actions))


def _source_arns(statement: dict) -> list[str]:
    arns = []
    for operator, pairs in (statement.get("Condition") or {}).items():
        if operator in ("ArnLike", "ArnEquals", "StringLike", "StringEquals"):
            for key, value in pairs.items():
                if key.lower() == "aws:sourcearn":
                    arns += [value] if isinstance(value, str) else list(value)
    return arns


def _covers(source_arn: str, function_arn: str, api_id: str) -> bool:
    """Whether a SourceArn condition lets API `api_id` invoke the route GET /titles/{id}."""
    region, account = function_arn.split(":")[3:5]
    # The stage is the student's choice (no stage is required): take the one the ARN names.
    resource = source_arn.split(":", 5)[5] if source_arn.count(":") >= 5 else ""
    stage = resource.split("/")[1] if resource.count("/") >= 1 else "$default"
    base = f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/GET/titles/"
    return any(arn_like(source_arn, base + path) for path in ("{id}", "tt0111161"))


_find_function = finder(_function, NO_FUNCTION)


@judged(_find_function)
def check_permission(ctx: Context, found: dict) -> Result:
    statements = [s for s in _policy_statements(ctx) if _allows_apigateway(s)]
    how_en = (f"aws lambda add-permission --function-name {FUNCTION_NAME} --statement-id apigateway-get-title "
              f"--action lambda:InvokeFunction --principal {APIGW} --source-arn 'arn:aws:execute-api:us-east-1:ACCOUNT_ID:API_ID/*/*/titles/{{id}}'")
    if not statements:
        return fail(f"The resource-based policy of {FUNCTION_NAME} does not let {APIGW} call lambda:InvokeFunction, so every request would fail: add it with {how_en}.",
                    f"{FUNCTION_NAME}의 리소스 기반 정책이 {APIGW}에 lambda:InvokeFunction을 허용하지 않아 모든 요청이 실패합니다: {how_en}으로 추가하십시오.")
    function_arn = found["Configuration"]["FunctionArn"]
    api_ids = [a["ApiId"] for a in _http_apis(ctx)]
    for statement in statements:
        sources = _source_arns(statement)
        if not sources:
            return ok(f"Statement {statement.get('Sid', '?')} lets {APIGW} invoke the function (from any API).",
                      f"문 {statement.get('Sid', '?')}이(가) {APIGW}의 함수 호출을 허용합니다(모든 API).")
        if any(_covers(s, function_arn, api_id) for s in sources for api_id in api_ids):
            return ok(f"Statement {statement.get('Sid', '?')} lets {API_NAME} invoke the function ({sources[0]}).",
                      f"문 {statement.get('Sid', '?')}이(가) {API_NAME}의 함수 호출을 허용합니다({sources[0]}).")
    shown = ", ".join(s for st in statements for s in _source_arns(st))
    ids = ", ".join(api_ids) or f"none yet: create {API_NAME} first"
    return fail(f"The permission's SourceArn {shown} does not cover GET /titles/{{id}} of an HTTP API named {API_NAME} (ids: {ids}): add a statement whose --source-arn names that API, for example {how_en}.",
                f"권한의 SourceArn {shown}이(가) {API_NAME} HTTP API(ID: {ids})의 GET /titles/{{id}}를 포함하지 않습니다: 그 API를 가리키는 --source-arn으로 문을 추가하십시오. 예: {how_en}.")


def _own_api(ctx: Context) -> None:
    """The tutor's HTTP API, beside any the student made (API names need not be unique)."""
    apigw = ctx.client("apigatewayv2")
    function_arn = _own_function(ctx)
    mine = [a for a in _http_apis(ctx) if (a.get("Tags") or {}).get(OWNER_TAG) == ctx.lab_id]
    api_id = mine[0]["ApiId"] if mine else apigw.create_api(
        Name=API_NAME, ProtocolType="HTTP", Tags={"Name": API_NAME, OWNER_TAG: ctx.lab_id})["ApiId"]
    integrations = _integrations(ctx, api_id)
    routes = [r for r in _routes(ctx, api_id) if r.get("RouteKey") == ROUTE_KEY]
    if not routes:
        integration = next((i for i in integrations.values() if i.get("IntegrationUri") == function_arn), None) or \
            apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=function_arn,
                                     PayloadFormatVersion="2.0")
        apigw.create_route(ApiId=api_id, RouteKey=ROUTE_KEY, Target=f"integrations/{integration['IntegrationId']}")
        apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    sid = f"saa-tutor-{api_id}"
    if not any(s.get("Sid") == sid for s in _policy_statements(ctx)):
        region, account = function_arn.split(":")[3:5]
        ctx.client("lambda").add_permission(
            FunctionName=FUNCTION_NAME, StatementId=sid, Action="lambda:InvokeFunction", Principal=APIGW,
            SourceArn=f"arn:aws:execute-api:{region}:{account}:{api_id}/*/*/titles/{{id}}")


def solve_api(ctx: Context) -> None:
    _own_api(ctx)


def cleanup_api(ctx: Context) -> list[dict]:
    """The APIs named streamcloud-api and the function's statements letting API Gateway in."""
    done = Cleanup()
    for api in _apis(ctx):
        done.attempt("apigateway-api", api["ApiId"],
                     lambda api_id=api["ApiId"]: ctx.client("apigatewayv2").delete_api(ApiId=api_id), "NotFoundException")
    for statement in _policy_statements(ctx):
        if _allows_apigateway(statement) and statement.get("Sid"):
            done.attempt("lambda-permission", f"{FUNCTION_NAME}/{statement['Sid']}",
                         lambda sid=statement["Sid"]: ctx.client("lambda").remove_permission(
                             FunctionName=FUNCTION_NAME, StatementId=sid), *NOT_FOUND)
    return done.done


# cleanup --------------------------------------------------------------------------------
def cleanup(ctx: Context) -> list[dict]:
    """Delete everything that carries the lab's names, whoever made it; nothing else."""
    return cleanup_steps(ctx, cleanup_api, cleanup_function, cleanup_table)
