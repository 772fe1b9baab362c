"""The quiz engine: drawing questions, grading answers, building reports (no I/O, no UI)."""
