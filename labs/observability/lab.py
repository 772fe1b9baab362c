"""Checks, solutions and cleanup of the lab `observability`: watching the Day 1 web tier.

A CloudWatch alarm on the Auto Scaling group's CPU that notifies an SNS topic, a dashboard of
the web tier's metrics, and a monthly cost budget that warns at 80 %. Checks judge configuration
only (the sandbox never evaluates an alarm or computes spend) and every value themselves, since
moto accepts invalid ones. Solutions create their own resources and never adopt the student's:
the topic and the alarm carry the tutor's tag; a dashboard cannot be tagged in the sandbox, so
the tutor's dashboard says so in its own body (a text widget, as the PutDashboard guide suggests
for dashboards made by script); a budget's tags cannot be read in the sandbox either, so the
tutor's budget ends on a date of its own (Budgets allows any end date).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from tutor.labs.dashboard_data import (
    DashboardBodyError,
    get_body,
    parse_body,
    shows,
    text_widgets,
)
from tutor.labs.kit import (
    OWNER_TAG,
    Cleanup,
    Context,
    Problems,
    Result,
    SolveConflict,
    absent,
    already_mine,
    fail,
    finder,
    judged,
    missing,
    ok,
)

TOPIC = "streamcloud-alerts"
ALARM = "streamcloud-high-cpu"
ASG = "streamcloud-web-asg"
DASHBOARD = "streamcloud-ops"
BUDGET = "streamcloud-monthly"
THRESHOLD = 70.0
OPERATOR = "GreaterThanThreshold"
MIN_PERIODS = 2
ALERT_PERCENT = 80.0
EMAIL = "ops@example.com"  # a placeholder: on real AWS use an address you read
FILES = Path(__file__).resolve().parent / "files"
#: What the tutor's dashboard says about itself (dashboards cannot be tagged in the sandbox).
DASHBOARD_MARK = f"{OWNER_TAG}=observability"
#: The end date of the tutor's budget, its ownership mark (AWS's default end is 2087-06-15).
BUDGET_END = datetime(2087, 6, 1, tzinfo=timezone.utc)

PUT_ALARM = (f"aws cloudwatch put-metric-alarm --alarm-name {ALARM} --namespace AWS/EC2 --metric-name CPUUtilization "
             f"--dimensions Name=AutoScalingGroupName,Value={ASG} --statistic Average --period 300 "
             f"--evaluation-periods 2 --threshold 70 --comparison-operator GreaterThanThreshold --alarm-actions \"$TOPIC_ARN\"")
PUT_DASHBOARD = f"aws cloudwatch put-dashboard --dashboard-name {DASHBOARD} --dashboard-body file://dashboard.json"
CREATE_BUDGET = ('aws budgets create-budget --account-id "$ACCOUNT_ID" --budget file://budget.json '
                 "--notifications-with-subscribers file://budget-notifications.json")
AGAIN_EN = f" (put-metric-alarm replaces the whole alarm: give every option again: {PUT_ALARM})"
AGAIN_KO = f" (put-metric-alarm은 경보 전체를 바꾸므로 모든 옵션을 다시 지정하십시오: {PUT_ALARM})"


# lookups ------------------------------------------------------------------------------
def _topic_arns(ctx: Context) -> list[str]:
    """ARNs of the topics named streamcloud-alerts (one per Region and account)."""
    pages = ctx.client("sns").get_paginator("list_topics").paginate()
    return [t["TopicArn"] for page in pages for t in page.get("Topics", []) if t["TopicArn"].split(":")[-1] == TOPIC]


def _alarm(ctx: Context) -> dict | None:
    found = ctx.client("cloudwatch").describe_alarms(AlarmNames=[ALARM]).get("MetricAlarms", [])
    return found[0] if found else None


def _watched(alarm: dict) -> tuple[str, str, list[dict]]:
    """(namespace, metric, dimensions) the alarm watches, also when given as a Metrics query."""
    if alarm.get("MetricName"):
        return alarm.get("Namespace", ""), alarm["MetricName"], alarm.get("Dimensions") or []
    queries = alarm.get("Metrics") or []
    stat = next((q["MetricStat"] for q in queries if q.get("ReturnData", True) and q.get("MetricStat")), None)
    metric = (stat or {}).get("Metric", {})
    return metric.get("Namespace", ""), metric.get("MetricName", ""), metric.get("Dimensions") or []


def _tags(ctx: Context, service: str, arn: str) -> list[dict]:
    key = "ResourceARN" if service == "cloudwatch" else "ResourceArn"
    return ctx.client(service).list_tags_for_resource(**{key: arn}).get("Tags", [])


def _account(ctx: Context) -> str:
    return ctx.client("sts").get_caller_identity()["Account"]


def _budget(ctx: Context) -> dict | None:
    found = absent(lambda: ctx.client("budgets").describe_budget(AccountId=_account(ctx), BudgetName=BUDGET),
                   "NotFoundException")
    return found["Budget"] if found else None


NO_ALARM = missing("CloudWatch alarm", "CloudWatch 경보", ALARM, PUT_ALARM)
NO_TOPIC = missing("SNS topic", "SNS 주제", TOPIC, f"aws sns create-topic --name {TOPIC}")
NO_DASHBOARD = fail(f"No CloudWatch dashboard named {DASHBOARD}: create it ({PUT_DASHBOARD}, after `tutor lab files observability`).",
                    f"CloudWatch 대시보드 {DASHBOARD}이(가) 없습니다: `tutor lab files observability` 후 {PUT_DASHBOARD}(으)로 만드십시오.")
NO_BUDGET = fail(f"No budget named {BUDGET} in this account: create it ({CREATE_BUDGET}, with ACCOUNT_ID from aws sts get-caller-identity).",
                 f"이 계정에 예산 {BUDGET}이(가) 없습니다: aws sts get-caller-identity로 ACCOUNT_ID를 구한 뒤 {CREATE_BUDGET}(으)로 만드십시오.")


# step alarm ---------------------------------------------------------------------------
def check_topic(ctx: Context) -> Result:
    arns = _topic_arns(ctx)
    if not arns:
        return NO_TOPIC
    return ok(f"SNS topic {arns[0]}.", f"SNS 주제 {arns[0]}.")


_find_alarm = finder(_alarm, NO_ALARM)


@judged(_find_alarm)
def check_alarm_exists(ctx: Context, alarm: dict) -> Result:
    return ok(f"Alarm {ALARM} exists ({alarm.get('StateValue', '?')}).", f"경보 {ALARM}이(가) 있습니다({alarm.get('StateValue', '?')}).")


@judged(_find_alarm)
def check_alarm_metric(ctx: Context, alarm: dict) -> Result:
    namespace, metric, _ = _watched(alarm)
    if (namespace, metric) == ("AWS/EC2", "CPUUtilization"):
        return ok("It watches AWS/EC2 CPUUtilization.", "AWS/EC2 CPUUtilization 지표를 감시합니다.")
    return fail(f"It watches {namespace} {metric}: the web tier's load is --namespace AWS/EC2 --metric-name CPUUtilization{AGAIN_EN}.",
                f"{namespace} {metric} 지표를 감시합니다: 웹 계층의 부하는 --namespace AWS/EC2 --metric-name CPUUtilization입니다{AGAIN_KO}.")


@judged(_find_alarm)
def check_alarm_dimension(ctx: Context, alarm: dict) -> Result:
    dims = {d["Name"]: d["Value"] for d in _watched(alarm)[2]}
    if dims == {"AutoScalingGroupName": ASG}:
        return ok(f"Dimension AutoScalingGroupName={ASG}.", f"차원 AutoScalingGroupName={ASG}.")
    shown = ", ".join(f"{k}={v}" for k, v in dims.items()) or "none"
    # A metric is identified by all its dimensions: an extra one names another (empty) metric.
    return fail(f"Its dimensions are {shown}: the group's average CPU has exactly one dimension, --dimensions Name=AutoScalingGroupName,Value={ASG}{AGAIN_EN}.",
                f"차원이 {shown if dims else '없음'}입니다: 그룹의 평균 CPU 지표에는 차원이 정확히 하나, --dimensions Name=AutoScalingGroupName,Value={ASG}만 있습니다{AGAIN_KO}.")


@judged(_find_alarm)
def check_alarm_threshold(ctx: Context, alarm: dict) -> Result:
    value = alarm.get("Threshold")
    if value == THRESHOLD:
        return ok("Threshold 70.", "임계값 70.")
    return fail(f"The threshold is {value}: set --threshold 70 (the step's 70 % CPU){AGAIN_EN}.",
                f"임계값이 {value}입니다: --threshold 70(이 단계의 CPU 70%)으로 설정하십시오{AGAIN_KO}.")


@judged(_find_alarm)
def check_alarm_operator(ctx: Context, alarm: dict) -> Result:
    operator = alarm.get("ComparisonOperator")
    if operator == OPERATOR:
        return ok(f"Comparison {OPERATOR}.", f"비교 연산자 {OPERATOR}.")
    return fail(f"The comparison is {operator}: the alarm must fire above 70, not at it, with --comparison-operator {OPERATOR}{AGAIN_EN}.",
                f"비교 연산자가 {operator}입니다: 경보는 70일 때가 아니라 70을 넘을 때 울려야 하므로 --comparison-operator {OPERATOR}를 쓰십시오{AGAIN_KO}.")


@judged(_find_alarm)
def check_alarm_periods(ctx: Context, alarm: dict) -> Result:
    periods = alarm.get("EvaluationPeriods") or 0
    if periods >= MIN_PERIODS:
        return ok(f"{periods} evaluation periods.", f"평가 기간 {periods}개.")
    return fail(f"It evaluates {periods} period: one busy 5-minute spike would page someone; set --evaluation-periods 2 or more{AGAIN_EN}.",
                f"평가 기간이 {periods}개입니다: 5분짜리 순간 급증 한 번에도 알림이 가므로 --evaluation-periods를 2 이상으로 설정하십시오{AGAIN_KO}.")


@judged(_find_alarm)
def check_alarm_action(ctx: Context, alarm: dict) -> Result:
    actions, topics = alarm.get("AlarmActions") or [], set(_topic_arns(ctx))
    if any(a in topics for a in actions):
        if alarm.get("ActionsEnabled", True):
            return ok(f"The alarm notifies {TOPIC}.", f"경보가 {TOPIC} 주제에 알립니다.")
        return fail("Its actions are disabled: run aws cloudwatch enable-alarm-actions --alarm-names streamcloud-high-cpu.",
                    "경보 작업이 비활성화되어 있습니다: aws cloudwatch enable-alarm-actions --alarm-names streamcloud-high-cpu를 실행하십시오.")
    if not actions:
        now_en, now_ko = "It has no alarm action", "경보 작업이 없습니다"
    elif any(a.split(":")[-1] == TOPIC for a in actions):
        now_en, now_ko = f"Its action {actions[0]} names no existing topic", f"경보 작업 {actions[0]}은(는) 존재하지 않는 주제입니다"
    else:
        now_en, now_ko = f"Its actions go to {', '.join(actions)}", f"경보 작업의 대상이 {', '.join(actions)}입니다"
    return fail(f"{now_en}: give --alarm-actions the ARN of the topic {TOPIC} (TOPIC_ARN from aws sns create-topic){AGAIN_EN}.",
                f"{now_ko}: --alarm-actions에 {TOPIC} 주제의 ARN(aws sns create-topic이 돌려주는 TOPIC_ARN)을 지정하십시오{AGAIN_KO}.")


def _own_topic(ctx: Context) -> str:
    arns = _topic_arns(ctx)
    sns = ctx.client("sns")
    if already_mine(ctx, {"Tags": _tags(ctx, "sns", arns[0])} if arns else None, "an SNS topic", "SNS 주제", TOPIC):
        return arns[0]
    arn = sns.create_topic(Name=TOPIC, Tags=ctx.owner_tags(TOPIC))["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint=EMAIL)
    return arn


def solve_alarm(ctx: Context) -> None:
    topic_arn = _own_topic(ctx)
    alarm = _alarm(ctx)
    if already_mine(ctx, {"Tags": _tags(ctx, "cloudwatch", alarm["AlarmArn"])} if alarm else None,
                    "a CloudWatch alarm", "CloudWatch 경보", ALARM):
        return
    ctx.client("cloudwatch").put_metric_alarm(
        AlarmName=ALARM, Namespace="AWS/EC2", MetricName="CPUUtilization",
        Dimensions=[{"Name": "AutoScalingGroupName", "Value": ASG}], Statistic="Average", Period=300,
        EvaluationPeriods=MIN_PERIODS, Threshold=THRESHOLD, ComparisonOperator=OPERATOR,
        AlarmActions=[topic_arn], Tags=ctx.owner_tags(ALARM))


def cleanup_alarm(ctx: Context) -> list[dict]:
    done, cloudwatch = Cleanup(), ctx.client("cloudwatch")
    alarm = _alarm(ctx)
    if alarm is not None:
        # moto keeps an alarm's tags after deleting it, and a later alarm of the same name (the
        # student's) would inherit the tutor's mark: take the mark off first, as AWS would.
        if any(t["Key"] == OWNER_TAG for t in _tags(ctx, "cloudwatch", alarm["AlarmArn"])):
            cloudwatch.untag_resource(ResourceARN=alarm["AlarmArn"], TagKeys=[OWNER_TAG])
        done.attempt("cloudwatch-alarm", ALARM, lambda: cloudwatch.delete_alarms(AlarmNames=[ALARM]), "ResourceNotFound")
    for arn in _topic_arns(ctx):  # deleting a topic deletes its subscriptions too
        done.attempt("sns-topic", arn, lambda arn=arn: ctx.client("sns").delete_topic(TopicArn=arn), "NotFound")
    return done.done


# step dashboard -----------------------------------------------------------------------
def _panels(ctx: Context) -> tuple[list | None, Result | None]:
    body = get_body(ctx.client("cloudwatch"), DASHBOARD)
    if body is None:
        return None, NO_DASHBOARD
    try:
        return parse_body(body), None
    except DashboardBodyError as exc:
        return None, fail(f"The body of {DASHBOARD} cannot be read: {exc}. Put it again from dashboard.json ({PUT_DASHBOARD}).",
                          f"{DASHBOARD}의 본문을 읽을 수 없습니다: {exc}. dashboard.json으로 다시 만드십시오({PUT_DASHBOARD}).")


def check_dashboard_exists(ctx: Context) -> Result:
    widgets, problem = _panels(ctx)
    if problem:
        return problem
    return ok(f"Dashboard {DASHBOARD} with {len(widgets)} metric widget(s).", f"대시보드 {DASHBOARD}, 지표 위젯 {len(widgets)}개.")


def _panel(ctx: Context, namespace: str, metric: str) -> Result:
    widgets, problem = _panels(ctx)
    if problem:
        return problem
    found = shows(widgets or [], namespace, metric)
    if found:
        return ok(f"A widget shows {found[0].describe()}.", f"위젯이 {found[0].describe()} 지표를 보여 줍니다.")
    names = sorted({f"{m.namespace} {m.name}" for w in widgets for m in w.metrics})
    shown_en, shown_ko = ", ".join(names) or "no metric", ", ".join(names) or "지표 없음"
    return fail(f"No metric widget shows {namespace} {metric} (it shows {shown_en}): add [\"{namespace}\", \"{metric}\", DIMENSION, VALUE] to a widget's properties.metrics and put the whole body again ({PUT_DASHBOARD}).",
                f"{namespace} {metric} 지표를 보여 주는 지표 위젯이 없습니다(현재: {shown_ko}): 위젯의 properties.metrics에 [\"{namespace}\", \"{metric}\", 차원, 값]을 추가하고 본문 전체를 다시 넣으십시오({PUT_DASHBOARD}).")


# One check per metric, so a missing panel is named by its own check id.
def check_dashboard_cpu(ctx: Context) -> Result:
    return _panel(ctx, "AWS/EC2", "CPUUtilization")


def check_dashboard_requests(ctx: Context) -> Result:
    return _panel(ctx, "AWS/ApplicationELB", "RequestCount")


def check_dashboard_latency(ctx: Context) -> Result:
    return _panel(ctx, "AWS/ApplicationELB", "TargetResponseTime")


def solution_body() -> str:
    """dashboard.json with a text widget saying the tutor made it (its ownership mark)."""
    body = json.loads((FILES / "dashboard.json").read_text())
    body["widgets"].append({"type": "text", "x": 0, "y": 8, "width": 24, "height": 1, "properties": {
        "markdown": f"Made by the tutor ({DASHBOARD_MARK}): `tutor lab cleanup observability` deletes it."}})
    return json.dumps(body)


def solve_dashboard(ctx: Context) -> None:
    body = get_body(ctx.client("cloudwatch"), DASHBOARD)
    if body is not None:
        if any(DASHBOARD_MARK in text for text in text_widgets(body)):
            return
        raise SolveConflict(
            f"a dashboard named {DASHBOARD} exists and was not created by the tutor; fix it yourself or run `tutor lab cleanup observability` first",
            f"{DASHBOARD} 대시보드가 이미 있고 튜터가 만든 것이 아닙니다. 직접 고치거나 먼저 `tutor lab cleanup observability`를 실행하십시오")
    ctx.client("cloudwatch").put_dashboard(DashboardName=DASHBOARD, DashboardBody=solution_body())


def cleanup_dashboard(ctx: Context) -> list[dict]:
    done = Cleanup()
    if get_body(ctx.client("cloudwatch"), DASHBOARD) is not None:
        done.attempt("cloudwatch-dashboard", DASHBOARD,
                     lambda: ctx.client("cloudwatch").delete_dashboards(DashboardNames=[DASHBOARD]), "ResourceNotFound")
    return done.done


# step budget --------------------------------------------------------------------------
_find_budget = finder(_budget, NO_BUDGET)


@judged(_find_budget)
def check_budget_exists(ctx: Context, budget: dict) -> Result:
    limit = budget.get("BudgetLimit") or {}
    return ok(f"Budget {BUDGET} ({limit.get('Amount', '?')} {limit.get('Unit', '')}).".replace(" )", ")"),
              f"예산 {BUDGET}({limit.get('Amount', '?')} {limit.get('Unit', '')}).".replace(" )", ")"))


@judged(_find_budget)
def check_budget_cost(ctx: Context, budget: dict) -> Result:
    kind = budget.get("BudgetType")
    if kind == "COST":
        return ok("A cost budget.", "비용 예산입니다.")
    return fail(f"It is a {kind} budget: the step's alert is on money spent, \"BudgetType\": \"COST\". The type cannot be changed: delete it (aws budgets delete-budget --account-id \"$ACCOUNT_ID\" --budget-name {BUDGET}) and create it again.",
                f"{kind} 예산입니다: 이 단계의 알림은 지출 금액에 대한 것이므로 \"BudgetType\": \"COST\"여야 합니다. 유형은 바꿀 수 없으므로 삭제(aws budgets delete-budget --account-id \"$ACCOUNT_ID\" --budget-name {BUDGET})한 뒤 다시 만드십시오.")


@judged(_find_budget)
def check_budget_monthly(ctx: Context, budget: dict) -> Result:
    unit = budget.get("TimeUnit")
    if unit == "MONTHLY":
        return ok("It resets every month.", "매월 재설정됩니다.")
    return fail(f"Its period is {unit}: the seed's cost alert is monthly, \"TimeUnit\": \"MONTHLY\" (aws budgets update-budget with the whole budget, or delete and create it again).",
                f"기간이 {unit}입니다: 시드의 비용 알림은 월 단위이므로 \"TimeUnit\": \"MONTHLY\"로 하십시오(예산 전체를 넣어 aws budgets update-budget을 실행하거나 삭제 후 다시 만드십시오).")


def _notification_problems(n: dict) -> tuple[list[str], list[str]]:
    en, ko = [], []
    if n.get("NotificationType") not in ("ACTUAL", "FORECASTED"):
        en.append(f"type {n.get('NotificationType')} (ACTUAL or FORECASTED)")
        ko.append(f"유형 {n.get('NotificationType')}(ACTUAL 또는 FORECASTED)")
    if n.get("ComparisonOperator") != "GREATER_THAN":
        en.append(f"operator {n.get('ComparisonOperator')} (GREATER_THAN)")
        ko.append(f"연산자 {n.get('ComparisonOperator')}(GREATER_THAN)")
    if (n.get("ThresholdType") or "PERCENTAGE") != "PERCENTAGE":
        en.append(f"threshold type {n.get('ThresholdType')}: an amount in dollars, not a percentage of the budget (PERCENTAGE)")
        ko.append(f"임계값 유형 {n.get('ThresholdType')}: 예산의 비율이 아니라 달러 금액입니다(PERCENTAGE)")
    threshold = float(n.get("Threshold") or 0)
    if threshold != ALERT_PERCENT:
        en.append(f"threshold {threshold:g} % (80)")
        ko.append(f"임계값 {threshold:g}%(80)")
    return en, ko


@judged(_find_budget)
def check_budget_alert(ctx: Context, budget: dict) -> Result:
    found = ctx.client("budgets").describe_notifications_for_budget(
        AccountId=_account(ctx), BudgetName=BUDGET).get("Notifications", [])
    problems = Problems()
    for n in found:
        en, ko = _notification_problems(n)
        if not en:
            return ok(f"{n['NotificationType']} spend above 80 % of the budget sends a notification.",
                      f"{n['NotificationType']} 지출이 예산의 80%를 넘으면 알림을 보냅니다.")
        problems.add(", ".join(en), ", ".join(ko))
    how_en = ("aws budgets create-notification --account-id \"$ACCOUNT_ID\" --budget-name streamcloud-monthly "
              "--notification NotificationType=ACTUAL,ComparisonOperator=GREATER_THAN,Threshold=80,ThresholdType=PERCENTAGE "
              f"--subscribers SubscriptionType=EMAIL,Address={EMAIL}")
    if not found:
        return fail(f"The budget has no notification: add one at 80 % ({how_en}).",
                    f"예산에 알림이 없습니다: 80% 알림을 추가하십시오({how_en}).")
    return fail(f"No notification fires on ACTUAL or FORECASTED spend GREATER_THAN 80 PERCENTAGE; it has {'; '.join(problems.en)}. Add one ({how_en}).",
                f"ACTUAL 또는 FORECASTED 지출이 80 PERCENTAGE를 GREATER_THAN일 때 울리는 알림이 없습니다. 현재: {'; '.join(problems.ko)}. 알림을 추가하십시오({how_en}).")


def _is_mine(budget: dict) -> bool:
    end = (budget.get("TimePeriod") or {}).get("End")
    if isinstance(end, (int, float)):
        end = datetime.fromtimestamp(end, timezone.utc)
    return isinstance(end, datetime) and abs(end.timestamp() - BUDGET_END.timestamp()) < 1


def solve_budget(ctx: Context) -> None:
    budget = _budget(ctx)
    if budget is not None:
        if _is_mine(budget):
            return
        raise SolveConflict(
            f"a budget named {BUDGET} exists and was not created by the tutor; fix it yourself or run `tutor lab cleanup observability` first",
            f"{BUDGET} 예산이 이미 있고 튜터가 만든 것이 아닙니다. 직접 고치거나 먼저 `tutor lab cleanup observability`를 실행하십시오")
    spec = json.loads((FILES / "budget.json").read_text())
    now = datetime.now(timezone.utc)
    spec["TimePeriod"] = {"Start": datetime(now.year, now.month, 1, tzinfo=timezone.utc), "End": BUDGET_END}
    ctx.client("budgets").create_budget(
        AccountId=_account(ctx), Budget=spec,
        NotificationsWithSubscribers=json.loads((FILES / "budget-notifications.json").read_text()))


def cleanup_budget(ctx: Context) -> list[dict]:
    done = Cleanup()
    if _budget(ctx) is not None:
        done.attempt("budget", BUDGET, lambda: ctx.client("budgets").delete_budget(
            AccountId=_account(ctx), BudgetName=BUDGET), "NotFoundException")
    return done.done


# cleanup --------------------------------------------------------------------------------
def cleanup(ctx: Context) -> list[dict]:
    """Delete what carries the lab's names, whoever made it; nothing else."""
    done = Cleanup()
    for step_cleanup in (cleanup_budget, cleanup_dashboard, cleanup_alarm):
        done.extend(step_cleanup(ctx))
    return done.done
