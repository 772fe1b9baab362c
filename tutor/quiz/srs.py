"""Spaced repetition with FSRS: every answered question is a card.

Rating rule (documented in the README): a wrong answer is Again; a right answer is Good, or Hard
when it took longer than ``SLOW_SECONDS`` (the real exam allows 120 s a question; a student who
needs more than 90 s to get it right has not yet made the fact automatic). The clock is
injectable so tests can move through days.
"""

from __future__ import annotations

from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler

SLOW_SECONDS = 90.0

#: FSRS defaults, no fuzzing: what reviews cards, and what the plan predicts recall with.
SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(correct: bool, seconds: float | None) -> Rating:
    if not correct:
        return Rating.Again
    if seconds is not None and seconds > SLOW_SECONDS:
        return Rating.Hard
    return Rating.Good


def review(card_json: str | None, correct: bool, seconds: float | None, when: datetime) -> Card:
    card = Card.from_json(card_json) if card_json else Card()
    updated, _log = SCHEDULER.review_card(card, rating_for(correct, seconds), review_datetime=when)
    return updated


def retrievability(card_json: str, when: datetime | None = None) -> float:
    return SCHEDULER.get_card_retrievability(Card.from_json(card_json), when or datetime.now(timezone.utc))
