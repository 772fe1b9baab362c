"""Checks, solutions and cleanup of the lab `ec2-asg`: an elastic web tier in us-east-1.

Checks judge configuration only (the sandbox never scales or fails anything) and require what
their step states, nothing more. A check passes if any resource with the lab's name meets the
requirement. Solutions create their own resources, tagged as the tutor's, and never adopt the
student's.
"""

from __future__ import annotations

import base64

from tutor.labs.kit import (
    OWNER_TAG,
    Context,
    Result,
    already_mine,
    error_code,
    fail,
    finder,
    judged,
    named,
    ok,
    owned,
    subnet_zones,
)

VPC_NAME = "streamcloud-vpc"
SUBNET_PATTERN = "streamcloud-public-*"
LT_NAME = "streamcloud-web-lt"
ASG_NAME = "streamcloud-web-asg"
PG_NAME = "streamcloud-spread"
POLICY_NAME = "streamcloud-cpu-target"
FAMILIES = ("c7i", "c7g", "c6i", "m7i", "m7g")
TARGET_RANGE = (40.0, 70.0)
USER_DATA = "#!/bin/bash\ndnf install -y nginx\nsystemctl enable --now nginx\n"
AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"


# lookups ------------------------------------------------------------------------------
def _vpcs(ctx: Context) -> list[dict]:
    ec2 = ctx.client("ec2")
    return ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [VPC_NAME]}])["Vpcs"]


def _subnets(ctx: Context, vpc_id: str | None = None) -> list[dict]:
    filters = [{"Name": "tag:Name", "Values": [SUBNET_PATTERN]}]
    if vpc_id:
        filters.append({"Name": "vpc-id", "Values": [vpc_id]})
    found = ctx.client("ec2").describe_subnets(Filters=filters)["Subnets"]
    return named(found, SUBNET_PATTERN)  # the filter's wildcard is re-checked here


def _template(ctx: Context) -> dict | None:
    try:
        found = ctx.client("ec2").describe_launch_templates(LaunchTemplateNames=[LT_NAME])
    except Exception as exc:
        if error_code(exc).startswith("InvalidLaunchTemplateName"):
            return None
        raise
    return (found.get("LaunchTemplates") or [None])[0]


def _version(ctx: Context, which: str) -> dict | None:
    versions = ctx.client("ec2").describe_launch_template_versions(
        LaunchTemplateName=LT_NAME, Versions=[which])["LaunchTemplateVersions"]
    return versions[0] if versions else None


def _group(ctx: Context) -> dict | None:
    groups = ctx.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[ASG_NAME])["AutoScalingGroups"]
    return groups[0] if groups else None


