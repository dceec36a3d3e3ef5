"""Runs a cross-check package's code in a child interpreter, JSON in and out.

Packages we did not write have import side effects (lazop-sdk writes ~/logs/, pyshopee2
imports selenium, tiktok-shop-api loads large tables): keeping them out of the test
process means none of that leaks into other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any


def run_isolated(script: str, cases: Any, *, env: Mapping[str, str] | None = None) -> Any:
    """`script` run by this interpreter with `cases` as JSON on stdin; its JSON stdout."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env={**os.environ, **env} if env is not None else None,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)
