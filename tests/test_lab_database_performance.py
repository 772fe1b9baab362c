"""The lab database-performance, provisioned and verified for real against a moto server.

Every check fails on an empty account, every step passes after its solution, and each wrong
configuration a step rules out fails that step's check with a message saying what to change.
"""

from __future__ import annotations

import pytest

from tutor.labs.kit import Context
from tutor.labs.runner import LabSolveConflict

from conftest import aws

LAB = "database-performance"
STEPS = ["rds", "read-replica", "dynamodb", "cache"]
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/streamcloud-views"


def client(endpoint, service):
    return aws(service, endpoint)


def checks_of(report, step):
    entry = next(s for s in report["steps"] if s["id"] == step)
    return {c["id"]: c for c in entry["checks"]}


def create_db(rds, ident="streamcloud-db", *, engine="mysql", multi_az=True, encrypted=True, retention=7,
              storage="gp3", pi=True):
    rds.create_db_instance(DBInstanceIdentifier=ident, Engine=engine, DBInstanceClass="db.t4g.medium",
                           AllocatedStorage=20, StorageType=storage, MultiAZ=multi_az, StorageEncrypted=encrypted,
                           BackupRetentionPeriod=retention, EnablePerformanceInsights=pi,
                           MasterUsername="admin", ManageMasterUserPassword=True,
                           **({} if engine in ("mysql", "postgres") else {"EngineVersion": "10.11.9"}))  # moto knows no mariadb default


def scale(aas, resource, level):
    for unit in ("Read", "Write"):
        dimension = f"dynamodb:{level}:{unit}CapacityUnits"
        aas.register_scalable_target(ServiceNamespace="dynamodb", ResourceId=resource, ScalableDimension=dimension,
                                     MinCapacity=5, MaxCapacity=100)
        aas.put_scaling_policy(
            PolicyName=f"{level}-{unit}", ServiceNamespace="dynamodb", ResourceId=resource, ScalableDimension=dimension,
            PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
                "TargetValue": 70.0, "PredefinedMetricSpecification": {"PredefinedMetricType": f"DynamoDB{unit}CapacityUtilization"}})


