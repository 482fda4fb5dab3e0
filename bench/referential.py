"""Time to load the shipped referential (communes, EPCI, former names) in a
process: what every CKAN process pays once, at its first territorial call.

    .venv/bin/python bench/referential.py [--runs 5]

No database. Prints each load's time and the median; the target is well
under 3 s on a loaded 2-core machine.
"""

from __future__ import annotations

import statistics
import sys
import time

from ckanext.territoires.referential.store import load_referential


def main(runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        ref = load_referential()
        times.append(time.perf_counter() - started)
    print(f"referential: {len(ref.communes)} communes, {len(ref.epcis)} EPCI")
    print("loads: " + ", ".join(f"{t * 1000:.0f} ms" for t in times))
    print(f"median: {statistics.median(times) * 1000:.0f} ms (target: < 3,000 ms)")


if __name__ == "__main__":
    main(int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5)
