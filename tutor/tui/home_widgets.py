"""The figures of the home screen, drawn as Rich text: readiness bars with the pass line, the
exam-score chart, the week map, the exam countdown with its plan, and the next action.

Plain functions from core data (tutor.quiz.dashboard) to ``Text``, so the screen stays about
layout and keys and a test can read what is drawn. The strings live here, not in i18n.py,
because nothing else shows them.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from tutor.quiz.dashboard import DayStatus, HomeFigures
from tutor.quiz.plan import study_label

PASS_SCALED = 720
BLOCKS = " ▁▂▃▄▅▆▇█"

STRINGS: dict[str, tuple[str, str]] = {
    "readiness": ("Readiness per task (│ = pass line {target})", "과제별 준비도 (│ = 합격선 {target})"),
    "scores": ("Mock exam scores (pass {line})", "모의고사 환산 점수 (합격선 {line})"),
    "no_scores": ("No mock exam yet: e starts one.", "아직 모의고사 기록이 없습니다. e 키로 시작하십시오."),
    "last": ("last {score}, best {best}", "최근 {score}점, 최고 {best}점"),
    "week": ("Week map", "주간 진행 지도"),
    "week.lesson": ("lesson", "레슨"),
    "week.quiz": ("quiz", "퀴즈"),
    "week.lab": ("lab", "실습"),
    "next": ("▶ Next: {what} — press n", "▶ 다음 할 일: {what} — n 키로 시작"),
    "resume": ("resume the mock exam", "진행 중인 모의고사 이어서 풀기"),
    "due": ("review {n} due card(s)", "복습 카드 {n}개 풀기"),
    "today": ("Due today {due} · mistakes {mistakes} · streak {streak} day(s)",
              "오늘 복습 {due} · 오답 {mistakes} · 연속 학습 {streak}일"),
    "no_exam": ("Exam date not set — D sets it, and the plan aims at it.",
                "시험일이 설정되지 않았습니다 — D 키로 설정하면 그날에 맞춰 계획합니다."),
    "exam_in": ("Exam in {n} day(s) ({date}) — D changes it", "시험까지 {n}일 ({date}) — D 키로 변경"),
    "exam_today": ("Exam today ({date}): good luck!", "오늘이 시험일입니다 ({date}). 행운을 빕니다!"),
    "plan": ("Plan", "학습 계획"),
    "plan_today": ("Today: {study}", "오늘: {study}"),
    "reviews": ("reviews {n}", "복습 {n}"),
    "loading": ("…", "…"),
}


def t(key: str, lang: str, **kwargs: object) -> str:
    en, ko = STRINGS[key]
    return (ko if lang == "ko" else en).format(**kwargs)


def readiness_bars(scores: dict[str, int], target: int, lang: str, width: int = 20) -> Text:
    """One bar per task statement, the pass line drawn across every bar at ``target``."""
    out = Text(t("readiness", lang, target=target) + "\n", style="bold")
    mark = round(width * target / 100)
    for task, score in scores.items():
        filled = round(width * score / 100)
        colour = "green" if score >= target else ("yellow" if score >= target / 2 else "red")
        out.append(f"{task} ")
        for i in range(width):
            if i == mark:
                out.append("│", style="bold")
            out.append("█" if i < filled else "░", style=colour if i < filled else "dim")
        out.append(f" {score:>3}\n", style=colour)
    out.rstrip()
    return out


def score_chart(scores: list[int], lang: str, height: int = 4, last: int = 16) -> Text:
    """Scaled scores (100..1000) of the last exams as columns, with the pass line as ─."""
    out = Text(t("scores", lang, line=PASS_SCALED) + "\n", style="bold")
    if not scores:
        out.append(t("no_scores", lang), style="dim")
        return out
    shown = scores[-last:]
    eighths = [max(1, round((s - 100) / 900 * height * 8)) for s in shown]
    pass_row = (PASS_SCALED - 100) / 900 * height  # rows from the bottom
    for row in range(height - 1, -1, -1):
        line_here = row <= pass_row < row + 1
        for s, e in zip(shown, eighths):
            level = min(8, max(0, e - row * 8))
            colour = "green" if s >= PASS_SCALED else "red"
            char = BLOCKS[level] if level else ("─" if line_here else " ")
            out.append(char * 2, style=colour if level else "dim")
            out.append("─" if line_here else " ", style="dim")
        out.append("\n")
    out.append(t("last", lang, score=shown[-1], best=max(scores)), style="dim")
    return out


def _mark(share: float) -> tuple[str, str]:
    if share >= 1.0:
        return "●", "green"
    return ("◐", "yellow") if share > 0 else ("○", "dim")


def week_map(week: list[DayStatus], lang: str) -> Text:
    """Days across, lesson / quiz / lab down: ● done, ◐ started, ○ not started, · none."""
    labels = [t(k, lang) for k in ("week.lesson", "week.quiz", "week.lab")]
    pad = max(cell_len(label) for label in labels) + 1
    out = Text(t("week", lang) + "\n", style="bold")
    out.append(" " * pad + "".join(f"{('+' if s.day == 'extra' else s.day):>3}" for s in week) + "\n", style="dim")
    rows = [
        [((1.0 if s.lesson_read else 0.0) if s.has_lesson else None) for s in week],
        [(s.quiz_share if s.questions else None) for s in week],
        [(s.lab_share if s.labs else None) for s in week],
    ]
    for label, shares in zip(labels, rows):
        out.append(label + " " * (pad - cell_len(label)))
        for share in shares:
            char, style = ("·", "dim") if share is None else _mark(share)
            out.append("  " + char, style=style)
        out.append("\n")
    out.rstrip()
    return out


def next_action_line(figures: HomeFigures, lang: str) -> str:
    action = figures.next_action
    if action.kind == "exam" and figures.exam_in_progress:
        what = t("resume", lang)
    elif action.kind == "due":
        what = t("due", lang, n=figures.due_today)
    else:
        what = study_label(action, lang)
    return t("next", lang, what=what)


def today_and_plan(figures: HomeFigures, lang: str, days: int = 6) -> Text:
    """Due reviews and streak; then the countdown and the plan (dates only with an exam date)."""
    plan = figures.plan
    out = Text(t("today", lang, due=figures.due_today, mistakes=figures.mistakes, streak=figures.streak) + "\n")
    if plan.exam_date is None:
        out.append(t("no_exam", lang) + "\n", style="dim")
        study = ", ".join(study_label(s, lang) for s in plan.today.study) or "-"
        out.append(t("plan_today", lang, study=study))
        return out
    if plan.days_left == 0:
        out.append(t("exam_today", lang, date=plan.exam_date.isoformat()), style="bold")
        return out
    out.append(t("exam_in", lang, n=plan.days_left, date=plan.exam_date.isoformat()) + "\n", style="bold")
    out.append(t("plan", lang) + "\n", style="bold")
    for day in plan.days[:days]:
        study = ", ".join(study_label(s, lang) for s in day.study) or "-"
        out.append(f"{day.day.strftime('%m-%d')} ", style="dim")
        out.append(f"{t('reviews', lang, n=len(day.reviews))} · {study}\n")
    if len(plan.days) > days:
        out.append("…")
    out.rstrip()
    return out
