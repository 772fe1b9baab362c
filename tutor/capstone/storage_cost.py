"""What a growing media library costs in S3 per month, per storage-class strategy.

`tutor whatif storage-cost` and the storage what-if screen both call :func:`plan`. The question
it answers is the exam's: for data that goes cold with age, which of "all S3 Standard", a
lifecycle to Standard-IA and Glacier Instant Retrieval, Intelligent-Tiering, a lifecycle to
Glacier Flexible Retrieval, or One Zone-IA costs least over the years, and why (storage, reads,
transitions, minimum durations, monitoring).

The model, and what it leaves out:

* Time runs in 30-day months. Each month a new cohort of ``tb_per_month`` TB arrives at the
  start of the month (1 TB = 1024 GB, the binary units AWS bills in) and is kept for the whole
  horizon, unless ``retention_days`` deletes it (a lifecycle expiration).
* A lifecycle strategy is a schedule: the class an object sits in from each age in days. An
  object pays its class's GB-month price for the days it spends there, a transition request per
  object when it moves (per 1,000 objects, charged in the month it moves), and, when it leaves a
  class (transition or deletion) before that class's minimum storage duration, the rest of that
  duration at that class's price (IA 30 days, Glacier IR 90, Glacier Flexible 90).
* Objects smaller than 128 KB are billed as 128 KB in Standard-IA, One Zone-IA and Glacier IR
  (40 KB in Glacier Flexible), and a lifecycle does not transition them at all (S3's default
  since the ``all_storage_classes_128K`` behaviour), so they stay in Standard.
* The access profile says what fraction of a cohort's bytes is read in a month, by the
  cohort's age. Reads pay the retrieval price of the class the bytes sit in (day-weighted);
  Glacier Flexible reads are Standard retrievals (3-5 hours) and also pay a restore request
  per object. Intelligent-Tiering has no retrieval charge: an object read last month sits in
  its Frequent Access tier, the rest in Infrequent Access after 30 days and Archive Instant
  Access after 90; it pays the monitoring fee per object of 128 KB or more (smaller objects
  are not monitored and stay Frequent).
* S3 Standard (and Intelligent-Tiering's Frequent tier) is priced by volume tier: the first
  50 TB a month, the next 450 TB, then the rest.
* Left out, because they barely differ between strategies or depend on the application: PUT
  and GET request charges, data transfer out (CloudFront in front), the temporary copy a Glacier
  restore creates, and the free tier. Prices are us-east-1 list prices from the dated table
  (``data/prices.yaml``); each row there says where its figure was confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tutor.capstone.cost import price_table

DAYS_PER_MONTH = 30
GB_PER_TB = 1024
KB_PER_GB = 1024 * 1024
SMALL_OBJECT_KB = 128  # below this: billed as 128 KB in IA classes, not transitioned, not monitored

#: Minimum storage duration (days) and minimum billable object size (KB) per class, from the
#: S3 User Guide's comparison table, https://docs.aws.amazon.com/AmazonS3/latest/userguide/
#: storage-class-intro.html#sc-compare (read in awsdocs/amazon-s3-userguide, 2026-12-07).
@dataclass(frozen=True)
class StorageClass:
    id: str
    storage_price: str
    min_days: int = 0
    min_billable_kb: int = 0
    retrieval_price: str | None = None
    restore_price: str | None = None  # per 1,000 objects read (archive classes)
    transition_price: str | None = None  # per 1,000 objects moved in by a lifecycle


CLASSES = {c.id: c for c in (
    StorageClass("standard", "s3-standard"),
    StorageClass("standard-ia", "s3-standard-ia", 30, 128, "s3-retrieval:standard-ia", None, "s3-transition:standard-ia"),
    StorageClass("onezone-ia", "s3-onezone-ia", 30, 128, "s3-retrieval:onezone-ia"),
    StorageClass("glacier-ir", "s3-glacier-ir", 90, 128, "s3-retrieval:glacier-ir", None, "s3-transition:glacier-ir"),
    StorageClass("glacier-flexible", "s3-glacier-flexible", 90, 40, "s3-retrieval:glacier-flexible",
                 "s3-restore:glacier-flexible", "s3-transition:glacier-flexible"),
)}


@dataclass(frozen=True)
class Strategy:
    id: str
    name: str
    name_ko: str
    schedule: tuple[tuple[int, str], ...] = ((0, "standard"),)  # (from age in days, class)
    intelligent_tiering: bool = False
    note_en: str = ""
    note_ko: str = ""


STRATEGIES = (
    Strategy("standard", "All S3 Standard", "전부 S3 Standard"),
    Strategy("lifecycle-ia-gir", "Standard -> Standard-IA at 30 d -> Glacier IR at 90 d",
             "Standard -> 30일 Standard-IA -> 90일 Glacier IR",
             ((0, "standard"), (30, "standard-ia"), (90, "glacier-ir"))),
    Strategy("intelligent-tiering", "S3 Intelligent-Tiering", "S3 Intelligent-Tiering", intelligent_tiering=True,
             note_en="no retrieval charge; a monitoring fee per object", note_ko="검색 요금 없음, 객체당 모니터링 요금"),
    Strategy("lifecycle-glacier-flexible", "Standard -> Glacier Flexible Retrieval at 90 d",
             "Standard -> 90일 Glacier Flexible Retrieval", ((0, "standard"), (90, "glacier-flexible")),
             note_en="a read is a restore taking hours", note_ko="읽으려면 몇 시간 걸리는 복원이 필요"),
    Strategy("onezone-ia", "All S3 One Zone-IA", "전부 S3 One Zone-IA", ((0, "onezone-ia"),),
             note_en="one AZ: an AZ loss loses the data", note_ko="단일 AZ: AZ를 잃으면 데이터도 잃음"),
)


@dataclass(frozen=True)
class AccessProfile:
    id: str
    en: str
    ko: str
    reads: tuple[tuple[int, float], ...]  # (from age in months, fraction of the cohort read a month)

    def fraction(self, age_months: int) -> float:
        return next((f for start, f in reversed(self.reads) if age_months >= start), 0.0)


PROFILES = {p.id: p for p in (
    AccessProfile("cold-after-30", "new titles are watched, then go cold after 30 days",
                  "새 콘텐츠만 보고 30일 뒤에는 거의 안 봄", ((0, 1.0), (1, 0.02), (3, 0.005))),
    AccessProfile("steady", "the back catalog keeps being watched", "지난 콘텐츠도 꾸준히 봄",
                  ((0, 1.0), (1, 0.3), (3, 0.15), (12, 0.1))),
    AccessProfile("archive", "written once, almost never read", "한 번 쓰고 거의 읽지 않음",
                  ((0, 0.01), (1, 0.001))),
)}
DEFAULT_PROFILE = "cold-after-30"
DEFAULT_OBJECT_MB = 100.0


@dataclass(frozen=True)
class Library:
    tb_per_month: float
    months: int
    object_mb: float = DEFAULT_OBJECT_MB
    profile: AccessProfile = field(default_factory=lambda: PROFILES[DEFAULT_PROFILE])
    retention_days: int | None = None  # a lifecycle expiration; None keeps everything

    @property
    def cohort_gb(self) -> float:
        return self.tb_per_month * GB_PER_TB

    @property
    def object_kb(self) -> float:
        return self.object_mb * 1024

    @property
    def cohort_objects(self) -> float:
        return self.cohort_gb * KB_PER_GB / self.object_kb


# prices --------------------------------------------------------------------------------
def _price(price_id: str) -> float:
    return float(price_table()["by_id"][price_id]["usd"])


def standard_tiered_usd(gb_months: float) -> float:
    """S3 Standard's volume tiers for one month's GB-months: 50 TB, the next 450 TB, the rest."""
    first, nxt = 50 * GB_PER_TB, 450 * GB_PER_TB
    usd = min(gb_months, first) * _price("s3-standard")
    usd += min(max(gb_months - first, 0), nxt) * _price("s3-standard-next-450tb")
    return usd + max(gb_months - first - nxt, 0) * _price("s3-standard-over-500tb")


def _billable_factor(cls: StorageClass, object_kb: float) -> float:
    return max(object_kb, cls.min_billable_kb) / object_kb


# the cost of one strategy ---------------------------------------------------------------
@dataclass
class _Ledger:
    """Costs by month and by kind; storage is gathered as GB-months per class, priced at the end
    (Standard's tiers apply to a month's total, not to each cohort)."""

    months: int
    gb_months: list[dict[str, float]] = field(default_factory=list)
    kinds: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gb_months = [{} for _ in range(self.months)]
        self.kinds = {k: [0.0] * self.months for k in ("retrieval", "transitions", "minimum_duration", "monitoring")}

    def store(self, month: int, price_id: str, gb_months: float) -> None:
        if 0 <= month < self.months and gb_months:
            self.gb_months[month][price_id] = self.gb_months[month].get(price_id, 0.0) + gb_months

    def charge(self, month: int, kind: str, usd: float) -> None:
        if 0 <= month < self.months:
            self.kinds[kind][month] += usd

    def storage_usd(self, month: int) -> float:
        return sum(standard_tiered_usd(gbm) if pid == "s3-standard" else gbm * _price(pid)
                   for pid, gbm in self.gb_months[month].items())


def _segments(strategy: Strategy, lib: Library) -> list[tuple[int, int | None, StorageClass]]:
    """(start day, end day or None, class) of an object's life; small objects never transition."""
    schedule = list(strategy.schedule)
    if lib.object_kb < SMALL_OBJECT_KB:
        schedule = schedule[:1]
    out: list[tuple[int, int | None, StorageClass]] = []
    for i, (day, cls) in enumerate(schedule):
        end = schedule[i + 1][0] if i + 1 < len(schedule) else None
        if lib.retention_days is not None:
            if day >= lib.retention_days:
                break
            end = lib.retention_days if end is None else min(end, lib.retention_days)
        out.append((day, end, CLASSES[cls]))
    return out


