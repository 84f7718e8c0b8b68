"""Real build processes killed at the worst moments, two builds at once, and a live server through a rebuild.

Each build here is a separate `python` process, killed with SIGKILL (no
cleanup code runs), while this process keeps searching the same folder.
"""

import http.client
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.load import free_port
from search import index
from search.searcher import Engine
from tests.conftest import CORPUS, ROOT, build_corpus
from tests.synthetic import write_corpus

# Enough that a build takes a couple of seconds and a few hundred files: the
# kill points are set by hooks, not by timing, so more would only be slower.
ARTICLES = 1000
NEW = {"zz/new.txt": "A new find\n\nA zanzibarite was found near Aleppo.\n"}  # only in the rebuilt index

# A build that stops (sleeps until it is killed) at a chosen moment, and says so on stdout.
CHILD = r"""
import sys, time
from pathlib import Path
from search import generations, index

corpus, index_dir, stop = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def pause():
    print(stop, flush=True)
    time.sleep(300)

def then_pause(module, name, when=lambda *args: True):
    real = getattr(module, name)
    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        if when(*args):
            pause()
        return result
    setattr(module, name, wrapper)

def progress(done, total, documents):
    if stop.startswith("files") and done >= total * float(stop.split()[1]):
        pause()

if stop == "holding the lock":
    then_pause(generations, "remove_leftovers")
elif stop == "checked":
    then_pause(index, "_check")
elif stop == "CURRENT.tmp written":
    then_pause(generations, "write_durably", lambda path, text: path.name.startswith("CURRENT."))
elif stop == "switched":
    then_pause(generations, "switch")
index.build(corpus, index_dir, progress=progress)
"""