def _group_template_name(ctx: Context, group: dict) -> str | None:
    spec = group.get("LaunchTemplate") or (
        (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate", {}).get("LaunchTemplateSpecification"))
    if not spec:
        return None
    if spec.get("LaunchTemplateName"):
        return spec["LaunchTemplateName"]
    found = ctx.client("ec2").describe_launch_templates(LaunchTemplateIds=[spec["LaunchTemplateId"]])
    return found["LaunchTemplates"][0]["LaunchTemplateName"]


NO_LT = fail(f"No launch template named {LT_NAME} in us-east-1: create it (aws ec2 create-launch-template).",
             f"us-east-1에 {LT_NAME} 시작 템플릿이 없습니다: aws ec2 create-launch-template으로 만드십시오.")
NO_ASG = fail(f"No Auto Scaling group named {ASG_NAME} in us-east-1: create it (aws autoscaling create-auto-scaling-group).",
              f"us-east-1에 {ASG_NAME} Auto Scaling 그룹이 없습니다: aws autoscaling create-auto-scaling-group으로 만드십시오.")


def _default_data(ctx: Context) -> tuple[dict | None, Result | None]:
    """The default version's data (what launches use unless told otherwise), or why not."""
    if _template(ctx) is None:
        return None, NO_LT
    version = _version(ctx, "$Default")
    return (version or {}).get("LaunchTemplateData", {}), None


SOURCE_VERSION_NOTE = (
    " (A new version holds only the data given to it: create it with --source-version N to start "
    "from an older version, or give it the full launch template data.)",
    " (새 버전에는 지정한 데이터만 들어갑니다. 이전 버전에서 시작하려면 --source-version N으로 "
    "만들거나 시작 템플릿 데이터를 모두 넣으십시오.)",
)


def _missing(ctx: Context, result: Result, key: str) -> Result:
    """A failure for a key the default version lacks, saying why when an older version had it."""
    template = _template(ctx)
    if template and template.get("DefaultVersionNumber", 1) > 1:
        older = ctx.client("ec2").describe_launch_template_versions(LaunchTemplateName=LT_NAME)["LaunchTemplateVersions"]
        if any(key in v.get("LaunchTemplateData", {}) for v in older):
            return fail(result.en + SOURCE_VERSION_NOTE[0], result.ko + SOURCE_VERSION_NOTE[1])
    return result


# step network --------------------------------------------------------------------------
def check_vpc(ctx: Context) -> Result:
    vpcs = _vpcs(ctx)
    if not vpcs:
        return fail(f"No VPC tagged Name={VPC_NAME} in us-east-1: create one (aws ec2 create-vpc with --tag-specifications).",
                    f"us-east-1에 Name={VPC_NAME} 태그가 있는 VPC가 없습니다: --tag-specifications와 함께 aws ec2 create-vpc로 만드십시오.")
    return ok(f"VPC {VPC_NAME} found: {', '.join(v['VpcId'] for v in vpcs)}.",
              f"VPC {VPC_NAME}을(를) 찾았습니다: {', '.join(v['VpcId'] for v in vpcs)}.")


def check_subnets(ctx: Context) -> Result:
    subnets = _subnets(ctx)
    azs = sorted({s["AvailabilityZone"] for s in subnets})
    if len(azs) >= 2:
        return ok(f"{len(subnets)} subnets named {SUBNET_PATTERN} in {len(azs)} AZs ({', '.join(azs)}).",
                  f"{SUBNET_PATTERN} 서브넷 {len(subnets)}개가 가용 영역 {len(azs)}개({', '.join(azs)})에 있습니다.")
    if not subnets:
        return fail(f"No subnet tagged Name={SUBNET_PATTERN}: create two, in two different AZs (--availability-zone).",
                    f"Name={SUBNET_PATTERN} 태그가 있는 서브넷이 없습니다: 서로 다른 가용 영역 두 곳(--availability-zone)에 두 개를 만드십시오.")
    return fail(f"Subnets named {SUBNET_PATTERN} are all in {azs[0]}: add one in another AZ, since one AZ is a single point of failure.",
                f"{SUBNET_PATTERN} 서브넷이 모두 {azs[0]}에 있습니다: 단일 가용 영역은 단일 장애 지점이므로 다른 가용 영역에 서브넷을 추가하십시오.")


def _own_network(ctx: Context) -> list[str]:
    """The tutor's own VPC and two subnets in two AZs (created if missing); the subnet ids."""
    ec2 = ctx.client("ec2")
    mine = owned(_vpcs(ctx), ctx.lab_id)
    if mine:
        subnets = owned(_subnets(ctx, mine[0]["VpcId"]), ctx.lab_id)
        if len({s["AvailabilityZone"] for s in subnets}) >= 2:
            return [s["SubnetId"] for s in subnets]
    vpc_id = mine[0]["VpcId"] if mine else ec2.create_vpc(
        CidrBlock="10.42.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": ctx.owner_tags(VPC_NAME)}])["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}])["AvailabilityZones"]][:2]
    ids = []
    for i, zone in enumerate(zones):
        subnet = ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=f"10.42.{10 + i}.0/24", AvailabilityZone=zone,
            TagSpecifications=[{"ResourceType": "subnet", "Tags": ctx.owner_tags(f"streamcloud-public-{zone[-1]}")}])
        ids.append(subnet["Subnet"]["SubnetId"])
    return ids


def solve_network(ctx: Context) -> None:
    _own_network(ctx)


# step launch-template -----------------------------------------------------------------
_find_template = finder(_template, NO_LT)


@judged(_find_template)
def check_template_exists(ctx: Context, template: dict) -> Result:
    return ok(f"Launch template {LT_NAME} ({template['LaunchTemplateId']}), default version {template['DefaultVersionNumber']}.",
              f"시작 템플릿 {LT_NAME}({template['LaunchTemplateId']}), 기본 버전 {template['DefaultVersionNumber']}.")


