"""Rebuild quizzes/REVIEW.md from the per-file reviews in quizzes/review/ (run from the repo root:
`.venv/bin/python quizzes/review/build_index.py`). Later passes override earlier ones per id."""
import re, glob, sys
sys.path.insert(0, '.')
from tutor.content.loader import load_catalog
cat = load_catalog()
rows = {}
# review-1 files first, then the second-reader passes (review2-*.md), which add to the row
paths = sorted(glob.glob('quizzes/review/*.md'), key=lambda p: ('review2-' in p, p))
for path in paths:
    if path.endswith('cross-bank.md'):
        continue
    second = 'review2-' in path
    for line in open(path, encoding='utf-8'):
        m = re.match(r'^\|\s*([a-z0-9]+-\d{3})\s*\|\s*([^|]*)\|\s*([^|]*)\|\s*(.*)\|\s*$', line)
        if m and not second:
            rows[m.group(1)] = (m.group(2).strip(), m.group(3).strip(), m.group(4).strip(), path)
        elif m and m.group(1) in rows:
            p1, v1, w1, src = rows[m.group(1)]
            rows[m.group(1)] = (p1 + " + review 2", m.group(3).strip() if m.group(3).strip() != "ok" else v1,
                                w1 + " · review 2: " + m.group(4).strip(), src)
cross = open('quizzes/review/cross-bank.md', encoding='utf-8').read() if glob.glob('quizzes/review/cross-bank.md') else ''
changed_cross = set(re.findall(r'changed ([a-z0-9]+-\d{3})', cross))
out = ["# Review of the question bank", "",
       "Every question was written by one helper and then checked by a second reader who did not write it",
       "(review pass 1: solve the stem before reading the key, check every explanation and citation against",
       "the AWS documentation, fix or drop). A cross-bank pass then looked for questions testing the same",
       "fact the same way (`review/cross-bank.md`) and rewrote 47 questions; those were read again by a",
       "second reader (review 2, `review/review2-*.md`), who also checked them by hand after the shared",
       "documentation look-up budget ran out. The lead read the eight StreamCloud questions review 2",
       "rewrote. The per-file reviews, with the facts that needed the docs, are in `review/`.", "",
       "| id | file | pass | verdict | what changed |", "|---|---|---|---|---|"]
missing = []
from collections import Counter
verdicts = Counter()
for qid in sorted(cat.questions):
    if qid not in rows:
        missing.append(qid); continue
    p, v, what, path = rows[qid]
    if qid in changed_cross:
        p = p.replace(" + review 2", "") + " + cross-bank" + (" + review 2" if "review 2" in p else "")
        what += " · cross-bank: rewritten to test a different fact (see review/cross-bank.md)"
    verdicts[v] += 1
    out.append(f"| {qid} | {cat.question_paths[qid][0]} | {p} | {v} | {what.replace('|', '/')} |")
summary = ", ".join(f"{k}: {n}" for k, n in verdicts.most_common())
out.insert(8, f"Totals: {len(cat.questions)} questions; {summary}.")
out.insert(9, "")
open('quizzes/REVIEW.md', 'w', encoding='utf-8').write("\n".join(out) + "\n")
print("missing", missing, summary)