def start_build(corpus: Path, index_dir: Path, stop: str) -> subprocess.Popen:
    """A build process, returned once it has reached `stop`."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(corpus), str(index_dir), stop],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = child.stdout.readline().strip()  # blocks until the child pauses, or ends
    if said != stop:
        child.kill()
        pytest.fail(f"the build did not reach {stop!r}: {said} {child.communicate()[1][-2000:]}")
    return child


def kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    child.stderr.close()


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


class Searching(threading.Thread):
    """Searches `index_dir` in a loop, as a server thread would, recording every answer or error."""

    def __init__(self, index_dir: Path):
        super().__init__(daemon=True)
        self.engine = Engine(index_dir)
        self.answers: list[tuple[str, str, int]] = []  # (phase, query, total)
        self.errors: list[str] = []
        self.phase = "before"
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            for query in ("Putin", "zanzibarite"):
                phase = self.phase  # as the search starts: it reads CURRENT then
                try:
                    self.answers.append((phase, query, self.engine.search(query).total))
                except Exception as error:  # any error at all is what this test looks for
                    self.errors.append(f"{phase}: {type(error).__name__}: {error}")
            time.sleep(0.005)  # leave the build some of the machine

    def searched(self, phase: str, at_least: int = 5) -> None:
        """Wait until this phase has seen a few searches."""
        hung = time.monotonic() + 120  # a guard against hanging the suite, not a timing check
        while sum(p == phase for p, _, _ in self.answers) < at_least and not self.errors:
            assert time.monotonic() < hung, f"no searches in phase {phase}"
            time.sleep(0.01)

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=60)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """An index of ARTICLES made-up articles; then one more article, in the corpus only."""
    root = tmp_path_factory.mktemp("big")
    write_corpus(root / "corpus", ARTICLES)
    index.build(root / "corpus", root / "index")
    build_corpus(root / "corpus", NEW)
    return root


@pytest.fixture
def index_dir(big, tmp_path) -> Path:
    shutil.copytree(big / "index", tmp_path / "index")
    return tmp_path / "index"


def found_new(index_dir: Path) -> int:
    return Engine(index_dir).search("zanzibarite").total


@pytest.mark.parametrize(
    "stop, switched",
    [
        pytest.param("files 0.1", False, id="reading the first files"),
        pytest.param("files 0.5", False, id="half way through the files"),
        pytest.param("checked", False, id="written and checked, CURRENT not yet replaced"),
        pytest.param("CURRENT.tmp written", False, id="the new CURRENT written, not yet renamed"),
        pytest.param("switched", True, id="CURRENT replaced, older generations not yet removed"),
    ],
)
def test_a_killed_build_costs_no_search_and_the_next_one_cleans_up(big, index_dir, stop, switched):
    before = set(p.name for p in index_dir.iterdir())
    searching = Searching(index_dir)
    searching.start()
    try:
        searching.searched("before")
        searching.phase = "building"  # from here on a search may see the switch, if the build gets that far
        child = start_build(big / "corpus", index_dir, stop)
        searching.phase = "paused"
        searching.searched("paused")
        kill(child)
        searching.phase = "killed"
        searching.searched("killed")
    finally:
        searching.stop()
    assert searching.errors == []
    seen = {phase: {total for p, q, total in searching.answers if p == phase and q == "zanzibarite"}
            for phase in ("before", "building", "paused", "killed")}
    after = 1 if switched else 0
    assert seen["before"] == {0} and seen["building"] <= {0, after}
    assert seen["paused"] == seen["killed"] == {after}
    left = set(p.name for p in index_dir.iterdir()) - before
    assert left, "the killed build left nothing to clean up: the test did not kill it mid-way"

    out = cli("index", "--corpus", big / "corpus", "--index", index_dir)
    assert out.returncode == 0, out.stderr
    assert f"cleared the lock of a build that did not finish (pid {child.pid}, since " in out.stdout
    current = index.generation_dir(index_dir)
    previous = json.loads((current / index.META).read_text())["previous"]
    assert {p.name for p in index_dir.iterdir()} == {"CURRENT", "LOCK", current.name, previous}
    if not switched:
        assert previous in before and not left & {current.name, previous}  # what the killed build left is gone
    assert found_new(index_dir) == 1


def test_a_killed_cli_build_leaves_the_old_index_answering(big, index_dir):
    """The real command, killed as soon as its new generation appears."""
    before = {p.name for p in index_dir.glob("g-*")}
    child = subprocess.Popen([sys.executable, "-m", "search", "index", "--corpus", str(big / "corpus"),
                              "--index", str(index_dir)], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    while not {p.name for p in index_dir.glob("g-*")} - before and child.poll() is None:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL  # killed mid-way, not finished
    assert {p.name for p in index_dir.glob("g-*")} - before
    assert found_new(index_dir) == 0
    assert Engine(index_dir).search("Putin").total > 0
    summary = index.build(big / "corpus", index_dir)
    assert any(line.startswith("removed g-") for line in summary.lines())
    assert found_new(index_dir) == 1


def test_one_build_at_a_time_and_a_killed_builds_lock_is_cleared(tmp_path):
    index_dir = tmp_path / "index"
    first = start_build(CORPUS, index_dir, "holding the lock")
    try:
        second = cli("index", "--index", index_dir)
        with pytest.raises(index.BuildRunning, match=rf"already running since .* UTC, pid {first.pid};"):
            index.update(CORPUS, index_dir)
    finally:
        kill(first)
    assert second.returncode == 1
    assert second.stderr.startswith("python -m search: an index build is already running since ")
    assert second.stderr.endswith(f" UTC, pid {first.pid}; wait for it to finish\n")
    third = cli("index", "--index", index_dir)
    assert third.returncode == 0, third.stderr
    assert f"cleared the lock of a build that did not finish (pid {first.pid}, since " in third.stdout


# --- a live server through a rebuild -----------------------------------------

def get(port: int, query: str) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/api/search?q=" + query)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, (response.status, body[:200])
        return json.loads(body)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    """Like `big`, smaller: the server test needs a rebuild to overlap its requests, not a long one."""
    root = tmp_path_factory.mktemp("medium")
    write_corpus(root / "corpus", 300)
    index.build(root / "corpus", root / "index")
    build_corpus(root / "corpus", NEW)
    return root


@pytest.fixture
def server(medium, tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(medium / "index", index_dir)
    port = free_port()
    log = open(tmp_path / "server.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "search", "serve", "--port", str(port), "--workers", "2",
                                "--index", str(index_dir)], cwd=ROOT, stdout=log, stderr=log)
    try:
        while True:  # until it answers; the test's own timeout bounds this
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                get(port, "Putin")
                break
            except OSError:
                time.sleep(0.1)
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


class Clients:
    """Threads that query the server in a loop over kept-alive connections, counting answers and failures."""

    def __init__(self, port: int, count: int = 3):
        self.port, self.served, self.failures = port, 0, []
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def _run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stopped.is_set():
            for query in ("Putin", "%D8%A8%D9%88%D8%AA%D9%8A%D9%86", "Syria+ceasefire", "zanzibarite"):
                try:
                    connection.request("GET", "/api/search?q=" + query)
                    response = connection.getresponse()
                    body = response.read()
                    ok = response.status == 200 and "total" in json.loads(body)
                except Exception as error:  # a refused or dropped connection is a failure too
                    ok, body = False, repr(error).encode()
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                with self.lock:
                    self.served += ok
                    if not ok:
                        self.failures.append(body[:200])
                time.sleep(0.005)  # steady traffic, not a load test: leave the rebuild some of the machine
        connection.close()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_a_server_answers_through_a_rebuild_then_from_the_new_index(medium, server):
    process, port = server
    index_dir = Path(process.args[process.args.index("--index") + 1])
    assert get(port, "zanzibarite")["total"] == 0
    with Clients(port) as clients:
        served_before = clients.served
        rebuild = cli("index", "--corpus", medium / "corpus", "--index", index_dir)
        served_during_rebuild = clients.served - served_before
        assert get(port, "zanzibarite")["total"] == 1  # the new index, without a restart
    assert rebuild.returncode == 0, rebuild.stderr
    assert clients.failures == []
    assert served_during_rebuild > 0
    assert process.poll() is None  # the same server process throughout
