"""Labs: load a lab's steps and code, verify the account, run solutions, clean up.

boto3 is imported only when a lab actually talks to a backend, never at package import, so the
TUI's home screen does not pay for it.
"""
