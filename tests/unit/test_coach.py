"""Coaching sessions: parameters, the drills' inputs per case, the countdown, the reveal, the Voila command."""

from __future__ import annotations

import ast
import hashlib
import html
import json
import os
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import nogo
from nogo.app import coach, serve
from nogo.app.cli import main
from nogo.errors import InputError
from nogo.models.policy_model import evaluate_policy, prepare_policy_log
from nogo.models.policy_optimum import naive_settings, optimal_policy
from tests.conftest import case_ids

ROOT = Path(__file__).resolve().parents[2]
PROJECT = nogo.Project(ROOT)
CASES = tuple(case_ids(PROJECT))


# --------------------------------------------------------------------------- parameters
def test_same_seed_same_parameters_and_variant():
    case = PROJECT.case("loan-steering")
    a = coach.coaching_parameters(case, "ana", 5, 20, "stream,policy", project=PROJECT)
    b = coach.coaching_parameters("loan-steering", "ana", 5, 20, ["policy", "stream"], project=PROJECT)
    assert a == b == {
        "learner": "ana", "case_id": "loan-steering", "seed": 5, "minutes": 20, "drills": "stream,policy"
    }  # fmt: skip
    assert case.variant(a["seed"]) == case.variant(b["seed"])


def test_different_seeds_different_parameters_and_variants():
    case = PROJECT.case("pricing-feedback-loop")
    params = [coach.coaching_parameters(case, "ana", s, project=PROJECT) for s in (1, 2, 3)]
    assert len({p["seed"] for p in params}) == 3
    variants = [json.dumps(case.variant(p["seed"]), sort_keys=True) for p in params]
    assert len(set(variants)) == 3  # the notebook draws a different variant for each


def test_unknown_case_and_bad_settings_are_input_errors():
    known = re.escape(", ".join(CASES))  # whichever cases the casebook holds
    with pytest.raises(InputError, match=rf"no-such-case: no case file .* known cases: {known}$"):
        coach.coaching_parameters("no-such-case", "ana", 1, project=PROJECT)
    case = PROJECT.case("loan-steering")
    with pytest.raises(
        InputError, match=r"drills: unknown drill\(s\) quiz; expected some of commit, stream, policy"
    ):
        coach.coaching_parameters(case, "ana", 1, 20, "stream,quiz")
    with pytest.raises(InputError, match="drills: expected at least one"):
        coach.coaching_parameters(case, "ana", 1, 20, " , ")
    with pytest.raises(InputError, match=r"seed: expected a whole number >= 0, got -1"):
        coach.coaching_parameters(case, "ana", -1)
    with pytest.raises(InputError, match=r"minutes: expected a whole number of minutes from 1 to 240, got 0"):
        coach.coaching_parameters(case, "ana", 1, 0)
    with pytest.raises(InputError, match="learner: expected a name"):
        coach.coaching_parameters(case, "a\nb", 1)


