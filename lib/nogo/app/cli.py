"""The ``nogo`` command: list, check, run, vary, build and open the casebook; coach and interview.

Every command takes ``--help``. It works from the project folder (or below it), or anywhere with
``NOGO_ROOT`` set to the project folder. What it prints fits 100 columns, with numbers formatted for
people (:mod:`nogo.app.terminal`).
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import yaml

from nogo.app.lab import VARIANTS, lab_command, open_in_lab, trust_notebooks
from nogo.app.terminal import fit, minute, parameters_text, shown_path, wrapped_table
from nogo.casebook.notebooks import NotebookResult, inside, run_many, writable_folder
from nogo.cases.project import Project
from nogo.errors import InputError, NogoError

__all__ = ["main"]


def _project() -> Project:
    try:
        return Project.find()
    except InputError as exc:
        raise click.ClickException(str(exc)) from None


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nogo")
def main() -> None:
    """No-Go: an executable casebook of AI-agent failures for product managers."""


@main.command("list")
def list_cases() -> None:
    """The cases, with domain, status and the PM concepts each trains."""
    from nogo.casebook.catalogue import case_table

    try:
        table = case_table(_project())
    except NogoError as exc:
        raise _fail(exc) from None
    if table.empty:
        click.echo("No cases yet: copy casebook/_template.yaml to start one (README: Add a case).")
        return
    click.echo(wrapped_table(table[["case", "domain", "status", "concepts"]], "concepts"))


@main.command()
def check() -> None:
    """Check the whole casebook; list every problem and exit non-zero if there is any.

    Every case file validates; every case has its notebook and its data; every notebook has a case
    file (or is one of the extra notebooks) and a cell tagged `parameters`; the data manifests match;
    the README's case table matches the case files.
    """
    from nogo.casebook.catalogue import problems

    project = _project()
    found = problems(project)
    for p in found:  # one line each, file:line first (editors jump to it); paths from the project folder
        click.echo(f"- {p}".replace(f"{project.root}{os.sep}", ""))
    if found:
        raise click.ClickException(f"{len(found)} problem(s) in the casebook")
    click.echo("casebook ok")


SEED = click.IntRange(0, 2**32 - 1)  # what numpy's seeding and the case files accept
JOBS = click.IntRange(1, 64)
PORT = click.IntRange(1, 65535)


def _parse_parameters(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """``-p NAME VALUE`` pairs, each VALUE read as plain YAML (no tags), finite numbers only."""
    out: dict[str, Any] = {}
    for name, text in pairs:
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or "not valid YAML"
            raise click.BadParameter(f"{name} {text!r}: {problem}", param_hint="-p") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise click.BadParameter(f"{name} {text!r}: expected a finite number", param_hint="-p")
        if not isinstance(value, str | int | float | bool):
            raise click.BadParameter(
                f"{name} {text!r}: expected a number, true/false or text, got {type(value).__name__}",
                param_hint="-p",
            )
        out[name] = value
    return out


def _out_folder(out: Path | None, default: Path, option: str = "--out") -> Path:
    try:
        return writable_folder(out or default, option)
    except NogoError as exc:
        raise _fail(exc) from None


def _check_notebook_parameters(project: Project, name: str, values: dict[str, Any]) -> dict[str, Any]:
    """Known names only: a case checks against its case file, another notebook against its cell."""
    if (project.casebook / f"{name}.yaml").exists():
        return project.case(name).check_parameters(values)
    import papermill as pm

    known = pm.inspect_notebook(str(project.notebooks / f"{name}.ipynb"))
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InputError(
            f"{name}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(known) or 'none'}"
        )
    return values


def _report(results: list[NotebookResult], root: Path | None = None) -> None:
    width = max(len(r.name) for r in results)
    click.echo("\n" + f"{'notebook':<{width}}  status  seconds  detail")
    for r in results:
        status = "ok" if r.ok else "FAILED"
        where = shown_path(r.output, root)
        detail = where if r.ok else (f"cell {r.cell}: " if r.cell is not None else "") + r.error
        click.echo(fit(f"{r.name:<{width}}  {status:<6}  {r.seconds:7.1f}  {detail}"))
    failed = [r for r in results if not r.ok]
    click.echo(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")


def _execute(project: Project, names: list[str], params: dict[str, dict], out: Path, jobs: int) -> bool:
    from tqdm import tqdm

    work = [(project.notebooks / f"{n}.ipynb", out / f"{n}.ipynb", params.get(n, {})) for n in names]
    with tqdm(total=len(work), desc="notebooks", unit="nb", file=sys.stderr) as bar:
        results = run_many(work, workers=jobs, cwd=project.notebooks, on_done=lambda r: bar.update())
    _report(results, project.root)
    return all(r.ok for r in results)


@main.command()
@click.argument("names", nargs=-1)
@click.option(
    "-p",
    "--parameter",
    "pairs",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Set a parameter (VALUE is read as YAML: 5000, 0.3, true, text). Repeatable.",
)
@click.option("--jobs", "-j", type=JOBS, default=1, show_default=True, help="Notebooks to run at once.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the executed notebooks [default: build/run].",
)
def run(names: tuple[str, ...], pairs: tuple[tuple[str, str], ...], jobs: int, out: Path | None) -> None:
    """Execute notebooks with papermill (all of them when NAMES is empty).

    A failing notebook is reported with its name, cell and error; the others still run; the exit code
    is non-zero if any failed. Unknown parameter names are an error.
    """
    project = _project()
    names = list(names) or project.notebook_names()
    values = _parse_parameters(pairs)
    try:
        for n in names:
            project.notebook(n)  # a notebook name, never a path
        params = {n: _check_notebook_parameters(project, n, values) for n in names}
    except NogoError as exc:
        raise _fail(exc) from None
    params = {n: {k: v for k, v in values.items()} for n in params}  # pass only what the user set
    folder = _out_folder(out, project.root / "build" / "run")
    if not _execute(project, names, params, folder, jobs):
        raise SystemExit(1)


@main.command()
@click.argument("case_id")
@click.option("--seed", type=SEED, required=True, help="The variant's seed: the same seed, the same variant.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Folder for the executed notebook [default: notebooks/{VARIANTS}, shown by JupyterLab].",
)
def variant(case_id: str, seed: int, out: Path | None) -> None:
    """Draw a parameter set from the case's variant ranges and execute it.

    The executed notebook goes to notebooks/variants/<case>-seed<N>.ipynb, which JupyterLab (nogo lab)
    shows as variants/<case>-seed<N>.ipynb; git and the test suites ignore that folder.
    """
    project = _project()
    try:
        values = project.case(case_id).variant(seed)
        notebook = project.notebook(case_id)
        if out is None:  # the default folder stays inside the project, even through a symlink
            inside(project.root, project.notebooks / VARIANTS)
    except NogoError as exc:
        raise _fail(exc) from None
    folder = _out_folder(out, project.notebooks / VARIANTS)
    try:
        target = inside(folder, folder / f"{case_id}-seed{seed}.ipynb")
    except NogoError as exc:
        raise _fail(exc) from None
    click.echo(fit(f"{case_id} variant {seed}: " + parameters_text(values)))
    from nogo.casebook.notebooks import execute

    result = execute(notebook, target, values, cwd=project.notebooks)
    _report([result], project.root)
    if not result.ok:
        raise SystemExit(1)
    trust_notebooks(target)  # we executed it: its charts show when it is opened
    click.echo(fit("\n" + open_in_lab(project, target)))


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the static casebook [default: build/site].",
)
@click.option("--jobs", "-j", type=JOBS, default=2, show_default=True, help="Notebooks to run at once.")
def build(out: Path | None, jobs: int) -> None:
    """Execute every notebook and write a static HTML casebook (open index.html; no server, no network)."""
    from nogo.casebook.site import build_site

    project = _project()
    folder = _out_folder(out, project.root / "build" / "site")
    with tempfile.TemporaryDirectory() as tmp:
        if not _execute(project, project.notebook_names(), {}, Path(tmp), jobs):
            raise SystemExit(1)
        index = build_site(project, Path(tmp), folder)
    click.echo(f"static casebook: {index}")


@main.command()
@click.argument("names", nargs=-1)
@click.option("--jobs", "-j", type=JOBS, default=2, show_default=True, help="Notebooks to run at once.")
def refresh(names: tuple[str, ...], jobs: int) -> None:
    """Re-execute notebooks in place at their defaults, so committed outputs are regenerated the same way."""
    project = _project()
    names = list(names) or project.notebook_names()
    try:
        for n in names:
            project.notebook(n)  # a notebook name, never a path
    except NogoError as exc:
        raise _fail(exc) from None
    with tempfile.TemporaryDirectory() as tmp:
        ok = _execute(project, names, {}, Path(tmp), jobs)
        if not ok:
            raise SystemExit(1)
        for n in names:
            shutil.copyfile(Path(tmp) / f"{n}.ipynb", project.notebooks / f"{n}.ipynb")
    click.echo(f"refreshed {len(names)} notebook(s) in {project.notebooks}")


@main.command()
@click.argument("case_ids", nargs=-1)
def data(case_ids: tuple[str, ...]) -> None:
    """Write the data snapshots and manifest of each case (all cases when none is named)."""
    from nogo.casebook.datasets import write_snapshots

    project = _project()
    try:
        cases = [project.case(c) for c in case_ids] if case_ids else project.cases()
        for case in cases:
            if case.data:
                click.echo(f"wrote {write_snapshots(case, project.data)}")
    except NogoError as exc:
        raise _fail(exc) from None


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Only say whether the README's table is current.")
def index(check_only: bool) -> None:
    """Write the README's case table from the case files."""
    from nogo.casebook.catalogue import readme_table_problems, write_readme_table

    project = _project()
    if check_only:
        found = readme_table_problems(project)
        if found:
            raise click.ClickException(found[0])
        click.echo("README case table is current")
        return
    write_readme_table(project)
    click.echo(f"wrote the case table in {project.root / 'README.md'}")


