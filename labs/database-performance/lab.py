"""Checks, solutions and cleanup of the lab `database-performance`: StreamCloud's data tier.

An RDS instance (Multi-AZ, encrypted, backed up, gp3/io1/io2, Performance Insights) with a read
replica, a DynamoDB table with a composite key, a GSI and capacity that follows demand, and an
ElastiCache replication group that fails over by itself. Checks read configuration only (the
sandbox fails nothing over) and judge every value themselves, since moto accepts invalid ones.
A resource being deleted counts as gone. Solutions create their own resources, tagged as the
tutor's, and never adopt the student's.
"""

from __future__ import annotations

from tutor.labs.kit import (
    Cleanup,
    Context,
    Result,
    SolveConflict,
    absent,
    already_mine,
    cleanup_steps,
    fail,
    judged,
    missing,
    ok,
    skip,
    with_tags,
)

DB = "streamcloud-db"
REPLICA = "streamcloud-db-replica-1"
TABLE = "streamcloud-views"
INDEX = "title-index"
CACHE = "streamcloud-cache"
DB_CLASS = "db.t4g.medium"  # the smallest Graviton class with both Multi-AZ and Performance Insights
ENGINES = ("mysql", "postgres")
STORAGE_TYPES = ("gp3", "io1", "io2")
RETENTION = (7, 35)  # the step's minimum; 35 days is the most RDS keeps
CACHE_ENGINES = ("valkey", "redis")
GONE = ("deleting", "DELETING")

CREATE_DB = ("aws rds create-db-instance --db-instance-identifier streamcloud-db --engine mysql "
             "--db-instance-class db.t4g.medium --allocated-storage 20 --storage-type gp3 --multi-az "
             "--storage-encrypted --backup-retention-period 7 --enable-performance-insights "
             "--master-username admin --manage-master-user-password")
MODIFY_DB = "aws rds modify-db-instance --db-instance-identifier streamcloud-db"
RECREATE = (" The setting is fixed at creation: delete the instance (aws rds delete-db-instance "
            "--db-instance-identifier streamcloud-db --skip-final-snapshot) and create it again.",
            " 이 설정은 생성할 때 정해지므로 인스턴스를 삭제(aws rds delete-db-instance "
            "--db-instance-identifier streamcloud-db --skip-final-snapshot)하고 다시 만드십시오.")


# lookups ------------------------------------------------------------------------------
def _db(ctx: Context, ident: str) -> dict | None:
    """A DB instance by identifier, or None when it does not exist or is being deleted."""
    found = absent(lambda: ctx.client("rds").describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"],
                   "DBInstanceNotFound", "DBInstanceNotFoundFault")
    live = [d for d in found or [] if d.get("DBInstanceStatus") not in GONE]
    return live[0] if live else None


def _table(ctx: Context) -> dict | None:
    found = absent(lambda: ctx.client("dynamodb").describe_table(TableName=TABLE)["Table"], "ResourceNotFoundException")
    return None if found is None or found.get("TableStatus") in GONE else found


def _cache_any(ctx: Context) -> dict | None:
    """The replication group, also while it is being deleted (its id is taken until it is gone)."""
    found = absent(lambda: ctx.client("elasticache").describe_replication_groups(
        ReplicationGroupId=CACHE)["ReplicationGroups"], "ReplicationGroupNotFoundFault")
    return (found or [None])[0]


def _cache(ctx: Context) -> dict | None:
    group = _cache_any(ctx)
    return None if group is None or group.get("Status") in GONE else group


NO_DB = missing("DB instance", "DB 인스턴스", DB, CREATE_DB)
NO_REPLICA = missing("read replica", "읽기 전용 복제본", REPLICA,
                     f"aws rds create-db-instance-read-replica --db-instance-identifier {REPLICA} "
                     f"--source-db-instance-identifier {DB}")