def _tag(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def test_session_filename_is_safe():
    name = coach.session_filename("../../etc/passwd", "loan-steering", 3)
    assert "/" not in name and name == f"etc-passwd-{_tag('../../etc/passwd')}-loan-steering-3.ipynb"
    assert coach.session_filename("", "x", 1) == f"anyone-{_tag('')}-x-1.ipynb"


HOSTILE_NAMES = [
    "李雷", "王芳", "Ana", "ana", "ANA", " ana", "..", ".", "...", "/", "\\", "-", "ana/..", ".ana", "~",
    "Ana María / PM", "Ana Maria PM", "e\u0301", "\u00e9", "\uff45", "💥", "🙂", "x" * 100, "x" * 99 + "y",
    "nul\u200b", "nul", "CON", "a:b", "a*b?", "\u202eevil", "ῼ", "ß", "ss",
]  # fmt: skip


def test_session_filename_is_unique_per_learner_and_safe():
    """Issue 16, item 1: 李雷 and 王芳 (and Ana and ana) once shared anyone-/ana- notebooks."""
    saved = {n.strip() for n in HOSTILE_NAMES}  # coaching_parameters strips: attempts are saved so
    names = {n: coach.session_filename(n, "loan-steering", 5) for n in HOSTILE_NAMES}
    assert len({names[n] for n in HOSTILE_NAMES}) == len(saved)
    assert names["李雷"] != names["王芳"] and names["Ana"] != names["ana"]
    assert names[" ana"] == names["ana"]  # the same learner in the store
    for learner, name in names.items():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*-[0-9a-f]{8}-loan-steering-5\.ipynb", name), (learner, name)
        assert len(name) <= 90 and "/" not in name and "\\" not in name and not name.startswith(".")
        assert f"-{_tag(learner.strip())}-" in name
    assert names["Ana María / PM"].startswith("ana-maria-pm-")  # readable
    assert names["李雷"].startswith("learner-")


def test_claim_session_path_never_reuses_an_earlier_notebook(tmp_path):
    first = coach.claim_session_path(tmp_path / "coaching", "李雷", "loan-steering", 5)
    assert first.path.name == coach.session_filename("李雷", "loan-steering", 5) and first.taken is None
    first.path.write_text("first session")
    again = coach.claim_session_path(tmp_path / "coaching", "李雷", "loan-steering", 5)
    assert again.path != first.path and again.taken == first.path
    assert again.path.name == first.path.name.replace("-5.ipynb", "-5-2.ipynb")
    assert again.path.exists() and first.path.read_text() == "first session"  # claimed, nothing replaced
    third = coach.claim_session_path(tmp_path / "coaching", "李雷", "loan-steering", 5)
    assert third.path.name.endswith("-5-3.ipynb") and third.taken == first.path
    assert "already holds an earlier session" in third.message and first.path.name in third.message
    other = coach.claim_session_path(tmp_path / "coaching", "王芳", "loan-steering", 5)
    assert other.taken is None and other.message == ""


# --------------------------------------------------------------------------- drill inputs
@pytest.fixture(scope="module")
def inputs():
    out = {}
    for case_id in CASES:
        case = PROJECT.case(case_id)
        out[case_id] = (case, coach.case_drill_inputs(case, case.defaults(), data_root=PROJECT.data))
    return out


def _printed(notebook: str) -> str:
    """What a notebook's code cells show as text: printed lines, and the plain text of displayed prose
    (a case's reader-mode sentences are displayed, not printed)."""
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    texts = [o.get("text") or o.get("data", {}).get("text/plain", "") for o in outputs]
    return "\n".join("".join(t) if isinstance(t, list) else t for t in texts)


@pytest.mark.parametrize("case_id", CASES)
def test_drill_inputs_have_the_log_columns_and_matching_costs(inputs, case_id):
    _, (log, p, costs, days) = inputs[case_id]
    assert {"score", "outcome", "value_usd"} <= set(log.columns)
    assert len(p) == len(log) and np.all((p >= 0) & (p <= 1))
    expected = costs.expected(p)
    assert expected.shape == (len(log), 3) and np.isfinite(expected).all()
    assert costs.realised(log["outcome"].to_numpy(bool)).shape == (len(log), 3)
    assert days > 0


def test_drill_inputs_match_what_the_case_notebooks_print(inputs):
    """Independent: the committed case notebooks' own printed sizes, from their own construction."""
    log, _, _, days = inputs["loan-steering"][1]
    n = int(re.search(r"([\d,]+) offers in the decision log", _printed("loan-steering"))[1].replace(",", ""))
    assert len(log) == n and days == 30
    log, p, _, days = inputs["pricing-feedback-loop"][1]
    m = re.search(r"([\d,]+) SKUs over (\d+) days", _printed("pricing-feedback-loop"))
    assert len(log) == int(m[1].replace(",", "")) and days == int(m[2])
    np.testing.assert_array_equal(p, log["score"])  # the pricing agent's score is its calibrated p
    case, (log, *_rest) = inputs["resume-proxy-bias"]
    assert len(log) == case.parameters["n_applicants"].default  # one decision per applicant


def test_drill_inputs_follow_the_variant():
    case = PROJECT.case("pricing-feedback-loop")
    variant = case.variant(1)
    log = coach.case_drill_inputs(case, variant, data_root=PROJECT.data).log
    assert len(log) == variant["n_skus"] != case.parameters["n_skus"].default


def test_drill_inputs_need_a_case_file():
    with pytest.raises(InputError, match=r"case: expected a nogo\.CaseFile"):
        coach.case_drill_inputs("loan-steering", {})


# --------------------------------------------------------------------------- countdown
def test_countdown_state_follows_the_play_value():
    c = coach.Countdown(20)
    assert (c.play.max, c.play.interval, c.play.value) == (1200, 1000, 0)
    assert c.text == "20:00 left" and "20:00 left" in c.label.value and not c.time_up
    c.play.value = 61
    assert c.remaining_seconds == 1139 and c.text == "18:59 left" and "18:59" in c.label.value
    c.play.value = 1200
    assert c.time_up and c.text == "Time is up" and "Time is up" in c.label.value
    # the bar is driven in the browser by jsdlink from the play widget's value
    assert c.link.source == (c.play, "value") and c.link.target == (c.bar, "value")
    assert c.bar.max == 1200
    with pytest.raises(InputError, match="minutes: expected a whole number of minutes from 1 to 240"):
        coach.Countdown(0)


def test_countdown_says_under_the_clock_whether_it_runs_and_saves_no_stale_line():
    c = coach.Countdown(2)
    assert "Not started: press play" in c.status_html.value
    assert c.summary_text() == "Countdown: 2 minutes; 02:00 left (not started)"
    c.play.playing = True  # the browser's play button
    c.play.value = 5
    assert "Running" in c.status_html.value and c.summary_text() == "Countdown: 2 minutes; 01:55 left (running)"
    c.play.playing = False
    assert "Paused: press play to resume" in c.status_html.value
    c.play.value = 120
    assert "Time is up" in c.status_html.value and "Time is up" in c.summary_text()
    fallback = coach.Countdown(1)._repr_mimebundle_()  # what a saved notebook keeps: no clock state
    assert fallback["text/plain"] == "Countdown: 1 minute for this session; press play to start it."
    assert "VBox(" not in fallback["text/plain"] and not coach.Countdown(1).play.show_repeat


@given(st.integers(min_value=0, max_value=10_000))
def test_format_mmss_against_divmod(seconds):
    minutes, rest = divmod(seconds, 60)
    assert coach.format_mmss(seconds) == f"{minutes:02d}:{rest:02d}"


# --------------------------------------------------------------------------- reveal
def test_reveal_is_hidden_until_clicked_and_beats_the_naive_rule(inputs, capsys):
    case, drill_inputs = inputs["pricing-feedback-loop"]
    reveal = coach.Reveal(case, drill_inputs)
    assert not reveal.revealed and reveal.optimum is None
    assert "launch call" not in reveal.summary_text() and "Agent Impact" not in reveal.html.value
    assert "Hidden until the session ends" in reveal.html.value  # the widget says what its state is
    reveal.button.click()
    assert reveal.revealed and reveal.button.disabled
    answer = case.call_for(case.defaults())
    assert "Agent Impact Contract" in reveal.html.value and "Hidden until" not in reveal.html.value
    assert f"The launch call for this variant: {answer.call}" in reveal.text
    assert str(answer.debrief).strip()[:60] in reveal.text
    assert "Optimal policy for this variant" in reveal.text
    assert "optimal policy for this variant" in reveal.html.value
    assert reveal.summary_text() == reveal.text  # its summary follows the reveal, never a stale "hidden"
    assert capsys.readouterr().out == ""  # the answer is on the page, not printed beside it
    log, p, costs, days = drill_inputs
    prep = prepare_policy_log(log, p, costs, days=days, assumptions=reveal.assumptions)
    naive = evaluate_policy(prep, naive_settings(prep, case.drill.naive_confidence))
    assert reveal.optimum.feasible and (not naive.feasible or reveal.optimum.cost_usd <= naive.cost_usd)


def test_the_reveals_optimum_keeps_the_cases_hard_rules():
    """The coaching reveal's optimal policy is the one the policy drill scores against: on a case that
    forbids rejecting alone on every decision, it declines nobody (before, it was the unconstrained
    optimum). The case is found from the casebook: the first whose decline rule binds the whole log."""
    built = {c.id: (c, nogo.open_case(c, PROJECT.data).build()) for c in PROJECT.cases()}
    case, data = next(
        v for v in built.values() if any(r.forbids == "decline" and r.applies.all() for r in v[1].hard_rules)
    )
    inputs = coach.DrillInputs(data.log, data.p, data.costs, data.days)
    reveal = coach.Reveal(case, inputs, assumptions=data.desk)
    reveal.reveal()
    prep = prepare_policy_log(data.log, data.p, data.costs, days=data.days, assumptions=data.desk)
    assert optimal_policy(prep).n_decline > 0  # the rule binds: without it the optimum rejects alone
    assert reveal.optimum.n_decline == 0


def test_report_button_writes_the_session_report(tmp_path, monkeypatch):
    import datetime as dt

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 11, 3, 12, 30, tzinfo=dt.UTC)

    monkeypatch.setattr("nogo.app.report.datetime", Frozen)  # every click in the same second
    store = nogo.ProgressStore(path=tmp_path / "p.sqlite3")
    button = coach.ReportButton(
        store, learner="ana", case_id="loan-steering", variant_seed=7, out_dir=tmp_path / "reports"
    )
    assert "No session report written yet" in button.html.value  # the widget says where it stands
    assert "VBox(" not in button._repr_mimebundle_()["text/plain"]  # a saved notebook: words, not a repr
    button.button.click()  # no attempt yet: an error shown, nothing written
    assert button.paths is None and "no attempts" in button.error
    assert html.escape(button.error) in button.html.value  # shown, escaped
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())
    store.record_attempt(
        learner="ana", case_id="loan-steering", variant_seed=7, drill="stream", item="decision-1",
        choice="act", cost_usd=120.0, optimal_choice="escalate", optimal_cost_usd=15.0, time_taken_seconds=3.0,
    )  # fmt: skip
    button.button.click()
    assert button.error is None and button.paths.html_path.exists()
    rows = button.paths.csv_path.read_text(encoding="utf-8").strip().splitlines()
    assert len(rows) == 2 and "decision-1" in rows[1]  # header and the one attempt
    first = button.paths
    with pytest.warns(UserWarning, match="already exists"):
        button.write()  # the same second: a new name, the earlier report kept
    assert button.paths.html_path != first.html_path and button.paths.taken == first.html_path
    assert "already held an earlier report" in button.html.value
    with pytest.raises(InputError, match=r"store: expected a nogo\.ProgressStore"):
        coach.ReportButton(None, learner="ana", case_id="x", variant_seed=1, out_dir=tmp_path)