def _type_exists(ctx: Context, itype: str) -> bool:
    try:
        return bool(ctx.client("ec2").describe_instance_types(InstanceTypes=[itype])["InstanceTypes"])
    except Exception as exc:
        if error_code(exc).startswith("InvalidInstanceType"):
            return False
        raise


def check_instance_type(ctx: Context) -> Result:
    data, missing = _default_data(ctx)
    if missing:
        return missing
    itype = data.get("InstanceType") or ""
    family = itype.split(".")[0]
    if family in FAMILIES:
        if not _type_exists(ctx, itype):
            return fail(f"{itype} is not an EC2 instance type: use a real size of family {family}, for example {family}.large.",
                        f"{itype}은(는) EC2 인스턴스 유형이 아닙니다: {family} 패밀리의 실제 크기(예: {family}.large)를 사용하십시오.")
        return ok(f"Instance type {itype} is of family {family}.", f"인스턴스 유형 {itype}은(는) {family} 패밀리입니다.")
    allowed = "/".join(FAMILIES)
    if not itype:
        return _missing(ctx, fail(f"The default version sets no InstanceType: set one of family {allowed} (for example c7g.large).",
                                  f"기본 버전에 InstanceType이 없습니다: {allowed} 패밀리 중 하나(예: c7g.large)를 지정하십시오."), "InstanceType")
    return fail(f"Instance type {itype} is not of family {allowed}: burstable t2/t3 types run out of CPU credits under steady load; use for example c7g.large and make that version the default.",
                f"인스턴스 유형 {itype}은(는) {allowed} 패밀리가 아닙니다: t2/t3 같은 버스트 가능 유형은 지속 부하에서 CPU 크레딧이 소진됩니다. 예를 들어 c7g.large로 새 버전을 만들고 기본 버전으로 지정하십시오.")


def check_imdsv2(ctx: Context) -> Result:
    data, missing = _default_data(ctx)
    if missing:
        return missing
    tokens = (data.get("MetadataOptions") or {}).get("HttpTokens")
    if tokens == "required":
        return ok("IMDSv2 is required (HttpTokens=required).", "IMDSv2가 필수입니다(HttpTokens=required).")
    result = fail(f"HttpTokens is {tokens or 'not set (IMDSv1 allowed)'}: set MetadataOptions HttpTokens=required so only IMDSv2 session tokens work.",
                  f"HttpTokens가 {tokens or '설정되지 않았습니다(IMDSv1 허용)'}: IMDSv2 세션 토큰만 허용하도록 MetadataOptions의 HttpTokens=required로 설정하십시오.")
    return result if tokens else _missing(ctx, result, "MetadataOptions")


def check_user_data(ctx: Context) -> Result:
    data, missing = _default_data(ctx)
    if missing:
        return missing
    if data.get("UserData"):
        return ok("User data is present.", "사용자 데이터가 있습니다.")
    return _missing(ctx, fail("The default version has no UserData: add a base64 boot script that installs and starts the web server.",
                              "기본 버전에 UserData가 없습니다: 웹 서버를 설치하고 시작하는 base64 부트 스크립트를 추가하십시오."), "UserData")


