"""StreamCloud catalog API: GET /titles/{id} returns one title from the DynamoDB table.

API Gateway (HTTP API, payload format 2.0) passes the path parameter in event["pathParameters"].
"""

import json
import os

import boto3

# Created once per execution environment, so warm invocations reuse the connection.
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    title_id = (event.get("pathParameters") or {}).get("id")
    item = TABLE.get_item(Key={"title_id": title_id}).get("Item") if title_id else None
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"message": "title not found"})}
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(item, default=str),  # DynamoDB numbers arrive as Decimal
    }