# --------------------------------------------------------------------------- serving
def test_voila_command_binds_loopback_by_default():
    cmd = coach.voila_command("a.ipynb", port=9000, python="py")
    assert cmd[:3] == ["py", str(serve.VOILA_LAUNCHER), "a.ipynb"]
    assert "--Voila.ip=127.0.0.1" in cmd and "--no-browser" in cmd and "--port=9000" in cmd
    assert "--strip_sources=True" in cmd
    assert "--Voila.ip=192.168.1.5" in coach.voila_command("a.ipynb", ip="192.168.1.5", token=TOKEN)
    assert "--no-browser" not in coach.voila_command("a.ipynb", open_browser=True)
    with pytest.raises(InputError, match="port: expected a port number from 1 to 65535, got 70000"):
        coach.voila_command("a.ipynb", port=70000)
    with pytest.raises(InputError, match="ip: expected an address"):
        coach.voila_command("a.ipynb", ip="1.2.3.4 --evil")


TOKEN = "s3cret-token-for-tests-only"


def _settings(cmd: list[str]) -> dict:
    [arg] = [a for a in cmd if a.startswith("--Voila.tornado_settings=")]
    return ast.literal_eval(arg.split("=", 1)[1])  # traitlets reads a Python literal


def _voila_page(template: str, name: str, monkeypatch) -> str:
    """Voila's page ``name`` rendered as Voila renders it, with ``template`` and No-Go's templates found."""
    import jinja2
    from voila.paths import collect_template_paths
    from voila.utils import create_include_assets_functions

    from nogo.app.voila_app import jupyter_path

    monkeypatch.setenv("JUPYTER_PATH", jupyter_path(os.environ.get("JUPYTER_PATH")))
    paths = collect_template_paths(["voila", "nbconvert"], template, prune=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths), extensions=["jinja2.ext.i18n"], autoescape=True
    )
    env.install_null_translations(newstyle=False)
    url = "http://127.0.0.1:8866/"
    assets = create_include_assets_functions(template, url)
    return env.get_template(name).render(open_url=url, base_url=url, theme="light", **assets)


