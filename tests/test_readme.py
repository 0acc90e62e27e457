"""The README is tested: every command it shows runs, and every ``kg`` command is in it.

Convention (sqlite-utils' test_docs, adapted): commands are shown in fenced ```console blocks.
A line starting with ``$ `` is a command (a trailing backslash continues it on the next line);
the lines after it, up to the next ``$ ``, are its output as shown (possibly trimmed, so not
compared), except lines starting with ``error:``: a command shown with such a line must exit
with code 1 and print that line on stderr; every other command must exit with code 0.

- ``kg ...`` and ``.venv/bin/kg ...`` lines run for real, through the shell (so ``<`` works),
  once each and in README order, in one temporary directory laid out like a checkout:
  ``examples/``, ``kg/`` (for ``--file kg/queries/...``) and ``.venv/bin/kg``. So the README
  must build ``out/`` before it queries it, as a reader following along would.
- ``kg serve ...`` lines never exit by themselves: each is started, must print its URL on
  stdout within a minute and answer a query and its page there, and is then stopped with
  SIGINT (Ctrl-C), which must end it with code 0.
- ``make X`` lines are not run (``make test`` would run this test again); ``X`` must be a
  target of the Makefile.
- Any other command fails the test: show it in a ``text`` block instead, or test it here.

Fenced ```python blocks run too, in the same directory.
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main
from conftest import KG, ROOT

from kg.cli import app

README = ROOT / "README.md"
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Shown:
    """A command shown in the README, with the error lines shown under it."""

    command: str
    errors: tuple[str, ...]

    def __str__(self) -> str:
        return self.command if len(self.command) <= 60 else self.command[:57] + "..."


def blocks(language: str) -> list[str]:
    """The bodies of the README's fenced blocks in ``language``."""
    text = README.read_text(encoding="utf-8")
    return [body for lang, body in _FENCE.findall(text) if lang == language]


def shown_commands() -> list[Shown]:
    """Every ``$ `` command of the README's console blocks, in order."""
    shown: list[Shown] = []
    for body in blocks("console"):
        lines = body.splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                i += 1
                continue
            command = lines[i][2:]
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + lines[i]
            i += 1
            errors = []
            while i < len(lines) and not lines[i].startswith("$ "):
                if lines[i].startswith("error:"):
                    errors.append(lines[i])
                i += 1
            shown.append(Shown(command.strip(), tuple(errors)))
    return shown


SHOWN = shown_commands()
KG_COMMANDS = [s for s in SHOWN if s.command.split()[0] in ("kg", ".venv/bin/kg")]
MAKE_COMMANDS = [s for s in SHOWN if s.command.split()[0] == "make"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory laid out like a checkout, where the README's relative paths resolve."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", root / "examples")
    # the package itself, as in a checkout: a bare kg/queries/ copy would shadow `import kg`
    (root / "kg").symlink_to(ROOT / "kg", target_is_directory=True)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "kg").symlink_to(KG)
    return root


@pytest.fixture(scope="module")
def runs(workdir: Path) -> dict[Shown, subprocess.CompletedProcess[str]]:
    """Every shown ``kg`` command, run once in README order, as a reader following it would.

    The README's own ``kg build ... --out out`` (before its first query) makes out/; building
    it here as well would cost the model's start-up again.
    """
    env = {**os.environ, "PATH": f"{KG.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return {shown: serve(shown.command, workdir, env) if shown.command.split()[1] == "serve"
            else subprocess.run(shown.command, shell=True, cwd=workdir, env=env,
                                capture_output=True, text=True, timeout=120, check=False)
            for shown in KG_COMMANDS}


def serve(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a shown ``kg serve``: wait for its URL, query it, stop it with SIGINT (Ctrl-C)."""
    process = subprocess.Popen(shlex.split(command), cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    url = process.stdout.readline().strip() if ready else ""
    problem = ""
    if url.startswith("http://"):
        ask = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        try:
            with urllib.request.urlopen(f"{url}sparql?{ask}", timeout=60) as response:
                answer = response.read()
            with urllib.request.urlopen(url, timeout=60) as response:
                page = response.read()
            if answer != b'{"head":{},"boolean":true}' or b"<form" not in page:
                problem = f"unexpected answers from {url}: {answer!r}"
        except OSError as exc:
            problem = f"{url} did not answer: {exc}"
    else:
        problem = f"no URL on stdout: {url!r}"
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, 1 if problem else process.returncode,
                                       url + "\n" + out, err + problem)


def test_readme_shows_commands() -> None:
    assert KG_COMMANDS, "no '$ kg ...' line in a ```console block of README.md"
    others = [s.command for s in SHOWN if s not in KG_COMMANDS and s not in MAKE_COMMANDS]
    assert not others, f"README commands this test cannot check: {others}"


@pytest.mark.parametrize("shown", KG_COMMANDS, ids=str)
def test_readme_kg_command_runs(shown: Shown,
                                runs: dict[Shown, subprocess.CompletedProcess[str]]) -> None:
    result = runs[shown]
    expected = 1 if shown.errors else 0
    assert result.returncode == expected, (
        f"{shown.command}\nexit {result.returncode}, README implies {expected}\n"
        f"stdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}")
    stderr_lines = result.stderr.splitlines()
    for line in shown.errors:
        assert line in stderr_lines, f"{shown.command}: README shows {line!r}, not {stderr_lines}"
    assert "Traceback" not in result.stderr


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.MULTILINE))


@pytest.mark.parametrize("shown", MAKE_COMMANDS, ids=str)
def test_readme_make_target_exists(shown: Shown) -> None:
    # not run: `make test` would start this suite again, `make demo` may reinstall .venv
    targets = shown.command.split()[1:] or ["demo"]  # a bare `make` runs the first target
    missing = [t for t in targets if not t.startswith("-") and t not in makefile_targets()]
    assert not missing, f"README shows `{shown.command}`; the Makefile has no target {missing}"


def test_readme_shows_make_demo_and_make_test() -> None:
    assert {"make demo", "make test"} <= {s.command for s in MAKE_COMMANDS}


def test_readme_python_examples_run(workdir: Path,
                                    runs: dict[Shown, subprocess.CompletedProcess[str]]) -> None:
    # after the commands: the example reads out/ as the README's `kg build` left it
    code = blocks("python")
    assert code, "no ```python block in README.md"
    for body in code:
        result = subprocess.run([sys.executable, "-c", body], cwd=workdir, capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, f"{body}\n{result.stderr[-3000:]}"


def cli_commands() -> list[str]:
    group = typer.main.get_command(app)
    assert hasattr(group, "commands"), "kg.cli.app should be a group of commands"
    return sorted(group.commands)


@pytest.mark.parametrize("name", cli_commands())
def test_readme_documents_every_command(name: str) -> None:
    commands = {s.command.split()[1] for s in KG_COMMANDS if len(s.command.split()) > 1}
    assert name in commands, f"README.md shows no '$ kg {name} ...' line; add one to the tour"
