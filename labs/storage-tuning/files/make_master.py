"""Write a test video master of N MiB (default 16) of random bytes: big enough that
`aws s3 cp` uploads it by multipart upload (the CLI switches to multipart above 8 MB).

Usage: python3 make_master.py master.bin [MiB]
"""

import os
import sys

MIB = 1024 * 1024

path = sys.argv[1] if len(sys.argv) > 1 else "master.bin"
size_mib = int(sys.argv[2]) if len(sys.argv) > 2 else 16
with open(path, "wb") as out:
    for _ in range(size_mib):
        out.write(os.urandom(MIB))
print(f"wrote {path}: {size_mib} MiB")