OFF_MACHINE = re.compile(r"<(?:link|script)[^>]+(?:href|src)=[\"'](?:https?:)?//(?!127\.0\.0\.1)")


def test_voila_pages_link_nothing_off_the_machine(monkeypatch):
    """The page that opens the browser (and Voila's error and folder pages, which share its frame) links
    no stylesheet from a CDN with No-Go's template; Voila's own lab template does (Font Awesome)."""
    ours = _voila_page(serve.VOILA_TEMPLATE, "browser-open.html", monkeypatch)
    assert "Opening" in ours and "static/index.css" in ours and not OFF_MACHINE.search(ours), ours
    voilas = _voila_page("lab", "browser-open.html", monkeypatch)
    assert OFF_MACHINE.search(voilas) and "font-awesome" in voilas  # what the override removes
    index = (serve.VOILA_LAUNCHER.parent / "jupyter/voila/templates/nogo/index.html.j2").read_text()
    assert "{%- extends 'voila/templates/lab/index.html.j2' -%}" in index  # the app page: lab's, filtered


def test_voila_command_allows_only_loopback_hosts_by_default():
    """Issue 16, item 4: Voila ran with no Host check (DNS rebinding reached the kernel)."""
    cmd = coach.voila_command("a.ipynb", port=9000, python="py")
    settings = _settings(cmd)
    assert settings["allow_remote_access"] is False  # jupyter_server's own Host check, on
    assert settings["local_hostnames"] == ["localhost"]  # plus every loopback address, by that check
    assert not any(a.startswith(("--Voila.token", "--Voila.identity_provider_class")) for a in cmd)
    v6 = _settings(coach.voila_command("a.ipynb", ip="::1"))
    assert v6["allow_remote_access"] is False and v6["local_hostnames"] == ["localhost"]