@main.command()
@click.option("--learner", required=True, help="Whose history to print.")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The progress store [default: $NOGO_DATA_DIR or the per-user data folder].",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every attempt, every column at full precision, to this CSV file.",
)
def progress(learner: str, store_path: Path | None, csv_path: Path | None) -> None:
    """Print a learner's practice history, what to practise next, and their track record.

    The table is for reading (compact dollars, percentages, minutes); --csv writes the raw attempts.
    """
    from nogo.practice.progress import ProgressStore, progress_path
    from nogo.practice.track_record import track_record

    path = progress_path(store_path)
    if not path.exists():
        raise click.ClickException(f"{path}: no progress store yet (answer a drill first)")
    try:
        with ProgressStore(path, read_only=True) as store:  # reading never creates or writes
            history = store.history(learner)
            suggestions = store.suggest_next(learner)
            attempts = store.attempts(learner)
            record = track_record(attempts, store.rubric_marks(learner), store.clock())
    except NogoError as exc:
        raise _fail(exc) from None
    if history.empty:
        click.echo(fit(f"{learner}: no attempts yet in {path}"))
        return
    click.echo(fit(f"{learner}: practice history ({path})") + "\n")
    click.echo(_history_table(history))
    if not suggestions.empty:
        click.echo("\nPractise next:")
        for row in suggestions.itertuples():
            what = row.dimension if row.kind == "rubric" else f"{row.case_id} / {row.drill}"
            what += f" / {row.item}" if row.kind == "review" else ""
            click.echo(fit(f"  {row.rank}. {what}: {row.reason}"))
    click.echo("\n" + fit(record.to_text()))  # calibration, regret per drill, rubric, what is due
    if csv_path is not None:
        try:
            attempts.to_csv(csv_path, index=False)
        except OSError as exc:
            raise click.ClickException(
                f"--csv {csv_path}: cannot write there ({exc.strerror or exc})"
            ) from None
        click.echo(fit(f"\nevery attempt, at full precision: {csv_path}"))


