"""SAA-C03 week-2 tutor: lessons, quizzes and labs on a local AWS sandbox.

The package is one core (content, quiz, labs, sandbox, store) and two thin front ends:
``tutor.cli`` (headless, JSON) and ``tutor.tui`` (Textual). The core never imports Textual.
"""

__version__ = "0.1.0"