def create_table(ddb, aas, *, keys=("user_id", "viewed_at"), index_pk="title_id", billing="PAY_PER_REQUEST",
                 scaled=("table", "index")):
    names = {k for k in keys if k} | ({index_pk} if index_pk else set())
    extra = {}
    if index_pk:
        extra["GlobalSecondaryIndexes"] = [{"IndexName": "title-index", "KeySchema": [
            {"AttributeName": index_pk, "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"},
            **({"ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}} if billing == "PROVISIONED" else {})}]
    if billing == "PROVISIONED":
        extra["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    schema = [{"AttributeName": keys[0], "KeyType": "HASH"}] + ([{"AttributeName": keys[1], "KeyType": "RANGE"}] if keys[1] else [])
    ddb.create_table(TableName="streamcloud-views", BillingMode=billing, KeySchema=schema,
                     AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in sorted(names)], **extra)
    if billing == "PROVISIONED":
        if "table" in scaled:
            scale(aas, "table/streamcloud-views", "table")
        if "index" in scaled and index_pk:
            scale(aas, "table/streamcloud-views/index/title-index", "index")


def create_cache(ec, *, engine="valkey", failover=True, multi_az=True, replicas=1, form="node-groups"):
    shape = ({"NumCacheClusters": replicas + 1} if form == "cache-clusters"
             else {"NumNodeGroups": 1, "ReplicasPerNodeGroup": replicas})
    ec.create_replication_group(ReplicationGroupId="streamcloud-cache", ReplicationGroupDescription="cache",
                                Engine=engine, CacheNodeType="cache.t4g.micro", AutomaticFailoverEnabled=failover,
                                MultiAZEnabled=multi_az, **shape)


def build(endpoint, *, db=None, replica="streamcloud-db", table=None, cache=None):
    """What a student builds with the CLI, with knobs for each wrong configuration."""
    rds = client(endpoint, "rds")
    create_db(rds, **(db or {}))
    if replica == "standalone":
        create_db(rds, "streamcloud-db-replica-1")
    elif replica:
        if replica == "other-db":
            create_db(rds, replica)
        rds.create_db_instance_read_replica(DBInstanceIdentifier="streamcloud-db-replica-1",
                                            SourceDBInstanceIdentifier=replica, DBInstanceClass="db.t4g.medium")
    create_table(client(endpoint, "dynamodb"), client(endpoint, "application-autoscaling"), **(table or {}))
    create_cache(client(endpoint, "elasticache"), **(cache or {}))




def test_solution_is_idempotent(lab_runner, endpoint):
    runner = lab_runner(LAB)
    runner.solve()
    runner.solve()
    names = [d["DBInstanceIdentifier"] for d in client(endpoint, "rds").describe_db_instances()["DBInstances"]]
    assert sorted(names) == ["streamcloud-db", "streamcloud-db-replica-1"]
    assert runner.verify()["passed"] is True


def test_a_correct_student_build_passes(lab_runner, endpoint):
    build(endpoint)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knobs", [
    {"db": {"engine": "postgres", "storage": "io2"}},
    {"db": {"storage": "io1", "retention": 35}},
    {"replica": "arn:aws:rds:us-east-1:123456789012:db:streamcloud-db"},
    {"table": {"billing": "PROVISIONED"}},
    {"cache": {"engine": "redis", "replicas": 2}},
])
def test_other_good_choices_pass(lab_runner, endpoint, knobs):
    build(endpoint, **knobs)
    report = lab_runner(LAB).verify()
    assert report["passed"] is True, report


@pytest.mark.parametrize("knobs, step, check, words", [
    ({"db": {"engine": "mariadb"}}, "rds", "engine", "mariadb"),
    ({"db": {"multi_az": False}}, "rds", "multi-az", "--multi-az"),
    ({"db": {"encrypted": False}}, "rds", "encrypted", "--storage-encrypted"),
    ({"db": {"retention": 1}}, "rds", "backups", "--backup-retention-period 7"),
    ({"db": {"retention": 0}}, "rds", "backups", "point-in-time recovery are off"),
    ({"db": {"retention": 40}}, "rds", "backups", "more than RDS keeps"),
    ({"db": {"storage": "gp2"}}, "rds", "storage", "--storage-type gp3"),
    ({"db": {"storage": "standard"}}, "rds", "storage", "standard"),
    ({"db": {"pi": False}}, "rds", "performance-insights", "--enable-performance-insights"),
    ({"replica": None}, "read-replica", "exists", "create-db-instance-read-replica"),
    ({"replica": "standalone"}, "read-replica", "source", "standalone"),
    ({"replica": "other-db"}, "read-replica", "source", "replicates from other-db"),
    ({"table": {"keys": ("title_id", "viewed_at")}}, "dynamodb", "keys", "partition key title_id"),
    ({"table": {"keys": ("user_id", None)}}, "dynamodb", "keys", "sort key none"),
    ({"table": {"index_pk": None}}, "dynamodb", "index", "--global-secondary-index-updates"),
    ({"table": {"index_pk": "user_id"}}, "dynamodb", "index", "partition key user_id"),
    ({"table": {"billing": "PROVISIONED", "scaled": ()}}, "dynamodb", "capacity", "register-scalable-target"),
    ({"table": {"billing": "PROVISIONED", "scaled": ("table",)}}, "dynamodb", "capacity", "index/title-index"),
    ({"cache": {"engine": "memcached"}}, "cache", "engine", "--engine valkey"),
    ({"cache": {"failover": False}}, "cache", "automatic-failover", "--automatic-failover-enabled"),
    ({"cache": {"multi_az": False}}, "cache", "multi-az", "--multi-az-enabled"),
    ({"cache": {"replicas": 0, "failover": False, "multi_az": False}}, "cache", "replicas", "increase-replica-count"),
    ({"cache": {"form": "cache-clusters"}}, "cache", "replicas", "--replicas-per-node-group 1"),
])
def test_wrong_configuration_fails_its_step(lab_runner, endpoint, knobs, step, check, words):
    build(endpoint, **knobs)
    report = lab_runner(LAB).verify()
    checks = checks_of(report, step)
    assert checks[check]["passed"] is False
    assert words in checks[check]["message"]
    # the other steps are judged on their own requirements only
    assert all(s["passed"] for s in report["steps"] if s["id"] != step), report


def test_a_fixed_instance_passes_whatever_it_was_before(lab_runner, endpoint):
    build(endpoint, db={"multi_az": False, "retention": 1, "storage": "gp2"})
    assert lab_runner(LAB).verify("rds")["passed"] is False
    client(endpoint, "rds").modify_db_instance(DBInstanceIdentifier="streamcloud-db", MultiAZ=True,
                                               BackupRetentionPeriod=7, StorageType="gp3", ApplyImmediately=True)
    assert lab_runner(LAB).verify("rds")["passed"] is True


def test_a_fixed_cache_passes(lab_runner, endpoint):
    build(endpoint, cache={"failover": False, "multi_az": False})
    client(endpoint, "elasticache").modify_replication_group(
        ReplicationGroupId="streamcloud-cache", AutomaticFailoverEnabled=True, MultiAZEnabled=True, ApplyImmediately=True)
    assert lab_runner(LAB).verify("cache")["passed"] is True


def test_replica_whose_source_is_gone_fails(lab_runner, endpoint):
    build(endpoint)
    client(endpoint, "rds").delete_db_instance(DBInstanceIdentifier="streamcloud-db", SkipFinalSnapshot=True)
    source = checks_of(lab_runner(LAB).verify("read-replica"), "read-replica")["source"]
    assert source["passed"] is False and "no longer exists" in source["message"]


def test_performance_insights_omitted_by_an_endpoint_is_skipped(lab_runner):
    module = lab_runner(LAB).module

    class OlderRds:
        def describe_db_instances(self, **_):
            return {"DBInstances": [{"DBInstanceIdentifier": "streamcloud-db", "DBInstanceStatus": "available"}]}

    ctx = Context(lab_id=LAB, region="us-east-1", endpoint="http://127.0.0.1:1", make_client=lambda _: OlderRds())
    result = module.check_db_performance_insights(ctx)
    assert result.skipped and result.passed and "real AWS" in result.en


def test_korean_messages(lab_runner):
    report = lab_runner(LAB, lang="ko").verify("rds")
    message = report["steps"][0]["checks"][0]["message"]
    assert "DB 인스턴스" in message and "만드십시오" in message


@pytest.mark.parametrize("step", STEPS)
def test_solution_never_adopts_the_students_resource(lab_runner, endpoint, step):
    build(endpoint, db={"multi_az": False}, table={"index_pk": None}, cache={"failover": False})
    with pytest.raises(LabSolveConflict, match="not created by the tutor"):
        lab_runner(LAB).solve([step])


def test_cleanup_deletes_lab_resources_only(lab_runner, endpoint):
    build(endpoint, table={"billing": "PROVISIONED"})
    rds, ddb = client(endpoint, "rds"), client(endpoint, "dynamodb")
    aas, ec = client(endpoint, "application-autoscaling"), client(endpoint, "elasticache")
    create_db(rds, "keep-db")
    ddb.create_table(TableName="keep-table", BillingMode="PROVISIONED", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    scale(aas, "table/keep-table", "table")
    ec.create_replication_group(ReplicationGroupId="keep-cache", ReplicationGroupDescription="x", Engine="valkey",
                                CacheNodeType="cache.t4g.micro", NumNodeGroups=1, ReplicasPerNodeGroup=1)
    removed = lab_runner(LAB).cleanup()
    deleted = {(r["type"], r["id"]) for r in removed if r["deleted"]}
    assert {("db-instance", "streamcloud-db"), ("db-instance", "streamcloud-db-replica-1"),
            ("dynamodb-table", "streamcloud-views"), ("elasticache-replication-group", "streamcloud-cache")} <= deleted
    assert [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]] == ["keep-db"]
    assert ddb.list_tables()["TableNames"] == ["keep-table"]
    targets = aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"]
    assert {t["ResourceId"] for t in targets} == {"table/keep-table"}
    groups = {g["ReplicationGroupId"]: g["Status"] for g in ec.describe_replication_groups()["ReplicationGroups"]}
    assert groups["keep-cache"] == "available" and groups.get("streamcloud-cache", "deleting") == "deleting"
    report = lab_runner(LAB).verify()
    assert not any(c["passed"] for s in report["steps"] for c in s["checks"]), report
    assert lab_runner(LAB).cleanup() == []  # nothing left to delete


@pytest.mark.parametrize("step, gone", [
    ("rds", ["rds", "read-replica"]),  # the lab's replica cannot outlive its source's reset
    ("read-replica", ["read-replica"]),
    ("dynamodb", ["dynamodb"]),
    ("cache", ["cache"]),
])
def test_each_step_cleanup_removes_its_resources(lab_runner, endpoint, step, gone):
    build(endpoint)
    removed = lab_runner(LAB).cleanup(step)
    assert removed and all(r["deleted"] for r in removed)
    report = lab_runner(LAB).verify()
    for entry in report["steps"]:
        assert entry["passed"] is (entry["id"] not in gone), entry


def test_rds_cleanup_keeps_a_source_another_replica_needs(lab_runner, endpoint):
    build(endpoint)
    client(endpoint, "rds").create_db_instance_read_replica(
        DBInstanceIdentifier="reporting-replica", SourceDBInstanceIdentifier="streamcloud-db", DBInstanceClass="db.t4g.medium")
    removed = lab_runner(LAB).cleanup("rds")
    kept = [r for r in removed if not r["deleted"]]
    assert kept and kept[0]["id"] == "streamcloud-db" and "reporting-replica" in kept[0]["reason"]
    assert client(endpoint, "rds").describe_db_instances(DBInstanceIdentifier="reporting-replica")["DBInstances"]


def test_a_cache_being_deleted_is_reported_and_never_reused(lab_runner, endpoint):
    build(endpoint)
    client(endpoint, "elasticache").delete_replication_group(ReplicationGroupId="streamcloud-cache")
    checks = checks_of(lab_runner(LAB).verify("cache"), "cache")
    assert all(not c["passed"] and "being deleted" in c["message"] for c in checks.values()), checks
    with pytest.raises(LabSolveConflict, match="being deleted"):
        lab_runner(LAB).solve(["cache"])