NO_TABLE = missing("DynamoDB table", "DynamoDB 테이블", TABLE,
                   "aws dynamodb create-table --table-name streamcloud-views ... --billing-mode PAY_PER_REQUEST")
NO_CACHE = missing("ElastiCache replication group", "ElastiCache 복제 그룹", CACHE,
                   "aws elasticache create-replication-group --replication-group-id streamcloud-cache --engine valkey "
                   "--num-node-groups 1 --replicas-per-node-group 1 --automatic-failover-enabled --multi-az-enabled")


def _find_db(ctx: Context) -> dict | Result:
    return _db(ctx, DB) or NO_DB


def _find_table(ctx: Context) -> dict | Result:
    return _table(ctx) or NO_TABLE


# step rds ------------------------------------------------------------------------------
@judged(_find_db)
def check_db_exists(ctx: Context, db: dict) -> Result:
    return ok(f"DB instance {DB} ({db.get('Engine')}, {db.get('DBInstanceClass')}) found.",
              f"DB 인스턴스 {DB}({db.get('Engine')}, {db.get('DBInstanceClass')})을(를) 찾았습니다.")


@judged(_find_db)
def check_db_engine(ctx: Context, db: dict) -> Result:
    engine = db.get("Engine") or "none"
    if engine in ENGINES:
        return ok(f"Engine {engine}.", f"엔진은 {engine}입니다.")
    return fail(f"{DB} runs engine {engine}, not mysql or postgres (--engine mysql).{RECREATE[0]}",
                f"{DB}의 엔진이 mysql 또는 postgres(--engine mysql)가 아닌 {engine}입니다.{RECREATE[1]}")


@judged(_find_db)
def check_db_multi_az(ctx: Context, db: dict) -> Result:
    if db.get("MultiAZ") is True:
        return ok(f"{DB} is a Multi-AZ deployment: a standby in another AZ takes over on failure.",
                  f"{DB}은(는) 다중 AZ 배포입니다: 장애 시 다른 가용 영역의 대기 인스턴스가 넘겨받습니다.")
    return fail(f"{DB} is a single-AZ instance, a single point of failure: turn Multi-AZ on with {MODIFY_DB} --multi-az --apply-immediately.",
                f"{DB}은(는) 단일 AZ 인스턴스라 단일 장애 지점입니다: {MODIFY_DB} --multi-az --apply-immediately로 다중 AZ를 켜십시오.")


@judged(_find_db)
def check_db_encrypted(ctx: Context, db: dict) -> Result:
    if db.get("StorageEncrypted") is True:
        return ok(f"{DB}'s storage is encrypted.", f"{DB}의 스토리지가 암호화되어 있습니다.")
    return fail(f"{DB}'s storage is not encrypted (--storage-encrypted).{RECREATE[0]} With data to keep, restore an encrypted copy of a snapshot instead (copy-db-snapshot --kms-key-id).",
                f"{DB}의 스토리지가 암호화되어 있지 않습니다(--storage-encrypted).{RECREATE[1]} 보존할 데이터가 있으면 스냅샷의 암호화된 사본(copy-db-snapshot --kms-key-id)에서 복원하십시오.")


@judged(_find_db)
def check_db_backups(ctx: Context, db: dict) -> Result:
    days = int(db.get("BackupRetentionPeriod") or 0)
    lo, hi = RETENTION
    if lo <= days <= hi:
        return ok(f"Automated backups kept for {days} days.", f"자동 백업을 {days}일 동안 보관합니다.")
    if days > hi:
        return fail(f"Backup retention is {days} days, more than RDS keeps ({hi}): set {MODIFY_DB} --backup-retention-period 7 --apply-immediately (longer-term copies are manual snapshots or AWS Backup).",
                    f"백업 보존 기간이 RDS의 최대({hi}일)를 넘는 {days}일입니다: {MODIFY_DB} --backup-retention-period 7 --apply-immediately로 설정하십시오(더 오래 보관하려면 수동 스냅샷이나 AWS Backup을 쓰십시오).")
    what = ("0: automated backups and point-in-time recovery are off", "0이라 자동 백업과 특정 시점으로 복구가 꺼져 있습니다") if days == 0 \
        else (f"{days} days", f"{days}일입니다")
    return fail(f"Backup retention is {what[0]}: keep at least {lo} days with {MODIFY_DB} --backup-retention-period 7 --apply-immediately.",
                f"백업 보존 기간이 {what[1]}: {MODIFY_DB} --backup-retention-period 7 --apply-immediately로 {lo}일 이상 보관하십시오.")