def test_voila_command_refuses_beyond_loopback_without_a_token():
    for ip in ("0.0.0.0", "192.168.1.5", "::", "box.lan"):
        with pytest.raises(InputError, match=r"token: serving on .* needs a token.*--token"):
            coach.voila_command("a.ipynb", ip=ip)
        with pytest.raises(InputError, match="token: expected"):
            coach.voila_command("a.ipynb", ip=ip, token="short")
        with pytest.raises(InputError, match="token: expected"):
            coach.voila_command("a.ipynb", ip=ip, token=TOKEN + " --evil")
    for ip in ("0.0.0.0", "::"):  # every interface: no Host name to allow but loopback ones
        with pytest.raises(InputError, match=r"ip: .* listens on every interface.*--ip 192\.168\.1\.5"):
            coach.voila_command("a.ipynb", ip=ip, token=TOKEN)
    named = coach.voila_command("a.ipynb", ip="box.lan", token=TOKEN)
    assert f"--Voila.token={TOKEN}" in named
    assert _settings(named) == {"allow_remote_access": False, "local_hostnames": ["localhost", "box.lan"]}
    lan = coach.voila_command("a.ipynb", ip="192.168.1.5", token=TOKEN)
    assert f"--Voila.token={TOKEN}" in lan
    assert "--Voila.identity_provider_class=nogo.app.serve.HostAllowlistIdentityProvider" in lan
    assert _settings(lan) == {
        "allow_remote_access": True,  # jupyter_server would refuse any non-loopback address: ours checks
        "nogo_allowed_hosts": ["localhost", "127.0.0.1", "::1", "192.168.1.5"],
    }
    # a token on loopback is fine too
    assert f"--Voila.token={TOKEN}" in coach.voila_command("a.ipynb", token=TOKEN)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [("127.0.0.1:8866", True), ("localhost:8866", True), ("LOCALHOST", True), ("[::1]:8866", True),
     ("192.168.1.5:8866", True), ("192.168.1.5", True), ("evil.example", False), ("evil.example:8866", False),
     ("127.0.0.1.evil.example", False), ("192.168.1.50:8866", False), ("", False), ("[::2]:1", False),
     ("localhost.", False), ("10.0.0.1", False)],
)  # fmt: skip
def test_host_allowed(host, allowed):
    hosts = ["localhost", "127.0.0.1", "::1", "192.168.1.5"]
    assert coach.host_allowed(host, hosts) is allowed


