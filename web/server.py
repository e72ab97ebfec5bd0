"""The production servers behind ``poisk serve``: waitress in one process, or gunicorn with several.

One Python process answers on one core at a time. With ``workers`` > 1 the service runs as
gunicorn processes (threads within each), each opening the index read-only, while the indexing
(the start-up catch-up and, with ``--watch``, the watcher) runs in a process of its own; a
webhook call is handled by the process that received it. The index's writer lock keeps one
writer at a time across them all.
"""

import os
import subprocess
import sys

from web.app import create_app


def serve_waitress(app, config: dict) -> None:
    """Serve ``app`` with waitress, ``THREADS`` threads in this process."""
    import waitress

    waitress.serve(app, host=config["HOST"], port=config["PORT"], threads=config["THREADS"] or 4, ident="poisk")


def settings_environment(config: dict) -> dict:
    """Return this process's environment with the settings of ``config`` as POISK_* variables."""
    from web.settings import SETTINGS

    env = dict(os.environ)
    for s in SETTINGS:
        env[s.env] = str(config[s.name])
    return env


def start_indexing_process(config: dict, watch: bool) -> subprocess.Popen:
    """Start ``poisk watch`` (or a one-off ``poisk index`` catching up) in a child process."""
    command = [sys.executable, "-m", "web.cli", "watch" if watch else "index"]
    return subprocess.Popen(command, env=settings_environment(config))


def serve_gunicorn(config: dict) -> None:
    """Serve the app with gunicorn: ``WORKERS`` processes of ``THREADS`` threads each (1 unless set).

    Each process takes one search at a time; gunicorn's threaded worker still keeps idle
    keep-alive connections aside, so a slow client does not hold a process.
    """
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{config['HOST']}:{config['PORT']}",
                "workers": config["WORKERS"],
                "worker_class": "gthread",
                "threads": config["THREADS"] or 1,
                "proc_name": "poisk",
                "accesslog": None,  # the app writes its own JSON line per request
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 30,
                "graceful_timeout": 10,
                "keepalive": 5,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            # Each worker builds its own app after the fork: no threads or open files are shared.
            return create_app({**config, "REINDEXER": None})

    Application().run()