@judged(_find_db)
def check_db_storage(ctx: Context, db: dict) -> Result:
    kind = db.get("StorageType") or "none"
    if kind in STORAGE_TYPES:
        return ok(f"Storage type {kind}.", f"스토리지 유형은 {kind}입니다.")
    return fail(f"Storage type {kind}: gp2 ties IOPS to size and magnetic (standard) is previous generation; switch with {MODIFY_DB} --storage-type gp3 --apply-immediately (or io1/io2 with --iops).",
                f"스토리지 유형이 {kind}입니다: gp2는 IOPS가 크기에 묶이고 마그네틱(standard)은 이전 세대입니다. {MODIFY_DB} --storage-type gp3 --apply-immediately(또는 --iops와 함께 io1/io2)로 바꾸십시오.")


@judged(_find_db)
def check_db_performance_insights(ctx: Context, db: dict) -> Result:
    if "PerformanceInsightsEnabled" not in db:  # an older endpoint omits the field
        return skip("PerformanceInsightsEnabled is not returned by this endpoint",
                    "이 엔드포인트는 PerformanceInsightsEnabled를 반환하지 않습니다")
    if db["PerformanceInsightsEnabled"] is True:
        return ok("Performance Insights is on (shown in CloudWatch Database Insights, Standard mode).",
                  "Performance Insights가 켜져 있습니다(CloudWatch Database Insights의 Standard 모드에 표시됩니다).")
    return fail(f"Performance Insights is off: turn it on with {MODIFY_DB} --enable-performance-insights --apply-immediately (the sandbox keeps this setting only from create-db-instance --enable-performance-insights).",
                f"Performance Insights가 꺼져 있습니다: {MODIFY_DB} --enable-performance-insights --apply-immediately로 켜십시오(샌드박스는 이 설정을 create-db-instance --enable-performance-insights에서만 반영합니다).")


def _own_db(ctx: Context) -> None:
    db = _db(ctx, DB)
    if already_mine(ctx, with_tags(db, (db or {}).get("TagList") or []), "a DB instance", "DB 인스턴스", DB):
        return
    ctx.client("rds").create_db_instance(
        DBInstanceIdentifier=DB, Engine="mysql", DBInstanceClass=DB_CLASS, AllocatedStorage=20,
        StorageType="gp3", MultiAZ=True, StorageEncrypted=True, BackupRetentionPeriod=7,
        EnablePerformanceInsights=True, MasterUsername="admin", ManageMasterUserPassword=True,
        Tags=ctx.owner_tags(DB))


def solve_rds(ctx: Context) -> None:
    _own_db(ctx)


# step read-replica ---------------------------------------------------------------------
def _is_source(value: str, region: str) -> bool:
    if value == DB:
        return True
    parts = value.split(":")  # arn:aws:rds:REGION:ACCOUNT:db:NAME
    return len(parts) == 7 and parts[2] == "rds" and parts[3] == region and parts[5:] == ["db", DB]


def _find_replica(ctx: Context) -> dict | Result:
    return _db(ctx, REPLICA) or NO_REPLICA


@judged(_find_replica)
def check_replica_exists(ctx: Context, replica: dict) -> Result:
    return ok(f"DB instance {REPLICA} found.", f"DB 인스턴스 {REPLICA}을(를) 찾았습니다.")


