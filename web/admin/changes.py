"""What editors changed, when, and who (the token's name): one JSON line each in ``changes.log`` beside the index."""

import json
import os
import time
from pathlib import Path

MAX_SHOWN = 50


def log_path(config) -> Path:
    return Path(config["INDEX"]).resolve().parent / "changes.log"


def record(config, editor: str, action: str, detail: dict) -> None:
    """Append one change (a single write of a short line: whole even with several server processes)."""
    path = log_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"time": round(time.time(), 3), "editor": editor, "action": action, **detail}, ensure_ascii=False)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def recent(config, action_prefix: str = "", limit: int = MAX_SHOWN) -> list[dict]:
    """Return the latest changes (newest first) whose action starts with ``action_prefix``."""
    try:
        lines = log_path(config).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if str(entry.get("action", "")).startswith(action_prefix):
            out.append(entry)
            if len(out) == limit:
                break
    return out


def when(epoch: float) -> str:
    """Return a change's time as the log shows it (UTC, to the second)."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(float(epoch), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
