"""Cold start to a usable main window on a 10,000-article store, beside a bare PySide6 window.

    python bench/cold_start.py [--articles 10000] [--runs 7]

Both are started the same way (a new Python process, offscreen Qt) in the same run, alternating;
prints median wall time of each, their ratio and each one's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_store import generate  # noqa: E402  (bench scripts run from a checkout)


def timed_run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def measure_peak(command: list[str], env: dict[str, str]) -> int:
    """Peak RSS of one run measured in isolation with /usr/bin/time -v when available."""
    if not Path("/usr/bin/time").exists():
        return 0
    result = subprocess.run(["/usr/bin/time", "-v", *command], env=env, capture_output=True, text=True, check=True)
    for line in result.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    # As installed apps run: from byte-compiled modules (some shells set PYTHONDONTWRITEBYTECODE,
    # which would make every start recompile the app's sources and not the baseline's).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "workstation")], check=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKSTATION_QUIT_WHEN_READY": "1",
           "WORKSTATION_SECRETS": "file"}  # fmt: skip
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "workspace.db"
        started = time.perf_counter()
        generate(store, args.articles)
        size_mb = store.stat().st_size / 1e6
        print(f"generated {args.articles} articles in {time.perf_counter() - started:.1f} s ({size_mb:.1f} MB)")
        app = [sys.executable, "-m", "workstation.cli", "--store", str(store)]
        bare = [sys.executable, str(HERE / "bare_window.py")]
        timed_run(app, env), timed_run(bare, env)  # warm the page cache for both
        app_times, bare_times = [], []
        for _ in range(args.runs):
            app_times.append(timed_run(app, env)[0])
            bare_times.append(timed_run(bare, env)[0])
        app_median, bare_median = statistics.median(app_times), statistics.median(bare_times)
        app_peak, bare_peak = measure_peak(app, env), measure_peak(bare, env)
    print(f"{'':28}{'median s':>10}{'min s':>8}{'max s':>8}{'peak RSS MB':>13}")
    for label, times, peak in (
        ("workstation, 10k store", app_times, app_peak),
        ("bare PySide6 window", bare_times, bare_peak),
    ):
        median = statistics.median(times)
        print(f"{label:28}{median:10.3f}{min(times):8.3f}{max(times):8.3f}{peak / 1024:13.1f}")
    print(f"ratio workstation / bare window: {app_median / bare_median:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