def _own_template(ctx: Context) -> None:
    if already_mine(ctx, _template(ctx), "a launch template", "시작 템플릿", LT_NAME):
        return
    ctx.client("ec2").create_launch_template(
        LaunchTemplateName=LT_NAME,
        LaunchTemplateData={
            "ImageId": AMI, "InstanceType": "c7g.large",
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
            "UserData": base64.b64encode(USER_DATA.encode()).decode(),
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": ctx.owner_tags(LT_NAME)}])


def solve_launch_template(ctx: Context) -> None:
    _own_template(ctx)


# step asg ------------------------------------------------------------------------------
_find_group = finder(_group, NO_ASG)


@judged(_find_group)
def check_group(ctx: Context, group: dict) -> Result:
    used = _group_template_name(ctx, group)
    if used != LT_NAME:
        what = f"launch template {used}" if used else "no launch template (a launch configuration?)"
        return fail(f"{ASG_NAME} uses {what}: create it from launch template {LT_NAME}.",
                    f"{ASG_NAME}이(가) {what}을(를) 사용합니다: 시작 템플릿 {LT_NAME}으로 만드십시오.")
    return ok(f"{ASG_NAME} launches from {LT_NAME}.", f"{ASG_NAME}은(는) {LT_NAME}으로 인스턴스를 시작합니다.")


@judged(_find_group)
def check_group_launches(ctx: Context, group: dict) -> Result:
    """What the group really launches, where it is not the default version step 2 judges:
    a pinned or $Latest version other than the default, and instance type overrides."""
    template = _template(ctx)
    if _group_template_name(ctx, group) != LT_NAME or template is None:
        return fail(f"{ASG_NAME} does not launch from {LT_NAME}.", f"{ASG_NAME}이(가) {LT_NAME}으로 시작하지 않습니다.")
    mixed = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate", {})
    spec = group.get("LaunchTemplate") or mixed.get("LaunchTemplateSpecification") or {}
    which = str(spec.get("Version") or "$Default")
    number = {"$Default": template["DefaultVersionNumber"], "$Latest": template["LatestVersionNumber"]}.get(which, which)
    problems_en, problems_ko = [], []
    if str(number) != str(template["DefaultVersionNumber"]):
        data = (_version(ctx, str(number)) or {}).get("LaunchTemplateData", {})
        itype = data.get("InstanceType") or "no instance type"
        if (itype.split(".")[0] not in FAMILIES or (data.get("MetadataOptions") or {}).get("HttpTokens") != "required"
                or not data.get("UserData")):
            problems_en.append(f"it launches version {number} ({itype}, HttpTokens={(data.get('MetadataOptions') or {}).get('HttpTokens', 'optional')}), not the default version: use Version=$Default")
            problems_ko.append(f"기본 버전이 아닌 버전 {number}({itype}, HttpTokens={(data.get('MetadataOptions') or {}).get('HttpTokens', 'optional')})을(를) 시작합니다: Version=$Default를 사용하십시오")
    overrides = mixed.get("Overrides") or []
    bad = [o["InstanceType"] for o in overrides
           if o.get("InstanceType") and o["InstanceType"].split(".")[0] not in FAMILIES]
    # An override with its own template or with attribute-based requirements launches
    # something step launch-template never judged.
    bad += [f"launch template {(o['LaunchTemplateSpecification'].get('LaunchTemplateName') or o['LaunchTemplateSpecification'].get('LaunchTemplateId'))}"
            for o in overrides if o.get("LaunchTemplateSpecification")
            and o["LaunchTemplateSpecification"].get("LaunchTemplateName") != LT_NAME]
    bad += ["instance requirements (attribute-based types)" for o in overrides if o.get("InstanceRequirements")]
    if bad:
        problems_en.append(f"its overrides launch {', '.join(bad)}: keep overrides to families {'/'.join(FAMILIES)}")
        problems_ko.append(f"재정의가 {', '.join(bad)}을(를) 시작합니다: 재정의는 {'/'.join(FAMILIES)} 패밀리로 제한하십시오")
    if problems_en:
        return fail(f"{ASG_NAME}: " + "; ".join(problems_en) + ".", f"{ASG_NAME}: " + "; ".join(problems_ko) + ".")
    return ok(f"{ASG_NAME} launches the default version of {LT_NAME}.", f"{ASG_NAME}은(는) {LT_NAME}의 기본 버전으로 시작합니다.")


def _group_zones(ctx: Context, group: dict) -> tuple[list[str], list[str]]:
    """The AZs of the group's subnets, and the subnet ids it names that no longer exist."""
    subnet_ids = [s.strip() for s in (group.get("VPCZoneIdentifier") or "").split(",") if s.strip()]
    if not subnet_ids:
        return sorted(set(group.get("AvailabilityZones") or [])), []
    return subnet_zones(ctx, subnet_ids)


@judged(_find_group)
def check_group_zones(ctx: Context, group: dict) -> Result:
    zones, gone = _group_zones(ctx, group)
    if gone:
        return fail(f"The group names subnets that no longer exist ({', '.join(gone)}): set --vpc-zone-identifier to existing subnets in at least 2 AZs.",
                    f"그룹이 더 이상 없는 서브넷({', '.join(gone)})을 가리킵니다: --vpc-zone-identifier를 2개 이상 가용 영역의 기존 서브넷으로 설정하십시오.")
    if len(zones) >= 2:
        return ok(f"The group spans {len(zones)} AZs: {', '.join(zones)}.", f"그룹이 가용 영역 {len(zones)}개에 걸쳐 있습니다: {', '.join(zones)}.")
    return fail(f"The group spans {len(zones)} AZ ({', '.join(zones) or 'none'}): give it subnets in at least 2 AZs (update-auto-scaling-group --vpc-zone-identifier subnet-a,subnet-b) so one AZ failing does not take the tier down.",
                f"그룹이 가용 영역 {len(zones)}개({', '.join(zones) or '없음'})에만 있습니다: 한 가용 영역의 장애가 계층 전체를 멈추지 않도록 최소 2개 가용 영역의 서브넷을 지정하십시오(update-auto-scaling-group --vpc-zone-identifier subnet-a,subnet-b).")


@judged(_find_group)
def check_group_sizes(ctx: Context, group: dict) -> Result:
    lo, hi, want = group["MinSize"], group["MaxSize"], group["DesiredCapacity"]
    problems_en, problems_ko = [], []
    if lo < 2:
        problems_en.append(f"MinSize is {lo}: set it to at least 2 so an instance survives in another AZ")
        problems_ko.append(f"MinSize가 {lo}입니다: 다른 가용 영역에 인스턴스가 남도록 2 이상으로 설정하십시오")
    if hi < 6:
        problems_en.append(f"MaxSize is {hi}: set it to at least 6 to leave room to scale out")
        problems_ko.append(f"MaxSize가 {hi}입니다: 스케일 아웃할 여유를 두도록 6 이상으로 설정하십시오")
    if not lo <= want <= hi:
        problems_en.append(f"DesiredCapacity {want} is outside MinSize..MaxSize ({lo}..{hi}): set it between them")
        problems_ko.append(f"DesiredCapacity {want}이(가) MinSize..MaxSize({lo}..{hi}) 범위 밖입니다: 그 사이로 설정하십시오")
    if problems_en:
        return fail("; ".join(problems_en) + ".", "; ".join(problems_ko) + ".")
    return ok(f"MinSize {lo}, DesiredCapacity {want}, MaxSize {hi}.", f"MinSize {lo}, DesiredCapacity {want}, MaxSize {hi}.")


@judged(_find_group)
def check_grace_period(ctx: Context, group: dict) -> Result:
    grace = group.get("HealthCheckGracePeriod") or 0
    if grace > 0:
        return ok(f"Health check grace period is {grace} s.", f"상태 확인 유예 기간은 {grace}초입니다.")
    return fail("Health check grace period is 0 (the CLI/API default): set --health-check-grace-period (for example 300) so booting instances are not replaced before they are ready.",
                "상태 확인 유예 기간이 0(CLI/API 기본값)입니다: 부팅 중인 인스턴스가 준비되기 전에 교체되지 않도록 --health-check-grace-period(예: 300)를 설정하십시오.")


def _own_group(ctx: Context) -> None:
    if already_mine(ctx, _group(ctx), "an Auto Scaling group", "Auto Scaling 그룹", ASG_NAME):
        return
    subnets = _own_network(ctx)
    _own_template(ctx)
    ctx.client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName=ASG_NAME,
        LaunchTemplate={"LaunchTemplateName": LT_NAME, "Version": "$Default"},
        MinSize=2, MaxSize=6, DesiredCapacity=2, VPCZoneIdentifier=",".join(subnets),
        HealthCheckType="EC2", HealthCheckGracePeriod=300,
        Tags=[{"Key": OWNER_TAG, "Value": ctx.lab_id, "PropagateAtLaunch": False}])


def solve_asg(ctx: Context) -> None:
    _own_group(ctx)


# step scaling-policy -------------------------------------------------------------------
def _cpu_policies(ctx: Context) -> list[dict]:
    policies = ctx.client("autoscaling").describe_policies(
        AutoScalingGroupName=ASG_NAME, PolicyTypes=["TargetTrackingScaling"])["ScalingPolicies"]
    return [p for p in policies
            if ((p.get("TargetTrackingConfiguration") or {}).get("PredefinedMetricSpecification") or {})
            .get("PredefinedMetricType") == "ASGAverageCPUUtilization"]


NO_POLICY = fail(f"No target tracking policy on ASGAverageCPUUtilization for {ASG_NAME}: add one with aws autoscaling put-scaling-policy --policy-type TargetTrackingScaling.",
                 f"{ASG_NAME}에 ASGAverageCPUUtilization 대상 추적 조정 정책이 없습니다: aws autoscaling put-scaling-policy --policy-type TargetTrackingScaling으로 추가하십시오.")


def check_policy(ctx: Context) -> Result:
    if _group(ctx) is None:
        return NO_ASG
    policies = _cpu_policies(ctx)
    if not policies:
        return NO_POLICY
    return ok(f"Target tracking on ASGAverageCPUUtilization: {', '.join(p['PolicyName'] for p in policies)}.",
              f"ASGAverageCPUUtilization 대상 추적 조정 정책: {', '.join(p['PolicyName'] for p in policies)}.")


def check_policy_target(ctx: Context) -> Result:
    if _group(ctx) is None:
        return NO_ASG
    policies = _cpu_policies(ctx)
    if not policies:
        return NO_POLICY
    lo, hi = TARGET_RANGE
    targets = [p["TargetTrackingConfiguration"]["TargetValue"] for p in policies]
    good = [t for t in targets if lo <= t <= hi]
    if good:
        return ok(f"Target CPU {good[0]:g} % is within {lo:g}-{hi:g} %.", f"목표 CPU {good[0]:g}%가 {lo:g}~{hi:g}% 범위에 있습니다.")
    shown = ", ".join(f"{t:g}" for t in targets)
    return fail(f"Target value {shown} % is outside {lo:g}-{hi:g} %: at 90 % instances saturate before new ones boot, below 40 % you pay for idle capacity; set TargetValue to about 50.",
                f"목표 값 {shown}%가 {lo:g}~{hi:g}% 범위 밖입니다: 90%면 새 인스턴스가 부팅되기 전에 포화되고 40% 미만이면 유휴 용량에 비용을 냅니다. TargetValue를 50 정도로 설정하십시오.")


def check_policy_alarms(ctx: Context) -> Result:
    policies = _cpu_policies(ctx) if _group(ctx) else []
    if any(p.get("Alarms") for p in policies):
        return ok("Auto Scaling created the CloudWatch alarms of the policy.", "Auto Scaling이 정책의 CloudWatch 경보를 만들었습니다.")
    return fail("No CloudWatch alarms belong to a CPU target tracking policy: create the policy (Auto Scaling creates its alarms; do not edit or delete them).",
                "CPU 대상 추적 정책에 속한 CloudWatch 경보가 없습니다: 정책을 만드십시오(Auto Scaling이 경보를 만듭니다. 수정하거나 삭제하지 마십시오).")


def solve_scaling_policy(ctx: Context) -> None:
    _own_group(ctx)
    ctx.client("autoscaling").put_scaling_policy(
        AutoScalingGroupName=ASG_NAME, PolicyName=POLICY_NAME, PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"},
            "TargetValue": 50.0})