@judged(_find_replica)
def check_replica_source(ctx: Context, replica: dict) -> Result:
    source = replica.get("ReadReplicaSourceDBInstanceIdentifier")
    if not source:
        return fail(f"{REPLICA} is a standalone instance, not a read replica: delete it (aws rds delete-db-instance --db-instance-identifier {REPLICA} --skip-final-snapshot) and create it with create-db-instance-read-replica --source-db-instance-identifier {DB}.",
                    f"{REPLICA}은(는) 읽기 전용 복제본이 아닌 독립 인스턴스입니다: 삭제(aws rds delete-db-instance --db-instance-identifier {REPLICA} --skip-final-snapshot)한 뒤 create-db-instance-read-replica --source-db-instance-identifier {DB}로 만드십시오.")
    if not _is_source(source, ctx.region):
        return fail(f"{REPLICA} replicates from {source}, not {DB}: delete it and create it again with --source-db-instance-identifier {DB}.",
                    f"{REPLICA}은(는) {DB}가 아닌 {source}에서 복제합니다: 삭제한 뒤 --source-db-instance-identifier {DB}로 다시 만드십시오.")
    if _db(ctx, DB) is None:
        return fail(f"{REPLICA} names {DB} as its source, but {DB} no longer exists: create {DB} (step rds), then the replica again.",
                    f"{REPLICA}의 원본은 {DB}이지만 {DB}가 더 이상 없습니다: {DB}를 만든 뒤(rds 단계) 복제본을 다시 만드십시오.")
    return ok(f"{REPLICA} is a read replica of {DB}.", f"{REPLICA}은(는) {DB}의 읽기 전용 복제본입니다.")


def solve_read_replica(ctx: Context) -> None:
    _own_db(ctx)
    replica = _db(ctx, REPLICA)
    if already_mine(ctx, with_tags(replica, (replica or {}).get("TagList") or []), "a DB instance", "DB 인스턴스", REPLICA):
        return
    rds = ctx.client("rds")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=DB)  # at once on the sandbox
    rds.create_db_instance_read_replica(DBInstanceIdentifier=REPLICA, SourceDBInstanceIdentifier=DB,
                                        DBInstanceClass=DB_CLASS, Tags=ctx.owner_tags(REPLICA))


# step dynamodb -------------------------------------------------------------------------
def _key(schema: list[dict], kind: str) -> str | None:
    return next((k["AttributeName"] for k in schema or [] if k.get("KeyType") == kind), None)


def _index(table: dict) -> dict | None:
    found = [i for i in table.get("GlobalSecondaryIndexes") or []
             if i.get("IndexName") == INDEX and i.get("IndexStatus") not in GONE]
    return found[0] if found else None


@judged(_find_table)
def check_table_exists(ctx: Context, table: dict) -> Result:
    return ok(f"Table {TABLE} found.", f"테이블 {TABLE}을(를) 찾았습니다.")


@judged(_find_table)
def check_table_keys(ctx: Context, table: dict) -> Result:
    pk, sk = _key(table["KeySchema"], "HASH"), _key(table["KeySchema"], "RANGE")
    if (pk, sk) == ("user_id", "viewed_at"):
        return ok("Partition key user_id, sort key viewed_at.", "파티션 키 user_id, 정렬 키 viewed_at입니다.")
    return fail(f"{TABLE} has partition key {pk} and sort key {sk or 'none'}, not user_id and viewed_at. A key schema cannot change: delete the table (aws dynamodb delete-table --table-name {TABLE}) and create it with --key-schema AttributeName=user_id,KeyType=HASH AttributeName=viewed_at,KeyType=RANGE.",
                f"{TABLE}의 파티션 키가 {pk}, 정렬 키가 {sk or '없음'}으로, user_id와 viewed_at이 아닙니다. 키 스키마는 바꿀 수 없으므로 테이블을 삭제(aws dynamodb delete-table --table-name {TABLE})하고 --key-schema AttributeName=user_id,KeyType=HASH AttributeName=viewed_at,KeyType=RANGE로 다시 만드십시오.")