_HISTORY_HEADERS = {
    "case_id": "case", "drill": "drill", "attempts": "answers", "accuracy": "right",
    "total_regret_usd": "regret", "mean_regret_usd": "per answer", "mean_time_taken_seconds": "time each",
    "last_practised": "last (UTC)",
}  # fmt: skip


def _history_table(history: Any) -> str:
    """A learner's history as a narrow table a person reads: compact dollars, shares as percentages,
    durations, the last time practised to the minute (no scientific notation, no microseconds)."""
    from nogo.formatting import text_table

    return text_table(history[list(_HISTORY_HEADERS)], {"last_practised": minute}, headers=_HISTORY_HEADERS)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("lab_args", nargs=-1, type=click.UNPROCESSED)
def lab(lab_args: tuple[str, ...]) -> None:
    """Open JupyterLab on the start-here notebook (extra arguments go to JupyterLab).

    The file browser shows the cases, start-here, coaching and variants/ (nogo variant); it hides the
    templates (_*.ipynb), which authors copy with cp (README: Add a case).
    """
    project = _project()
    trust_notebooks(project.notebooks)  # saved charts show before the reader runs anything
    raise SystemExit(subprocess.call(lab_command(project, lab_args)))


def _serve(
    notebook: Path, port: int | None, ip: str, open_browser: bool, root: Path | None = None,
    token: str | None = None,
) -> int:  # fmt: skip
    """Run Voila on ``notebook``; a loud warning first when it is not bound to the loopback interface."""
    from nogo.app.coach import EXPOSURE_WARNING, is_loopback, voila_command

    try:
        notebook = Path(notebook).resolve()  # Voila runs in the notebook's folder
        cmd = voila_command(notebook, port=port, ip=ip, open_browser=open_browser, token=token)
    except NogoError as exc:
        raise _fail(exc) from None
    if not is_loopback(ip):
        click.secho(EXPOSURE_WARNING.format(ip=ip, port=port or 8866), fg="red", bold=True, err=True)
    env = dict(os.environ)
    if root is not None:
        env["NOGO_ROOT"] = str(root)
    host = f"[{ip}]" if ":" in ip else ip
    query = f"?token={token}" if token else ""
    click.echo(
        fit(f"serving {shown_path(notebook, root)} on http://{host}:{port or 8866}/{query} (Ctrl-C stops it)")
    )
    return subprocess.call(cmd, cwd=str(notebook.parent), env=env)


