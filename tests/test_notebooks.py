"""The notebooks run from top to bottom without an error, and are committed without outputs."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Seconds a kernel may take to start and a cell to run: building a few articles takes seconds,
#: but the machine may be busy.
STARTUP_TIMEOUT, CELL_TIMEOUT = 300, 600


def test_notebooks_are_there() -> None:
    assert [path.name for path in NOTEBOOKS] == [
        "01-quickstart.ipynb", "02-sparql.ipynb", "03-following-a-story.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    dirty = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
             and (cell.outputs or cell.execution_count is not None)]
    assert not dirty, (f"{path.name}: cells {dirty} have outputs or execution counts; "
                       "clear them before committing (Jupyter: Edit > Clear Outputs of All Cells)")


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The kernel "python3", run by the interpreter running the tests (.venv/bin/python).

    The kernel spec is written to a directory of its own that Jupyter searches first, so a
    "python3" kernel of the user or the system cannot stand in for it; the venv's bin comes
    first on PATH for the notebooks' `!kg ...` lines.
    """
    write_kernel_spec(tmp_path / "jupyter" / "kernels" / "python3")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # no deprecation warning from jupyter_core
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # leave ~/.ipython alone
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent),
                                                os.environ.get("PATH", "")]))
    return "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs(path: Path, tmp_path: Path, kernel: str) -> None:
    # a copy of notebooks/ and examples/, so that the notebooks' relative paths hold and
    # nothing they write lands in the repository
    work = tmp_path / "work"
    shutil.copytree(ROOT / "notebooks", work / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "examples", work / "examples")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, startup_timeout=STARTUP_TIMEOUT,
                            kernel_name=kernel,
                            resources={"metadata": {"path": str(work / "notebooks")}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on an error
    ran = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert ran and all(cell.execution_count is not None for cell in ran)