def _lifecycle(strategy: Strategy, lib: Library, ledger: _Ledger) -> None:
    gb, objects = lib.cohort_gb, lib.cohort_objects
    segments = _segments(strategy, lib)
    for cohort in range(lib.months):
        for i, (start, end, cls) in enumerate(segments):
            billable_gb = gb * _billable_factor(cls, lib.object_kb)
            if i > 0 and cls.transition_price:  # moved in by the lifecycle on day `start`
                ledger.charge(cohort + start // DAYS_PER_MONTH, "transitions", objects / 1000 * _price(cls.transition_price))
            for month in range(cohort, lib.months):
                age0 = (month - cohort) * DAYS_PER_MONTH
                days = max(0, min(age0 + DAYS_PER_MONTH, end if end is not None else 10**9) - max(age0, start))
                if not days:
                    continue
                share = days / DAYS_PER_MONTH
                ledger.store(month, cls.storage_price, billable_gb * share)
                read = lib.profile.fraction(month - cohort) * share
                if cls.retrieval_price:
                    ledger.charge(month, "retrieval", gb * read * _price(cls.retrieval_price))
                if cls.restore_price:
                    ledger.charge(month, "retrieval", objects * read / 1000 * _price(cls.restore_price))
            stayed = None if end is None else end - start
            if stayed is not None and stayed < cls.min_days:  # left early: the rest of the minimum
                short = (cls.min_days - stayed) / DAYS_PER_MONTH
                ledger.charge(cohort + end // DAYS_PER_MONTH, "minimum_duration",
                              billable_gb * short * _price(cls.storage_price))


def _intelligent_tiering(lib: Library, ledger: _Ledger) -> None:
    gb, small = lib.cohort_gb, lib.object_kb < SMALL_OBJECT_KB
    for cohort in range(lib.months):
        for month in range(cohort, lib.months):
            age = month - cohort
            if lib.retention_days is not None and age * DAYS_PER_MONTH >= lib.retention_days:
                break
            hot = 1.0 if (small or age == 0) else min(1.0, lib.profile.fraction(age - 1))
            ledger.store(month, "s3-standard", gb * hot)  # the Frequent Access tier is priced as Standard
            ledger.store(month, "s3-int-infrequent" if age < 3 else "s3-int-archive-instant", gb * (1 - hot))
            if not small:
                ledger.charge(month, "monitoring", lib.cohort_objects / 1000 * _price("s3-int-monitoring"))


def cost_of(strategy: Strategy, lib: Library) -> dict[str, Any]:
    """``{id, name, name_ko, monthly_usd, total_usd, breakdown_usd, note_en, note_ko}``."""
    ledger = _Ledger(lib.months)
    if strategy.intelligent_tiering:
        _intelligent_tiering(lib, ledger)
    else:
        _lifecycle(strategy, lib, ledger)
    storage = [ledger.storage_usd(m) for m in range(lib.months)]
    monthly = [storage[m] + sum(kind[m] for kind in ledger.kinds.values()) for m in range(lib.months)]
    breakdown = {"storage": round(sum(storage), 2), **{k: round(sum(v), 2) for k, v in ledger.kinds.items()}}
    return {"id": strategy.id, "name": strategy.name, "name_ko": strategy.name_ko,
            "monthly_usd": [round(x, 2) for x in monthly], "total_usd": round(sum(monthly), 2),
            "breakdown_usd": breakdown, "note_en": strategy.note_en, "note_ko": strategy.note_ko}


def plan(tb_per_month: float, years: int, object_mb: float | None = None,
         profile: str = DEFAULT_PROFILE) -> dict[str, Any]:
    """Every strategy's monthly cost over ``years`` for the library: the report both front ends
    show. ``strategies`` is the issue's contract ({name, monthly_usd, total_usd}, plus detail)."""
    lib = Library(tb_per_month=tb_per_month, months=12 * years,
                  object_mb=object_mb if object_mb is not None else DEFAULT_OBJECT_MB, profile=PROFILES[profile])
    strategies = [cost_of(s, lib) for s in STRATEGIES]
    cheapest = min(strategies, key=lambda s: s["total_usd"])
    table = price_table()
    return {
        "strategies": strategies,
        "cheapest": cheapest["id"],
        "inputs": {"tb_per_month": tb_per_month, "years": years, "months": lib.months,
                   "object_mb": lib.object_mb, "profile": profile},
        "profile": {"id": lib.profile.id, "en": lib.profile.en, "ko": lib.profile.ko,
                    "reads": [{"from_month": m, "fraction": f} for m, f in lib.profile.reads]},
        "assumptions": {"region": "us-east-1", "days_per_month": DAYS_PER_MONTH, "gb_per_tb": GB_PER_TB,
                        "prices_checked": str(table["checked"]),
                        "left_out": ["PUT/GET requests", "data transfer out", "restored copies", "free tier"]},
    }


# drawing (plain text, shared by the CLI and the screen) ----------------------------------
BLOCKS = " ▁▂▃▄▅▆▇█"


def bar_strip(values: list[float], top: float, width: int) -> str:
    """One block character per column on a scale shared by every strategy (``top`` = full
    block), so strips compare; months are averaged into ``width`` columns when there are more."""
    if not values:
        return ""
    columns = min(width, len(values))
    out = []
    for c in range(columns):
        chunk = values[c * len(values) // columns:(c + 1) * len(values) // columns] or [0.0]
        mean = sum(chunk) / len(chunk)
        level = round(mean / top * (len(BLOCKS) - 1)) if top > 0 else 0
        out.append(BLOCKS[min(len(BLOCKS) - 1, max(1 if mean > 0 else 0, level))])  # any cost shows
    return "".join(out)