@judged(_find_table)
def check_title_index(ctx: Context, table: dict) -> Result:
    index = _index(table)
    if index is None:
        return fail(f"{TABLE} has no global secondary index {INDEX}: add it with aws dynamodb update-table --table-name {TABLE} --attribute-definitions AttributeName=title_id,AttributeType=S --global-secondary-index-updates '[{{\"Create\":{{\"IndexName\":\"{INDEX}\",\"KeySchema\":[{{\"AttributeName\":\"title_id\",\"KeyType\":\"HASH\"}}],\"Projection\":{{\"ProjectionType\":\"KEYS_ONLY\"}}}}}}]'.",
                    f"{TABLE}에 글로벌 보조 인덱스 {INDEX}가 없습니다: aws dynamodb update-table --table-name {TABLE} --attribute-definitions AttributeName=title_id,AttributeType=S --global-secondary-index-updates '[{{\"Create\":{{\"IndexName\":\"{INDEX}\",\"KeySchema\":[{{\"AttributeName\":\"title_id\",\"KeyType\":\"HASH\"}}],\"Projection\":{{\"ProjectionType\":\"KEYS_ONLY\"}}}}}}]'로 추가하십시오.")
    pk = _key(index.get("KeySchema"), "HASH")
    if pk == "title_id":
        return ok(f"{INDEX} is partitioned by title_id.", f"{INDEX}의 파티션 키는 title_id입니다.")
    return fail(f"{INDEX} has partition key {pk}, not title_id: an index's keys cannot change; delete it (--global-secondary-index-updates '[{{\"Delete\":{{\"IndexName\":\"{INDEX}\"}}}}]') and create it again with title_id as its HASH key.",
                f"{INDEX}의 파티션 키가 title_id가 아닌 {pk}입니다: 인덱스의 키는 바꿀 수 없으므로 삭제(--global-secondary-index-updates '[{{\"Delete\":{{\"IndexName\":\"{INDEX}\"}}}}]')한 뒤 title_id를 HASH 키로 다시 만드십시오.")


