"""The sandbox's speed patches (tutor.sandbox.lean) change how fast moto answers, never what."""

from __future__ import annotations

import boto3.session
import pytest

from tutor.sandbox import lean

# Services of the labs, with some whose endpoint prefix is not their name (elbv2 is
# elasticloadbalancing, cloudwatch is monitoring, ...), in the three partitions moto lists.
SERVICES = ["ec2", "s3", "iam", "sqs", "sns", "lambda", "rds", "elbv2", "elb", "autoscaling", "cloudfront",
            "route53", "dynamodb", "ecs", "elasticache", "efs", "cloudwatch", "logs", "events", "apigateway",
            "globalaccelerator", "wafv2", "sts", "ssm", "stepfunctions"]


@pytest.mark.parametrize("partition", ["aws", "aws-us-gov", "aws-cn"])
def test_region_lists_are_botocores_own(partition):
    lean.apply()
    slow = boto3.session.Session()._session  # botocore's session: its own, unpatched way
    for service in SERVICES:
        for non_regional in (False, True):
            assert (boto3.session.Session().get_available_regions(service, partition, non_regional)
                    == slow.get_available_regions(service, partition, non_regional)), (service, non_regional)


def test_the_prefix_is_read_without_loading_the_model(monkeypatch):
    import botocore.loaders

    loaded = []
    original = botocore.loaders.Loader.load_service_model
    monkeypatch.setattr(botocore.loaders.Loader, "load_service_model",
                        lambda self, name, *a, **k: loaded.append(name) or original(self, name, *a, **k))
    session = boto3.session.Session()
    assert lean._endpoint_prefix(session, "elbv2") == "elasticloadbalancing"
    assert lean._endpoint_prefix(session, "cloudwatch") == "monitoring"
    assert lean._endpoint_prefix(session, "no-such-service") is None
    assert loaded == []  # read from the file's head, no model built


def test_an_unknown_service_answers_as_botocore_does():
    lean.apply()
    slow = boto3.session.Session()._session
    assert boto3.session.Session().get_available_regions("no-such-service") == \
        slow.get_available_regions("no-such-service") == []
