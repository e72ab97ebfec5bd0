"""The production servers behind ``poisk serve``: waitress in one process, or gunicorn with several.

One Python process answers on one core at a time. With ``workers`` > 1 the service runs as
gunicorn processes, each opening the index read-only, while the indexing (the start-up catch-up
and, with ``--watch``, the watcher) runs in a process of its own; a webhook call is handled by the
process that received it. The index's writer lock keeps one writer at a time across them all.

Both ways read requests the same way: waitress's event loop takes each connection's bytes as they
come and hands a request to a worker thread only once the whole of it has arrived, so a slow
client (or thousands of them, up to ``CONNECTION_LIMIT`` per process) never holds a thread that
could be searching. With several processes gunicorn stays the process manager (restarts,
signals, graceful stop) and each of its workers serves with waitress (``waitress_worker``).
"""

import errno
import functools
import logging
import os
import re
import socket
import time

log = logging.getLogger(__name__)

# Files a server process keeps open besides its connections: the index's segments, the
# analytics database, logs, pipes. The open-file limit is raised to hold these and the connections.
OTHER_OPEN_FILES = 256


class ServeError(Exception):
    """The server cannot start (its port is taken, its address cannot be listened on)."""


def _listen_error(host: str, port: int, exc: OSError) -> ServeError:
    if exc.errno == errno.EADDRINUSE:
        return ServeError(
            f"port {port} on {host} is already in use (is another poisk serve running?): "
            "stop it, or choose another port with --port or POISK_PORT"
        )
    reason = exc.strerror or str(exc)
    return ServeError(
        f"cannot listen on port {port} on {host}: {reason}: "
        "choose another address with --host/--port or POISK_HOST/POISK_PORT"
    )