def _scaling_gaps(ctx: Context, resources: list[str]) -> list[str]:
    """Each `resource read|write` lacking a scalable target or a target tracking policy on it."""
    aas = ctx.client("application-autoscaling")
    targets = {(t["ResourceId"], t["ScalableDimension"]) for t in aas.describe_scalable_targets(
        ServiceNamespace="dynamodb", ResourceIds=resources)["ScalableTargets"]}
    tracked = set()
    for resource in resources:
        for p in aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=resource)["ScalingPolicies"]:
            metric = ((p.get("TargetTrackingScalingPolicyConfiguration") or {})
                      .get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
            if p.get("PolicyType") == "TargetTrackingScaling" and metric:
                tracked.add((p["ResourceId"], p["ScalableDimension"], metric))
    gaps = []
    for resource in resources:
        level = "index" if "/index/" in resource else "table"
        for unit, metric in (("Read", "DynamoDBReadCapacityUtilization"), ("Write", "DynamoDBWriteCapacityUtilization")):
            dimension = f"dynamodb:{level}:{unit}CapacityUnits"
            if (resource, dimension) not in targets or (resource, dimension, metric) not in tracked:
                gaps.append(f"{resource} {dimension}")
    return gaps


@judged(_find_table)
def check_table_capacity(ctx: Context, table: dict) -> Result:
    mode = (table.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"
    if mode == "PAY_PER_REQUEST":
        return ok(f"{TABLE} is on-demand: capacity follows the traffic.", f"{TABLE}은(는) 온디맨드 모드라 용량이 트래픽을 따릅니다.")
    resources = [f"table/{TABLE}"] + ([f"table/{TABLE}/index/{INDEX}"] if _index(table) else [])
    gaps = _scaling_gaps(ctx, resources)
    if not gaps:
        return ok(f"{TABLE} is provisioned with target tracking on reads and writes.",
                  f"{TABLE}은(는) 프로비저닝된 용량 모드이며 읽기와 쓰기에 대상 추적 조정이 있습니다.")
    shown = ", ".join(gaps)
    return fail(f"{TABLE} uses provisioned capacity without auto scaling on {shown}: switch to on-demand (aws dynamodb update-table --table-name {TABLE} --billing-mode PAY_PER_REQUEST) or, for each, aws application-autoscaling register-scalable-target and put-scaling-policy --policy-type TargetTrackingScaling with DynamoDBReadCapacityUtilization / DynamoDBWriteCapacityUtilization.",
                f"{TABLE}은(는) 프로비저닝된 용량 모드인데 {shown}에 Auto Scaling이 없습니다: 온디맨드로 바꾸거나(aws dynamodb update-table --table-name {TABLE} --billing-mode PAY_PER_REQUEST), 각각에 aws application-autoscaling register-scalable-target과 DynamoDBReadCapacityUtilization / DynamoDBWriteCapacityUtilization을 쓰는 put-scaling-policy --policy-type TargetTrackingScaling을 설정하십시오.")


def _table_tags(ctx: Context, table: dict | None) -> list[dict]:
    if table is None:
        return []
    return ctx.client("dynamodb").list_tags_of_resource(ResourceArn=table["TableArn"]).get("Tags") or []


def solve_dynamodb(ctx: Context) -> None:
    table = _table(ctx)
    if already_mine(ctx, with_tags(table, _table_tags(ctx, table)), "a DynamoDB table", "DynamoDB 테이블", TABLE):
        return
    ctx.client("dynamodb").create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("user_id", "viewed_at", "title_id")],
        KeySchema=[{"AttributeName": "user_id", "KeyType": "HASH"}, {"AttributeName": "viewed_at", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": INDEX, "Projection": {"ProjectionType": "KEYS_ONLY"}, "KeySchema": [
            {"AttributeName": "title_id", "KeyType": "HASH"}, {"AttributeName": "viewed_at", "KeyType": "RANGE"}]}],
        Tags=ctx.owner_tags(TABLE))


# step cache ----------------------------------------------------------------------------
CACHE_DELETING = fail(
    f"Replication group {CACHE} is being deleted and its id stays taken until it is gone: wait (aws elasticache wait "
    f"replication-group-deleted --replication-group-id {CACHE}), then create it again. The sandbox never finishes "
    "a deletion: there, tutor sandbox reset clears it.",
    f"복제 그룹 {CACHE}이(가) 삭제 중이며 완전히 없어질 때까지 ID를 다시 쓸 수 없습니다: aws elasticache wait "
    f"replication-group-deleted --replication-group-id {CACHE}로 기다린 뒤 다시 만드십시오. 샌드박스에서는 삭제가 "
    "끝나지 않으므로 tutor sandbox reset으로 지우십시오.")


def _find_cache(ctx: Context) -> dict | Result:
    group = _cache_any(ctx)
    if group is None:
        return NO_CACHE
    return CACHE_DELETING if group.get("Status") in GONE else group


MODIFY_CACHE = f"aws elasticache modify-replication-group --replication-group-id {CACHE}"


@judged(_find_cache)
def check_cache_exists(ctx: Context, group: dict) -> Result:
    return ok(f"Replication group {CACHE} found ({group.get('Status')}).",
              f"복제 그룹 {CACHE}을(를) 찾았습니다({group.get('Status')}).")


