"""Benchmark each case notebook at its defaults against an empty notebook that imports nogo.

Run with ``make bench`` (or ``python tests/bench/bench_notebooks.py [--repeat 3] [--only ID ...]``). The
target (issues 17 and 18): a case notebook at its defaults runs within 2x the floor, an empty notebook
whose one cell is ``import nogo``, both executed the same way (papermill, a fresh kernel each run, the
project's kernel configuration), medians of ``--repeat`` runs, measured in this one process. The runs are
interleaved (floor, then every notebook, then the floor again...) so that a machine growing busier
during the benchmark slows the floor and the cases alike. It prints ratios, never pass/fail: the
notebooks the casebook lists are found from it, never from a hand-kept list.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import nbformat

import nogo
from nogo.casebook.notebooks import execute

TARGET_RATIO = 2.0


def _floor_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import nogo")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def _seconds(notebook: Path, out: Path, cwd: Path) -> float:
    result = execute(notebook, out, cwd=cwd)
    if not result.ok:
        raise SystemExit(f"{notebook.name}: {result.error}")
    return result.seconds


def run(repeat: int, only: list[str] | None = None) -> list[dict[str, float | str]]:
    project = nogo.Project.find()
    ids = [c.id for c in project.cases() if not only or c.id in only]
    with tempfile.TemporaryDirectory(prefix="nogo-bench-") as tmp:
        folder = Path(tmp)
        floor = _floor_notebook(folder)
        times: dict[str, list[float]] = {"(floor) import nogo": []}
        times.update({i: [] for i in ids})
        for k in range(repeat):
            times["(floor) import nogo"].append(_seconds(floor, folder / f"floor-{k}.ipynb", project.notebooks))
            for case_id in ids:
                path = project.notebooks / f"{case_id}.ipynb"
                times[case_id].append(_seconds(path, folder / f"{case_id}-{k}.ipynb", project.notebooks))
    base = statistics.median(times["(floor) import nogo"])
    rows = []
    for name, seconds in times.items():
        median = statistics.median(seconds)
        rows.append({"notebook": name, "median_s": median, "runs": ", ".join(f"{s:.1f}" for s in seconds),
                     "ratio": median / base})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook (median taken)")
    parser.add_argument("--only", nargs="*", help="case ids to time (default: every case)")
    args = parser.parse_args()
    rows = run(args.repeat, args.only)
    print(f"\nCase notebooks at defaults against the floor (medians of {args.repeat} runs; target <= "
          f"{TARGET_RATIO:.0f}x)")  # fmt: skip
    print(f"{'notebook':28s} {'median':>8s} {'ratio':>7s}  runs (s)")
    for r in rows:
        flag = "" if r["ratio"] <= TARGET_RATIO else "  over target"
        print(f"{r['notebook']:28s} {r['median_s']:7.1f}s {r['ratio']:6.2f}x  {r['runs']}{flag}")


if __name__ == "__main__":
    main()