def waitress_options(config: dict, threads: int) -> dict:
    """Return waitress's settings for one server process: ``threads`` threads, slow clients held aside."""
    from web.settings import SettingsError

    limit, timeout = config["CONNECTION_LIMIT"], config["CHANNEL_TIMEOUT"]
    if limit < 1:
        raise SettingsError(f"setting CONNECTION_LIMIT must be at least 1, got {limit}")
    if timeout < 1:
        raise SettingsError(f"setting CHANNEL_TIMEOUT must be at least 1, got {timeout}")
    return {
        "threads": threads,
        "connection_limit": limit,  # raised by the server's own sockets once they exist: see _hold
        "channel_timeout": timeout,
        # Idle connections are looked for this often, so one is closed within 1⅓ × channel_timeout.
        "cleanup_interval": max(1, min(30, timeout // 3)),
        # select() cannot watch a file descriptor past 1023; a thousand connections reach that.
        "asyncore_use_poll": True,
        "ident": "poisk",
    }


def _hold(server, socket_map: dict, connections: int) -> None:
    """Make ``server`` hold ``connections`` client connections, and read addresses typed in any script.

    Waitress counts every entry of its socket map against ``connection_limit``: its listening
    sockets and wake-up pipes too, not only the clients.
    """
    server.adj.connection_limit = connections + len(socket_map)
    from waitress.server import BaseWSGIServer

    for entry in socket_map.values():
        if isinstance(entry, BaseWSGIServer):
            entry.channel_class = _utf8_channel()


# Bytes a request line may carry unescaped: ASCII. curl and some other clients send a
# Cyrillic query as it was typed (``/api/search?q=кровь``, as UTF-8 bytes), which waitress
# answers with a plain-text 400 "Bad URI"; escaped first, they reach the app as a browser's would.
_UNESCAPED = re.compile(rb"[\x80-\xff]")


def escape_request_line(header_plus: bytes) -> bytes:
    """Return a request's head with the bytes beyond ASCII of its first line percent-escaped."""
    end = header_plus.find(b"\r\n")
    first = header_plus if end < 0 else header_plus[:end]
    if not _UNESCAPED.search(first):
        return header_plus
    escaped = _UNESCAPED.sub(lambda m: b"%%%02X" % m[0][0], first)
    return escaped if end < 0 else escaped + header_plus[end:]


@functools.cache
def _utf8_channel():
    """Return waitress's connection class reading request lines through :func:`escape_request_line`."""
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser

    class Parser(HTTPRequestParser):
        def parse_header(self, header_plus):
            return super().parse_header(escape_request_line(header_plus))

    class Channel(HTTPChannel):
        parser_class = Parser

    return Channel


def raise_open_file_limit(connections: int) -> None:
    """Raise this process's soft limit of open files (towards the hard one) to hold ``connections``."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return
    wanted = connections + OTHER_OPEN_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if new > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        except (OSError, ValueError):
            new = soft
    if new < wanted:
        log.warning(
            "the open-file limit (%d) is too low for %d connections (setting CONNECTION_LIMIT): "
            "raise it (systemd: LimitNOFILE=%d), or lower CONNECTION_LIMIT",
            new,
            connections,
            wanted,
        )


def serve_waitress(app, config: dict) -> None:
    """Serve ``app`` with waitress, ``THREADS`` threads in this process (4 unless set)."""
    import waitress

    options = waitress_options(config, config["THREADS"] or 4)
    raise_open_file_limit(config["CONNECTION_LIMIT"])
    socket_map = {}
    try:
        server = waitress.create_server(app, map=socket_map, host=config["HOST"], port=config["PORT"], **options)
    except OSError as exc:
        raise _listen_error(config["HOST"], config["PORT"], exc) from None
    _hold(server, socket_map, config["CONNECTION_LIMIT"])
    server.print_listen("Serving on http://{}:{}")
    server.run()


def check_can_listen(addresses) -> None:
    """Raise ServeError unless each (host, port) of ``addresses`` can be bound now, as gunicorn will bind it."""
    from gunicorn import util

    for address in addresses:
        if not isinstance(address, tuple):  # a Unix socket or an inherited descriptor
            continue
        host, port = address[0], address[1]
        family = socket.AF_INET6 if util.is_ipv6(host) else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn's own sockets
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise _listen_error(host, port, exc) from None


def waitress_worker(options: dict, connections: int):
    """Return a gunicorn worker class serving with waitress's event loop and ``options``.

    gunicorn's threaded worker hands a connection to a thread as soon as it is readable and reads
    the request there, blocking: with one thread per process, two clients sending their headers
    slowly stall the whole service. This worker keeps gunicorn's arbiter (restarts, signals,
    graceful stop) but reads requests as waitress does, asynchronously, on the listening sockets
    the worker inherits.
    """
    from gunicorn.workers.base import Worker
    from waitress import create_server, wasyncore
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer

    class Wakeup(wasyncore.file_dispatcher):
        """The read end of the worker's signal pipe: a signal (SIGTERM…) wakes the loop at once."""

        def writable(self):
            return False

        def handle_read(self):
            try:
                self.recv(64)
            except BlockingIOError:
                pass

    class WaitressWorker(Worker):
        SLICE = 1.0  # seconds the loop waits for events before telling the arbiter it is alive

        def run(self):
            # One search at a time is this worker's design: a second request waiting its turn is
            # no news (waitress would warn "Task queue depth is 1" each time).
            logging.getLogger("waitress.queue").setLevel(logging.ERROR)
            socket_map = {}
            server = create_server(
                self.wsgi, map=socket_map, sockets=[s.sock for s in self.sockets], backlog=self.cfg.backlog, **options
            )
            Wakeup(self.PIPE[0], socket_map)
            _hold(server, socket_map, connections)
            try:
                while self.alive:
                    self.notify()
                    wasyncore.loop(timeout=self.SLICE, map=socket_map, use_poll=True, count=1)
                    if self.ppid != os.getppid():
                        self.log.info("Parent changed, shutting down: %s", self)
                        break
                self.stop(server, socket_map)
            finally:
                wasyncore.close_all(socket_map, ignore_all=True)

        def stop(self, server, socket_map: dict) -> None:
            """Stop accepting, finish the requests under way (within the graceful timeout), stop the threads."""
            deadline = time.monotonic() + self.cfg.graceful_timeout
            for entry in list(socket_map.values()):
                if isinstance(entry, BaseWSGIServer):
                    entry.accepting = False  # no longer polled; the other workers take new connections
            while time.monotonic() < deadline:
                busy = False
                for entry in list(socket_map.values()):
                    if isinstance(entry, HTTPChannel):
                        if entry.requests or entry.total_outbufs_len:
                            busy = True
                        else:  # idle, or a request still arriving: closed
                            entry.will_close = True
                if not busy:
                    break
                self.notify()
                wasyncore.loop(timeout=0.1, map=socket_map, use_poll=True, count=1)
            server.task_dispatcher.shutdown(timeout=max(0.1, deadline - time.monotonic()))

    return WaitressWorker


def serve_gunicorn(config: dict) -> None:
    """Serve the app with gunicorn: ``WORKERS`` processes of ``THREADS`` threads each (1 unless set).

    Each process takes one search at a time; its waitress event loop holds up to
    ``CONNECTION_LIMIT`` connections, slow and idle ones included, without tying up the thread.
    """
    from gunicorn.app.base import BaseApplication

    threads = config["THREADS"] or 1
    options = waitress_options(config, threads)

    class Application(BaseApplication):
        def load_config(self):
            settings = {
                "bind": f"{config['HOST']}:{config['PORT']}",
                "workers": config["WORKERS"],
                "worker_class": waitress_worker(options, config["CONNECTION_LIMIT"]),
                "threads": threads,
                "worker_connections": config["CONNECTION_LIMIT"],
                "proc_name": "poisk",
                "accesslog": None,  # the app writes its own JSON line per request
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 30,
                "graceful_timeout": 10,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            # Each worker builds its own app after the fork: no threads or open files are shared.
            from web.app import create_app, engine

            app = create_app({**config, "REINDEXER": None})
            engine(app).warm()  # before this worker takes its first request
            return app

    application = Application()
    check_can_listen(application.cfg.address)  # gunicorn would log a retry a second, then exit
    raise_open_file_limit(config["CONNECTION_LIMIT"])  # the workers inherit the limit
    application.run()