_PORT = click.option("--port", type=PORT, default=None, help="Port to serve on [default: Voila's, 8866].")
_IP = click.option(
    "--ip",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind. Anything but loopback lets anyone who can reach it run the notebook's code.",
)
_NO_BROWSER = click.option("--no-browser", is_flag=True, help="Do not open a browser.")
_TOKEN = click.option(
    "--token",
    default=None,
    envvar="NOGO_SERVE_TOKEN",
    help="Secret learners add as ?token=... (16+ characters); required with an --ip beyond loopback.",
)


@main.command()
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_PORT
@_IP
@_NO_BROWSER
@_TOKEN
def serve(notebook: Path, port: int | None, ip: str, no_browser: bool, token: str | None) -> None:
    """Serve NOTEBOOK in app mode (Voila): widgets and prose, no code.

    Binds 127.0.0.1 (this machine only) unless --ip names another interface.
    """
    try:
        root = _project().root
    except click.ClickException:
        root = None
    raise SystemExit(_serve(notebook, port, ip, not no_browser, root, token))


@main.command()
@click.argument("case_id")
@click.option("--learner", required=True, help="Who is practising (attempts are saved under this name).")
@click.option("--seed", type=SEED, default=None, help="The variant's seed [default: a fresh one, printed].")
@click.option(
    "--minutes", type=click.IntRange(1, 600), default=20, show_default=True, help="The session's time limit."
)
@click.option(
    "--drills",
    default="commit,stream,policy,signature,premortem,launch",
    show_default=True,
    help="Which drills to run.",
)
@_PORT
@_IP
@_NO_BROWSER
@_TOKEN
def coach(
    case_id: str, learner: str, seed: int | None, minutes: int, drills: str, port: int | None, ip: str,
    no_browser: bool, token: str | None,
) -> None:  # fmt: skip
    """Run a coaching session: execute a fresh variant of CASE_ID and serve it in app mode (Voila).

    The executed notebook goes to build/coaching/<learner>-<case>-<seed>.ipynb; its injected
    parameters cell carries the variant, so the served app runs the same one. Replay a session with
    the printed --seed.
    """
    import secrets

    from nogo.app.coach import check_exposure, claim_session_path, coaching_parameters
    from nogo.casebook.notebooks import execute

    project = _project()
    if not learner.strip():
        raise click.ClickException("--learner: expected a name, got an empty one")
    if seed is None:
        seed = secrets.randbelow(2**31)
    try:
        params = coaching_parameters(case_id, learner, seed, minutes, drills, project=project)
        values = project.case(case_id).variant(seed)
        check_exposure(ip, token)  # before the notebook runs: no token beyond loopback, no session
    except NogoError as exc:
        raise _fail(exc) from None
    click.echo(fit(f"{case_id} variant --seed {seed} (replay with it): " + parameters_text(values)))
    claimed = claim_session_path(project.root / "build" / "coaching", learner, params["case_id"], seed)
    if claimed.message:
        click.secho(claimed.message, fg="yellow", err=True)
    out = claimed.path
    result = execute(project.notebooks / "coaching.ipynb", out, params, cwd=project.notebooks)
    _report([result], project.root)
    if not result.ok:
        raise SystemExit(1)
    raise SystemExit(_serve(out, port, ip, not no_browser, project.root, token))