# step placement-group (real AWS only: the sandbox has no placement groups) -------------
def _placement_groups(ctx: Context) -> list[dict]:
    try:
        return ctx.client("ec2").describe_placement_groups(GroupNames=[PG_NAME])["PlacementGroups"]
    except Exception as exc:
        if error_code(exc) in ("InvalidPlacementGroup.Unknown", "InvalidParameterValue"):
            return []
        raise


def check_placement_group(ctx: Context) -> Result:
    groups = _placement_groups(ctx)
    if not groups:
        return fail(f"No placement group named {PG_NAME}: create it with --strategy spread.",
                    f"{PG_NAME} 배치 그룹이 없습니다: --strategy spread로 만드십시오.")
    strategy = groups[0].get("Strategy")
    if strategy != "spread":
        return fail(f"{PG_NAME} has strategy {strategy}: the strategy cannot be changed; delete it and create it with --strategy spread.",
                    f"{PG_NAME}의 전략이 {strategy}입니다: 전략은 바꿀 수 없으므로 삭제한 뒤 --strategy spread로 다시 만드십시오.")
    return ok(f"{PG_NAME} uses the spread strategy.", f"{PG_NAME}은(는) 스프레드 전략을 사용합니다.")


def check_placement_used(ctx: Context) -> Result:
    data, missing = _default_data(ctx)
    if missing:
        return missing
    used = (data.get("Placement") or {}).get("GroupName")
    if used == PG_NAME:
        return ok(f"The default version of {LT_NAME} places instances in {PG_NAME}.",
                  f"{LT_NAME}의 기본 버전이 인스턴스를 {PG_NAME}에 배치합니다.")
    return fail(f"The default version of {LT_NAME} does not use {PG_NAME}: create a version with Placement GroupName={PG_NAME} and make it the default.",
                f"{LT_NAME}의 기본 버전이 {PG_NAME}을(를) 사용하지 않습니다: Placement GroupName={PG_NAME}인 버전을 만들고 기본 버전으로 지정하십시오.")


