"""The StreamCloud capstone: composite availability, the rubric's grading and the cost estimate.

Core code: no Textual, no boto3 at import time. The graded lab (labs/streamcloud/lab.py) and
`tutor whatif availability` build on it.
"""
