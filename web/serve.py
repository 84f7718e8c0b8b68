"""Serve the app with Granian: worker processes use both cores, where
Flask's development server is one process meant for debugging.

Granian's HTTP side is compiled (Rust); only our WSGI app runs in Python.
Gunicorn parsed, dispatched and wrote each request in Python, in the same
processes as the searches: at 8 clients on the shared corpus it spent
9.0 ms of CPU per request where the searches alone took 7.4, and served
205-212 requests/s where two processes calling the engine directly
served 267-271.  Granian, same workers and queries: 7.7 ms and 251.
"""

import multiprocessing
import os
import socket
import sys
import time

from granian import Granian
from granian.constants import HTTPModes, Interfaces, RuntimeModes

from web import create_app

WARM = "warmed up in"  # what each worker says once it takes connections (bench.load.Server waits for it)


def serve(host: str, port: int, *, workers: int = 2, index_dir=None, access_log: bool = False) -> None:
    """Serve until stopped.  Raises OSError, before loading anything, if the address is taken."""
    _check_free(host, port)
    app = create_app({"INDEX_DIR": str(index_dir)} if index_dir else None)
    server = Granian(
        "web:create_app", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
        # One thread per worker: a search is all CPU, so threads would only take turns at the
        # GIL, and each would keep a searcher of its own.  Kept while idle, so that a quiet
        # spell does not cost the next search a new searcher.
        blocking_threads=1, blocking_threads_idle_timeout=600,
        # Off unless asked for: a line per request took 2% of a worker's time (py-spy samples).  It gives
        # method, path, status and time, not the query: what readers search for stays out of the logs.
        log_access=access_log,
        # HTTP/1.1 only (browsers speak HTTP/2 over TLS alone, and this serves plain HTTP), on one
        # Rust thread per worker: the searches, not the sockets, take the CPU.
        http=HTTPModes.http1, runtime_mode=RuntimeModes.st,
        respawn_failed_workers=True, websockets=False,
    )
    # Workers are forked and take this app rather than import their own.
    multiprocessing.set_start_method("fork", force=True)
    server.serve(target_loader=lambda *_: _warmed(app), wrap_loader=False)


def _warmed(app):
    """In each worker, before it takes a request: load what the first search would wait for.

    After the fork, not before.  Warmed once in the parent and shared, a
    worker wrote to the shared pages as it searched (Python's reference
    counts, its allocator's free slots), and the kernel copied each page at
    its first write.  At 8 clients on the shared corpus, in three runs of
    each, a request cost 27-31 page faults and 0.37 ms of system time
    (0.23-0.52), against 9-13 and 0.26 ms (0.25-0.28) with each worker warmed
    on its own.  The two warm up side by side, one per core, in about the
    time one took; each holds its own copy (about 1.2 GB on the shared
    corpus), which the shared pages grew towards anyway as they were copied.
    A worker takes no connection until it is warm, and says when it is.
    """
    started = time.monotonic()
    app.extensions["engine"].warm_up()
    print(f"worker {os.getpid()} {WARM} {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    return app


def _check_free(host: str, port: int) -> None:
    """Granian says a taken address with a Rust backtrace; say it in one line instead."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise OSError(error.errno, f"cannot serve on {host}:{port}: {error.strerror}") from None