def solve_placement_group(ctx: Context) -> None:
    ec2 = ctx.client("ec2")
    existing = (_placement_groups(ctx) or [None])[0]
    if not already_mine(ctx, existing, "a placement group", "배치 그룹", PG_NAME):
        ec2.create_placement_group(GroupName=PG_NAME, Strategy="spread", TagSpecifications=[
            {"ResourceType": "placement-group", "Tags": ctx.owner_tags(PG_NAME)}])
    _own_template(ctx)
    version = ec2.create_launch_template_version(
        LaunchTemplateName=LT_NAME, SourceVersion="$Default",
        LaunchTemplateData={"Placement": {"GroupName": PG_NAME}})["LaunchTemplateVersion"]["VersionNumber"]
    ec2.modify_launch_template(LaunchTemplateName=LT_NAME, DefaultVersion=str(version))


# cleanup --------------------------------------------------------------------------------
def cleanup(ctx: Context) -> list[dict]:
    """Delete everything that carries the lab's names, whoever made it; nothing else."""
    ec2, autoscaling = ctx.client("ec2"), ctx.client("autoscaling")
    done: list[dict] = []

    def record(kind: str, ident: str, deleted: bool, reason: str = "") -> None:
        done.append({"type": kind, "id": ident, "deleted": deleted, **({"reason": reason} if reason else {})})

    group = _group(ctx)
    group_instances = [i["InstanceId"] for i in (group or {}).get("Instances", [])]
    if group is not None:
        # ForceDelete terminates the group's own instances, and only those.
        autoscaling.delete_auto_scaling_group(AutoScalingGroupName=ASG_NAME, ForceDelete=True)
        record("autoscaling-group", ASG_NAME, True)
    if _template(ctx) is not None:
        ec2.delete_launch_template(LaunchTemplateName=LT_NAME)
        record("launch-template", LT_NAME, True)
    try:
        if _placement_groups(ctx):
            ec2.delete_placement_group(GroupName=PG_NAME)
            record("placement-group", PG_NAME, True)
    except Exception:  # a sandbox has no placement groups; on real AWS the error is real
        if not ctx.on_endpoint:
            raise
    if group_instances and not ctx.on_endpoint:
        ec2.get_waiter("instance_terminated").wait(InstanceIds=group_instances)
    for subnet in _subnets(ctx):
        # Instances the lab did not create (a bastion, another group) keep their subnet alive.
        others = [i["InstanceId"] for r in ec2.describe_instances(Filters=[
            {"Name": "subnet-id", "Values": [subnet["SubnetId"]]},
            {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"]
            for i in r["Instances"] if i["InstanceId"] not in group_instances]
        if others:
            record("subnet", subnet["SubnetId"], False, f"holds instances the lab did not create: {', '.join(others)}")
            continue
        try:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
            record("subnet", subnet["SubnetId"], True)
        except Exception as exc:
            record("subnet", subnet["SubnetId"], False, error_code(exc) or str(exc))
    for vpc in _vpcs(ctx):
        try:
            ec2.delete_vpc(VpcId=vpc["VpcId"])
            record("vpc", vpc["VpcId"], True)
        except Exception as exc:  # it still holds resources the lab did not name
            record("vpc", vpc["VpcId"], False, error_code(exc) or str(exc))
    return done