def test_host_allowlist_identity_provider_refuses_a_forged_host():
    from tornado import web

    class Request:
        host = "evil.example:8866"

    class Handler:
        request = Request()
        settings: ClassVar[dict] = {"nogo_allowed_hosts": ["localhost", "127.0.0.1", "::1", "192.168.1.5"]}

    provider = serve.HostAllowlistIdentityProvider(token="")
    with pytest.raises(web.HTTPError) as refused:
        provider.get_user(Handler())
    assert refused.value.status_code == 403


@pytest.mark.parametrize(
    ("ip", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("192.168.1.5", False), ("::", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(ip, loopback):
    assert coach.is_loopback(ip) is loopback


def test_serve_and_coach_help():
    runner = CliRunner()
    serve = runner.invoke(main, ["serve", "--help"])
    assert serve.exit_code == 0 and "127.0.0.1" in serve.output and "--no-browser" in serve.output
    coach_help = runner.invoke(main, ["coach", "--help"])
    assert coach_help.exit_code == 0 and "--learner" in coach_help.output and "127.0.0.1" in coach_help.output


@pytest.fixture
def calls(monkeypatch):
    seen: list[list[str]] = []
    monkeypatch.setattr("nogo.app.cli.subprocess.call", lambda cmd, **kw: seen.append(cmd) or 0)
    monkeypatch.setenv("NOGO_ROOT", str(ROOT))
    return seen


def test_serve_passes_an_absolute_notebook_path(calls, monkeypatch):
    """Voila runs in the notebook's folder, so a relative path must be resolved first (a bug once)."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["serve", "notebooks/coaching.ipynb", "--no-browser"])
    assert result.exit_code == 0, result.output
    assert calls[-1][2] == str(ROOT / "notebooks" / "coaching.ipynb")  # after python and the launcher


def test_serve_is_loopback_unless_the_ip_flag_says_otherwise(calls):
    nb = str(ROOT / "notebooks" / "coaching.ipynb")
    quiet = CliRunner().invoke(main, ["serve", nb, "--port", "9999", "--no-browser"])
    assert quiet.exit_code == 0, quiet.output
    assert (
        "--Voila.ip=127.0.0.1" in calls[-1] and "--port=9999" in calls[-1] and "WARNING" not in quiet.output
    )
    before = len(calls)
    refused = CliRunner().invoke(main, ["serve", nb, "--ip", "0.0.0.0", "--no-browser"])
    assert refused.exit_code != 0 and len(calls) == before  # no token: nothing served (issue 16, item 4)
    assert "needs a token" in refused.output and "--token" in refused.output


def test_coach_executes_the_variant_then_serves_it(calls, monkeypatch, tmp_path):
    ran = {}

    def fake_execute(notebook, output, parameters, **kw):
        ran.update(notebook=Path(notebook), output=Path(output), parameters=parameters)
        return nogo.casebook.notebooks.NotebookResult("coaching", True, 0.0, Path(output), parameters)

    monkeypatch.setattr("nogo.casebook.notebooks.execute", fake_execute)
    result = CliRunner().invoke(
        main,
        ["coach", "loan-steering", "--learner", "Ana", "--seed", "4", "--drills", "launch", "--no-browser"],
    )
    assert result.exit_code == 0, result.output
    assert "--seed 4" in result.output
    assert ran["notebook"].name == "coaching.ipynb"
    assert ran["output"].name == coach.session_filename("Ana", "loan-steering", 4)
    assert ran["parameters"] == {
        "learner": "Ana", "case_id": "loan-steering", "seed": 4, "minutes": 20, "drills": "launch"
    }  # fmt: skip
    assert str(ran["output"]) in calls[-1] and "--Voila.ip=127.0.0.1" in calls[-1]
    ran["output"].unlink()  # the claimed (empty) notebook: the next run gets the plain name again
    bad = CliRunner().invoke(main, ["coach", "loan-steering", "--learner", "Ana", "--drills", "quiz"])
    assert bad.exit_code != 0 and "unknown drill(s) quiz" in bad.output
    unknown = CliRunner().invoke(main, ["coach", "nope", "--learner", "Ana", "--seed", "1"])
    assert unknown.exit_code != 0 and "nope: no case file" in unknown.output


def test_coach_widgets_are_safe_from_maths_typesetting(inputs, tmp_path, capsys):
    from nogo.formatting import html_dollars

    safe = '<div class="mathjax_ignore tex2jax_ignore">'
    case, drill_inputs = inputs["pricing-feedback-loop"]  # its prompt and debrief carry dollar amounts
    reveal = coach.Reveal(case, drill_inputs)
    assert reveal.html.value.startswith(safe)
    reveal.button.click()
    assert reveal.html.value.startswith(safe) and html_dollars(reveal.html.value) == 0
    assert coach.Countdown(minutes=1).label.value.startswith(safe)
    button = coach.ReportButton(
        nogo.ProgressStore(path=tmp_path / "p.sqlite3"), learner="ana", case_id="x", variant_seed=1,
        out_dir=tmp_path / "reports",
    )  # fmt: skip
    button.button.click()
    assert button.error and button.html.value.startswith(safe)


def test_serve_beyond_loopback_needs_a_token(calls):
    nb = str(ROOT / "notebooks" / "coaching.ipynb")
    token = "a-token-of-16-chars-or-more"
    ok = CliRunner().invoke(main, ["serve", nb, "--ip", "192.168.1.5", "--token", token, "--no-browser"])
    assert ok.exit_code == 0, ok.output
    assert "--Voila.ip=192.168.1.5" in calls[-1] and f"--Voila.token={token}" in calls[-1]
    assert "WARNING" in ok.output and f"?token={token}" in ok.output
    before = len(calls)
    short = CliRunner().invoke(main, ["serve", nb, "--ip", "192.168.1.5", "--token", "short", "--no-browser"])
    assert short.exit_code != 0 and "token: expected" in short.output and len(calls) == before


def test_coach_refuses_beyond_loopback_before_running_and_never_reuses_a_notebook(calls, monkeypatch):
    ran = []

    def fake_execute(notebook, output, parameters, **kw):
        ran.append(Path(output))
        return nogo.casebook.notebooks.NotebookResult("coaching", True, 0.0, Path(output), parameters)

    monkeypatch.setattr("nogo.casebook.notebooks.execute", fake_execute)
    args = ["coach", "loan-steering", "--learner", "李雷", "--seed", "5", "--drills", "launch", "--no-browser"]  # fmt: skip
    refused = CliRunner().invoke(main, [*args, "--ip", "192.168.1.5"])
    assert refused.exit_code != 0 and "needs a token" in refused.output and not ran
    try:
        first = CliRunner().invoke(main, args)
        other = CliRunner().invoke(main, [*args[:3], "王芳", *args[4:]])
        again = CliRunner().invoke(main, args)
        assert first.exit_code == other.exit_code == again.exit_code == 0, again.output
        assert len(set(ran)) == 3  # 李雷, 王芳, 李雷 again: three notebooks, none reused
        assert "already holds an earlier session" in again.output and ran[0].name in again.output
    finally:
        for path in ran:
            path.unlink(missing_ok=True)


def test_the_reveal_gives_the_call_the_variant_reaches(inputs):
    """A case whose calls flip on a varied parameter: the reveal's call, debrief and guardrails follow."""
    for case_id in CASES:
        case, drill_inputs = inputs[case_id]
        variants = [case.variant(seed) for seed in range(20)]
        answers = {case.call_for(v).call: v for v in variants}
        for call, variant in answers.items():
            reveal = coach.Reveal(case, drill_inputs, parameters=variant)
            reveal.reveal()
            answer = case.call_for(variant)
            assert answer.call == call and f"The launch call for this variant: {call}" in reveal.text
            assert str(answer.debrief).strip()[:60] in reveal.text
            keys = "; ".join(answer.key_guardrails) or "none"
            assert f"Key guardrails: {keys}" in reveal.text


def test_a_session_offers_the_commit_the_signature_and_the_premortem_beside_the_three_drills():
    assert coach.DRILLS == ("commit", "stream", "policy", "signature", "premortem", "launch")
    case = PROJECT.case("loan-steering")
    params = coach.coaching_parameters(case, "ana", 2, 20, project=PROJECT)
    assert params["drills"] == "commit,stream,policy,signature,premortem,launch"
    assert coach.parse_drills("premortem, signature") == ("signature", "premortem")
    assert coach.parse_drills("launch,commit") == ("commit", "launch")


def test_the_session_report_records_the_commit_the_signature_drill_and_the_premortem(tmp_path):
    case = PROJECT.case("template")
    variant = case.variant(3)
    store = nogo.ProgressStore(path=tmp_path / "p.sqlite3")
    who = {"store": store, "learner": "ana", "variant_seed": 3}
    nogo.CommitCall(case, variant, **who).commit("no-go", 0.7)
    built = nogo.open_case(case, PROJECT.data).build(variant)
    signature = nogo.SignatureDrill(nogo.open_case(case).signature_task(built), case_id=case.id, **who)
    signature.set({lever.name: "escalate" for lever in signature.task.levers})
    score = signature.submit()
    premortem = nogo.Premortem(case, **who)
    premortem.run_scripted([m.name for m in case.ranked_failure_modes])
    button = coach.ReportButton(store, learner="ana", case_id=case.id, variant_seed=3, out_dir=tmp_path / "r")
    button.write()
    assert button.error is None, button.error
    page = button.paths.html_path.read_text(encoding="utf-8")
    summary = page[page.index("Summary by drill") : page.index("Every attempt")]
    for drill in ("commit", "signature", "premortem"):
        assert f"<td>{drill}</td>" in summary, drill
    attempts = store.attempts("ana")
    assert sorted(attempts["drill"]) == ["commit", "premortem", "signature"]
    row = attempts.set_index("drill").loc["signature"]
    assert row["regret_usd"] == pytest.approx(score.regret_usd)
    assert attempts.set_index("drill").loc["commit", "confidence"] == 0.7