@judged(_find_cache)
def check_cache_engine(ctx: Context, group: dict) -> Result:
    if "Engine" not in group:  # an older endpoint omits the field
        return skip("the replication group's Engine is not returned by this endpoint",
                    "이 엔드포인트는 복제 그룹의 Engine을 반환하지 않습니다")
    engine = group["Engine"]
    if engine in CACHE_ENGINES:
        return ok(f"Engine {engine}.", f"엔진은 {engine}입니다.")
    return fail(f"{CACHE} runs {engine}, which has no replicas and no failover: delete it (aws elasticache delete-replication-group --replication-group-id {CACHE}) and create it with --engine valkey (or redis).",
                f"{CACHE}의 엔진 {engine}에는 복제본도 장애 조치도 없습니다: 삭제(aws elasticache delete-replication-group --replication-group-id {CACHE})한 뒤 --engine valkey(또는 redis)로 다시 만드십시오.")


@judged(_find_cache)
def check_cache_failover(ctx: Context, group: dict) -> Result:
    state = group.get("AutomaticFailover") or "disabled"
    if state == "enabled":
        return ok("Automatic failover is enabled.", "자동 장애 조치가 켜져 있습니다.")
    return fail(f"Automatic failover is {state}: a failed primary is then replaced by a new node instead of a promoted replica, and writes stop for longer. Turn it on with {MODIFY_CACHE} --automatic-failover-enabled --apply-immediately (it needs at least one replica).",
                f"자동 장애 조치가 {state} 상태입니다: 이러면 장애가 난 프라이머리를 복제본 승격이 아닌 새 노드로 교체하므로 쓰기가 더 오래 멈춥니다. {MODIFY_CACHE} --automatic-failover-enabled --apply-immediately로 켜십시오(복제본이 하나 이상 필요합니다).")


@judged(_find_cache)
def check_cache_multi_az(ctx: Context, group: dict) -> Result:
    state = group.get("MultiAZ") or "disabled"
    if state == "enabled":
        return ok("Multi-AZ is enabled: a replica in another AZ is promoted on failure.",
                  "다중 AZ가 켜져 있습니다: 장애 시 다른 가용 영역의 복제본이 승격됩니다.")
    return fail(f"Multi-AZ is {state}: turn it on with {MODIFY_CACHE} --multi-az-enabled --apply-immediately.",
                f"다중 AZ가 {state} 상태입니다: {MODIFY_CACHE} --multi-az-enabled --apply-immediately로 켜십시오.")


def _replica_counts(group: dict) -> list[int]:
    """Replicas per node group: from the members where listed, else members minus one primary each."""
    groups = group.get("NodeGroups") or []
    if groups and all(g.get("NodeGroupMembers") for g in groups):
        return [len(g["NodeGroupMembers"]) - 1 for g in groups]
    shards = max(len(groups), 1)
    return [(len(group.get("MemberClusters") or []) - shards) // shards] * shards


@judged(_find_cache)
def check_cache_replicas(ctx: Context, group: dict) -> Result:
    fewest = min(_replica_counts(group))
    if fewest >= 1:
        return ok(f"Each node group has at least {fewest} replica(s).", f"노드 그룹마다 복제본이 {fewest}개 이상 있습니다.")
    return fail(f"{CACHE} has a node group without a replica, so there is nothing to fail over to: add one with aws elasticache increase-replica-count --replication-group-id {CACHE} --new-replica-count 1 --apply-immediately, or create the group with --num-node-groups 1 --replicas-per-node-group 1 (the sandbox turns --num-cache-clusters into a single node).",
                f"{CACHE}에 복제본이 없는 노드 그룹이 있어 장애 조치할 대상이 없습니다: aws elasticache increase-replica-count --replication-group-id {CACHE} --new-replica-count 1 --apply-immediately로 추가하거나 --num-node-groups 1 --replicas-per-node-group 1로 그룹을 만드십시오(샌드박스는 --num-cache-clusters를 노드 하나로 만듭니다).")


def solve_cache(ctx: Context) -> None:
    group = _cache_any(ctx)
    if group is not None and group.get("Status") in GONE:
        if ctx.on_endpoint:  # moto never finishes deleting a replication group
            raise SolveConflict(CACHE_DELETING.en, CACHE_DELETING.ko)
        ctx.client("elasticache").get_waiter("replication_group_deleted").wait(ReplicationGroupId=CACHE)
        group = None
    tags = ctx.client("elasticache").list_tags_for_resource(ResourceName=group["ARN"]).get("TagList") if group else []
    if already_mine(ctx, with_tags(group, tags or []), "a replication group", "복제 그룹", CACHE):
        return
    ctx.client("elasticache").create_replication_group(
        ReplicationGroupId=CACHE, ReplicationGroupDescription="StreamCloud sessions and catalog cache",
        Engine="valkey", CacheNodeType="cache.t4g.micro", NumNodeGroups=1, ReplicasPerNodeGroup=1,
        AutomaticFailoverEnabled=True, MultiAZEnabled=True, Tags=ctx.owner_tags(CACHE))


# cleanup: what carries the lab's names, whoever made it; nothing else ---------------------
def cleanup_read_replica(ctx: Context) -> list[dict]:
    done = Cleanup()
    rds = ctx.client("rds")
    if _db(ctx, REPLICA) is not None and done.attempt(
            "db-instance", REPLICA, lambda: rds.delete_db_instance(
                DBInstanceIdentifier=REPLICA, SkipFinalSnapshot=True, DeleteAutomatedBackups=True),
            "DBInstanceNotFound", "DBInstanceNotFoundFault") and not ctx.on_endpoint:
        rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier=REPLICA)  # the source waits for it
    return done.done


