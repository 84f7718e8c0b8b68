"""Running measured steps in child processes, and watching their memory and CPU.

Peak memory is the largest sum, sampled every 0.1 s or less often (see
MemoryWatch), of the proportional
set size (PSS) of a process and all its descendants: Whoosh's writer with
procs=2 forks sub-writers, the server forks workers.  PSS divides a shared
page among the processes (and mappings) that share it, so pages a fork
shares with its parent, and index files each searcher maps again, count
once; the resident size (RSS) would count them once per process and per
mapping.  Where smaps_rollup is not readable, RSS it is.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # gone since the listing
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm", "rb") as f:
        return int(f.read().split()[1]) * _PAGE


def tree_memory(pid: int) -> int:
    """Bytes of memory `pid` and all its descendants hold now (PSS; RSS where PSS is not readable)."""
    tree, total, todo = _children(), 0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += _pss(current)
        except OSError:
            pass  # gone since the listing
        todo += tree.get(current, [])
    return total


_TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by `pid` and its descendants (those still running)."""
    tree, total, todo = _children(), 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
        todo += tree.get(current, [])
    return total


# A watch spends at most 1 / (1 + WAIT_PER_SAMPLE) of a core: reading smaps_rollup walks a
# process's page tables, and a build's three processes holding 1.4 GB took 17 ms a sample.
# Every 0.1 s that was a sixth of a core, taken from our build, which needs both of the
# machine's two, and from none of the naive build, which leaves one idle: our shared-corpus
# build took 51.4 s watched against 46.4 s not.
WAIT_PER_SAMPLE = 19


def pause(interval: float, took: float) -> float:
    """Seconds to wait after a sample that took `took`: `interval`, or longer for a slow sample.

    >>> pause(0.1, 0.001), pause(0.1, 0.017)
    (0.1, 0.323)
    """
    return round(max(interval, took * WAIT_PER_SAMPLE), 6)


class MemoryWatch:
    """Samples the memory of a process tree until stopped; `peak` is in bytes."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            started = time.thread_time()
            self.peak = max(self.peak, tree_memory(self.pid))
            self._stop.wait(pause(self.interval, time.thread_time() - started))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


class StepFailed(RuntimeError):
    pass


def start_step(step: str, args: dict, log: Path | None = None, stdin=None) -> subprocess.Popen:
    """Start `python -m bench.child STEP ARGS` in the project folder; read it with `finish_step`
    (`stdin` subprocess.PIPE: to talk to it, as `run_alternating` does)."""
    stderr = open(log, "ab") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen([sys.executable, "-m", "bench.child", step, json.dumps(args)],
                                cwd=ROOT, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr)
    finally:
        if log:
            stderr.close()  # the child has its own copy


def finish_step(child: subprocess.Popen, what: str = "a step") -> dict:
    try:
        out, _ = child.communicate()
    except BaseException:  # interrupted: the step must not run on without us
        child.kill()
        child.wait()
        raise
    if child.returncode != 0:
        raise StepFailed(f"{what} failed with status {child.returncode}")
    return json.loads(out.decode("utf-8").strip().splitlines()[-1])


def run_step(step: str, args: dict, log: Path | None = None) -> dict:
    """Run a step to its end; its JSON, with `peak_memory` in bytes.

    The disk caches are written out first, so that the gigabyte of index the
    step before may have left to write does not compete with this one.
    """
    if hasattr(os, "sync"):
        os.sync()
    child = start_step(step, args, log)
    watch = MemoryWatch(child.pid)
    try:
        result = finish_step(child, f"{step} {args.get('engine', '')}".strip() + (f" (see {log})" if log else ""))
    finally:
        peak = watch.stop()
    result["peak_memory"] = peak
    return result


def run_alternating(step: str, argsets: dict[str, dict], count: int, block: int,
                    log: Path | None = None) -> tuple[dict[str, list], dict[str, str]]:
    """Run `step` once per entry of `argsets`, each in its child, all at once but taking turns.

    Every child says "ready" when it is, and then answers a line "START END"
    with one line, the JSON list of its results for those items.  Once all are
    ready, items 0 to `count`-1 go out in blocks of `block`: each block to
    each child in turn, one child working at a time, the order rotating from
    block to block.  So every child is measured in the same stretches of
    time, and a neighbour's burst on a shared machine lands on all of them
    alike rather than on whichever ran then.  Returns (each name's results,
    in item order; the names whose child failed, with why).
    """
    children, failed = {}, {}
    for name, args in argsets.items():
        children[name] = child = start_step(step, args, log, stdin=subprocess.PIPE)
        if child.stdout.readline().strip() != b"ready":
            failed[name] = _stop(child, f"{step} {name} did not start")
    for name in failed:
        del children[name]
    results: dict[str, list] = {name: [] for name in children}
    try:
        for k, start in enumerate(range(0, count, block)):
            if not children:
                break
            names = list(children)
            turn = k % len(names)
            for name in names[turn:] + names[:turn]:
                child = children[name]
                try:
                    child.stdin.write(f"{start} {min(count, start + block)}\n".encode())
                    child.stdin.flush()
                    line = child.stdout.readline()
                    results[name] += json.loads(line)
                except (OSError, ValueError):
                    failed[name] = _stop(child, f"{step} {name} failed at item {start}")
                    del children[name], results[name]
    finally:
        for name, child in children.items():
            child.stdin.close()
            child.stdout.read()
            child.stdout.close()
            if child.wait() != 0:
                failed[name] = f"{step} {name} failed with status {child.returncode}"
                results.pop(name, None)
    return results, failed


def _stop(child: subprocess.Popen, why: str) -> str:
    child.kill()
    child.wait()
    child.stdin.close()
    child.stdout.close()
    return f"{why} (status {child.returncode})"


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