def _person(option: str, value: str, *, empty_ok: bool) -> str:
    """A name given on the command line: printable, at most 100 characters, surrounding spaces dropped."""
    name = value.strip()
    if (not name and not empty_ok) or len(name) > 100 or any(not c.isprintable() for c in name):
        raise click.BadParameter(
            f"expected a name of 1 to 100 printable characters, got {value[:100]!r}", param_hint=option
        )
    return name


@main.command()
@click.option("--seed", type=SEED, default=None, help="The interview's seed [default: a fresh one, printed].")
@click.option(
    "--case", "case_id", default=None, help="Interview on this case, its variant --seed [default: drawn]."
)
@click.option(
    "--learner", default="", help="Who is interviewed; rubric marks are saved under it [default: none]."
)
@click.option("--marked-by", default="coach", show_default=True, help="Who marks the rubric.")
@click.option(
    "--print", "print_sheet", is_flag=True, help="Print the interviewer's sheet instead of serving."
)
@_PORT
@_IP
@_NO_BROWSER
@_TOKEN
def interview(
    seed: int | None, case_id: str | None, learner: str, marked_by: str, print_sheet: bool, port: int | None,
    ip: str, no_browser: bool, token: str | None,
) -> None:  # fmt: skip
    """Run a mock interview in app mode (Voila), as nogo coach serves a session.

    The candidate reads the brief, types an answer to each question (the case's, then one per rubric
    dimension) and presses Reveal: each answer appears beside the weak and the strong pattern, and the
    rubric checklist takes the coach's marks (saved to the learner's track record with --learner).
    The case and its variant are drawn from --seed (printed, to replay), or --case names the case and
    --seed is its variant seed. With --print, print the interviewer's sheet (the brief, the questions,
    what a weak and a strong answer sound like) for an interview held aloud, and serve nothing.
    """
    import secrets

    import nbformat

    from nogo.app.coach import check_exposure, claim_session_path
    from nogo.app.interview import draw_interview, interview_notebook, interview_sheet
    from nogo.casebook.notebooks import execute

    project = _project()
    learner = _person("--learner", learner, empty_ok=True)
    marked_by = _person("--marked-by", marked_by, empty_ok=False)
    if seed is None:
        seed = secrets.randbelow(2**31)
    try:
        chosen = draw_interview(seed, case_id, project=project)
        if not print_sheet:
            check_exposure(ip, token)  # before anything runs: no token beyond loopback, no interview
    except NogoError as exc:
        raise _fail(exc) from None
    if print_sheet:
        click.echo(interview_sheet(chosen))
        return
    replay = f"--seed {seed}" + (f" --case {case_id}" if case_id else "")
    click.echo(
        fit(f"Mock interview on {chosen.case.id}, variant {chosen.variant_seed} (replay with {replay})")
    )
    claimed = claim_session_path(project.root / "build" / "interviews", learner, chosen.case.id, seed)
    if claimed.message:
        click.secho(fit(claimed.message), fg="yellow", err=True)
    params = {"learner": learner, "seed": seed, "case_id": case_id or "", "marked_by": marked_by}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "interview.ipynb"
        nbformat.write(interview_notebook(), source)
        result = execute(source, claimed.path, params, cwd=claimed.path.parent)
    _report([result], project.root)
    if not result.ok:
        raise SystemExit(1)
    raise SystemExit(_serve(claimed.path, port, ip, not no_browser, project.root, token))


if __name__ == "__main__":  # pragma: no cover
    main()
