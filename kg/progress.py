"""A progress bar for long builds and ingests: articles per second and how many failed."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

#: Fewer articles than this finish before a bar would tell anything.
MIN_ARTICLES = 4


class ProgressBar:
    """Draws on ``console`` (stderr) while articles are extracted; silent when ``console`` is
    not a terminal or there are fewer than ``MIN_ARTICLES`` articles.

    Implements ``kg.parallel.Progress``; use it as a context manager around the run. The
    articles that failed are named by the error lines printed at the end, not here.

    Examples:
        >>> import io
        >>> console = Console(file=io.StringIO(), force_terminal=True, width=100)
        >>> with ProgressBar(console) as bar:
        ...     bar.start(5)
        ...     for ok in (True, True, False, True, True):
        ...         bar.advance(ok=ok)
        >>> bar.done, bar.failed
        (5, 1)
        >>> "1 failed" in console.file.getvalue()
        True
    """

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self.console = console
        self.enabled = enabled and console.is_terminal
        self.done = self.failed = 0
        self._started = 0.0
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def start(self, total: int) -> None:
        """Begin a run of ``total`` articles."""
        self._started = time.perf_counter()
        if not self.enabled or total < MIN_ARTICLES:
            return
        self._bar = Progress(
            TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
            TextColumn("{task.fields[failed]}"), TimeElapsedColumn(),
            console=self.console, transient=False)
        self._task = self._bar.add_task("extract", total=total, rate="-", failed="")
        self._bar.start()

    def advance(self, *, ok: bool) -> None:
        """One more article extracted (``ok``) or failed."""
        self.done += 1
        self.failed += not ok
        if self._bar is None or self._task is None:
            return
        seconds = time.perf_counter() - self._started
        rate = f"{self.done / seconds:.1f}" if seconds > 0 else "-"
        failed = f"[red]{self.failed} failed[/red]" if self.failed else ""
        self._bar.update(self._task, advance=1, rate=rate, failed=failed)