def cleanup_rds(ctx: Context) -> list[dict]:
    """The lab's replica goes first (it cannot outlive its source's reset); a replica the lab
    did not name keeps the source alive."""
    done = Cleanup()
    done.extend(cleanup_read_replica(ctx))
    db = _db(ctx, DB)
    if db is None:
        return done.done
    others = [r for r in db.get("ReadReplicaDBInstanceIdentifiers") or [] if r != REPLICA]
    if others:
        done.kept("db-instance", DB, f"read replicas the lab did not create still replicate from it: {', '.join(others)}")
    else:
        done.attempt("db-instance", DB, lambda: ctx.client("rds").delete_db_instance(
            DBInstanceIdentifier=DB, SkipFinalSnapshot=True, DeleteAutomatedBackups=True),
            "DBInstanceNotFound", "DBInstanceNotFoundFault")
    return done.done


def cleanup_dynamodb(ctx: Context) -> list[dict]:
    done = Cleanup()
    aas = ctx.client("application-autoscaling")
    table = _table(ctx)
    indexes = {INDEX} | {i["IndexName"] for i in (table or {}).get("GlobalSecondaryIndexes") or []}
    resources = [f"table/{TABLE}"] + [f"table/{TABLE}/index/{name}" for name in sorted(indexes)]
    targets = aas.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=resources)["ScalableTargets"]
    for t in targets:  # deregistering a target deletes its scaling policies too
        done.attempt("scalable-target", f"{t['ResourceId']} {t['ScalableDimension']}", lambda t=t: aas.deregister_scalable_target(
            ServiceNamespace="dynamodb", ResourceId=t["ResourceId"], ScalableDimension=t["ScalableDimension"]),
            "ObjectNotFoundException")
    if table is not None:
        done.attempt("dynamodb-table", TABLE, lambda: ctx.client("dynamodb").delete_table(TableName=TABLE),
                     "ResourceNotFoundException")
    return done.done


def cleanup_cache(ctx: Context) -> list[dict]:
    done = Cleanup()
    if _cache(ctx) is not None:
        done.attempt("elasticache-replication-group", CACHE, lambda: ctx.client("elasticache").delete_replication_group(
            ReplicationGroupId=CACHE), "ReplicationGroupNotFoundFault")
    return done.done


def cleanup(ctx: Context) -> list[dict]:
    """The whole lab, dependents first: the replica before its source."""
    return cleanup_steps(ctx, cleanup_cache, cleanup_dynamodb, cleanup_read_replica, cleanup_rds)
