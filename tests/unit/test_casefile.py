"""Case files: the template validates; every kind of bad file is named with its field and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nogo
from nogo import CaseFileError, InputError, load_case

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "tests" / "unit" / "data" / "template.yaml").read_text(encoding="utf-8")  # frozen


def _write(tmp_path: Path, text: str, name: str = "template") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_template_validates_and_carries_every_part(tmp_path):
    case = load_case(_write(tmp_path, TEMPLATE))
    assert case.id == "template"
    assert set(type(case.rubric).model_fields) == set(nogo.RUBRIC_DIMENSIONS)
    assert case.parameters["seed"].default == 20240214
    contract = case.agent_impact_contract()
    assert contract.autonomy_level == "approval"
    assert load_case(ROOT / "casebook" / "_template.yaml").id == "template"  # _name.yaml carries the id


@pytest.mark.parametrize(
    ("old", "new", "path", "needle", "message"),
    [
        ('date: "2024-02-14"', 'date: "14 Feb 2024"', "sources[0].date", "date:", r"String should match pattern .*got '14 Feb 2024'"),
        ("domain: example domain", "domian: example domain", "domian", "domian:", r"unknown field 'domian'\n\S+template.yaml:6: domain: missing required field$"),
        ("    source: S1", "    source: S9", "published_figures[0].source", "source: S9", r"'S9' is not a source id; known: S1"),
        ("n_decisions: {default: 5000,", "n_decisions: {default: 50000,", "parameters.n_decisions", "n_decisions:", r"default 50000 is outside the variant range \[2000, 20000\]"),
        ("status: draft ", "status: final ", "status", "status:", r"Input should be 'draft' or 'ready', got 'final'"),
        ("  seed: {default", "  sede: {default", "parameters", "parameters:", r"every case needs a 'seed' parameter"),
        ("    error_budget: 0.01", "    error_budget: 1.5", "contract.promotion_gate.error_budget", "error_budget: 1.5", r"expected a number strictly between 0 and 1, got 1\.5"),
        ("    tolerance: 0.001 ", "    tolerance: -0.1 ", "published_figures[0].tolerance", "tolerance:", r"greater than or equal to 0"),
        ("  case_id: {default: template,", "  case_id: {default: other,", "parameters.case_id", "case_id:", r"default must be the case id 'template', got 'other'"),
        ("    status: SEEN ", "    status: DERIVED ", "published_figures[0]", "- name: textbook_cut", r"a DERIVED figure needs a 'derivation'"),
        ("    kind: reproduced ", "    kind: echoed ", "published_figures[0].kind", "kind: echoed", r"Input should be 'reproduced', 'input' or 'consistency', got 'echoed'"),
    ],
)
def test_bad_fields_name_file_path_and_line(tmp_path, old, new, path, needle, message):
    assert old in TEMPLATE
    text = TEMPLATE.replace(old, new, 1)
    file = _write(tmp_path, text)
    with pytest.raises(CaseFileError, match=message) as info:
        load_case(file)
    err = info.value
    assert err.source == str(file)
    assert err.path == path
    assert err.line == _line_of(text, needle)
    assert str(err).startswith(f"{file}:{err.line}: {path}: ")


def test_not_yaml_and_unsafe_yaml_are_refused_with_lines(tmp_path):
    with pytest.raises(CaseFileError, match=r"template.yaml:2: not valid YAML"):
        load_case(_write(tmp_path, "id: template\ntitle: [unclosed\n"))
    # Safe loading: a python tag is an error, nothing is constructed or run.
    marker = tmp_path / "ran"
    unsafe = f"id: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(CaseFileError, match=r"template.yaml:1: id: tag !!python/object/apply:os.system is not allowed"):
        load_case(_write(tmp_path, unsafe))
    assert not marker.exists()
    with pytest.raises(CaseFileError, match=r"template.yaml:1: expected a mapping of fields, got a list"):
        load_case(_write(tmp_path, "- a\n- b\n"))
    with pytest.raises(CaseFileError, match=r"missing.yaml: no such file"):
        load_case(tmp_path / "missing.yaml")


def test_id_must_match_the_file_name(tmp_path):
    with pytest.raises(CaseFileError, match=r"other.yaml:6: id: must match the file name 'other'"):
        load_case(_write(tmp_path, TEMPLATE, name="other"))


def test_variants_are_seeded_and_stay_in_range(tmp_path):
    case = load_case(_write(tmp_path, TEMPLATE))
    a, b, c = case.variant(7), case.variant(7), case.variant(8)
    assert a == b and a != c
    assert a["seed"] == 7 and a["case_id"] == "template"
    values = [case.variant(s) for s in range(200)]
    n = [v["n_decisions"] for v in values]
    cost = [v["cost_false_action_usd"] for v in values]
    assert all(isinstance(x, int) and 2000 <= x <= 20000 for x in n)
    assert all(40.0 <= x <= 200.0 for x in cost)
    assert len(set(n)) > 150  # actually varies


def test_parameter_overrides_are_checked(tmp_path):
    case = load_case(_write(tmp_path, TEMPLATE))
    assert case.check_parameters({"n_decisions": 3000})["n_decisions"] == 3000
    with pytest.raises(InputError, match=r"template: unknown parameter\(s\) n_decision; known: case_id, seed"):
        case.check_parameters({"n_decision": 3000})
    with pytest.raises(InputError, match=r"parameter n_decisions: expected a int like 5000, got 2\.5"):
        case.check_parameters({"n_decisions": 2.5})
    with pytest.raises(InputError, match=r"parameter cost_false_action_usd: expected a float like 90\.0, got 'a lot'"):
        case.check_parameters({"cost_false_action_usd": "a lot"})


def test_compare_figures(tmp_path):
    case = load_case(_write(tmp_path, TEMPLATE))
    table = case.compare_figures({"textbook_cut": 0.9005})
    row = table.iloc[0]
    assert row["published"] == 0.9 and row["within_tolerance"]
    assert row["kind"] == "reproduced"  # what the check is worth as evidence travels with the row
    assert row["relative_error"] == pytest.approx(0.0005 / 0.9)
    assert not case.compare_figures({"textbook_cut": 0.91}).iloc[0]["within_tolerance"]
    with pytest.raises(InputError, match=r"missing: textbook_cut; unknown: peak"):
        case.compare_figures({"peak": 1.0})


def test_a_secondary_figure_says_so_wherever_it_is_shown(tmp_path):
    """A SEEN-2nd figure (seen only in a page restating a primary) needs a note naming both, and the
    record table's source reads "(secondary source)", so it is never shown as a plain published figure."""
    text = TEMPLATE.replace("    status: SEEN   ", "    status: SEEN-2nd   ", 1)
    assert text != TEMPLATE
    with pytest.raises(CaseFileError, match=r"published_figures\[0\].*SEEN-2nd figure needs a 'note'"):
        load_case(_write(tmp_path, text))
    noted = text.replace("    kind: reproduced", "    note: restated by a blog from S1's press release\n    kind: reproduced", 1)
    case = load_case(_write(tmp_path, noted))
    row = case.compare_figures({"textbook_cut": 0.9}).iloc[0]
    assert row["source"] == "S1 (secondary source)"
    assert load_case(_write(tmp_path, TEMPLATE)).compare_figures({"textbook_cut": 0.9}).iloc[0]["source"] == "S1"


def test_error_names_survive_pickling(tmp_path):
    import pickle

    err = CaseFileError("casebook/x.yaml", "sources[0].date", 12, "bad date")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) == "casebook/x.yaml:12: sources[0].date: bad date"
    assert re.search(r":12:", str(again))


# -- issue 16: bounded, parse-once loading; plain data only ---------------------------------------


def test_a_file_is_parsed_once(tmp_path, monkeypatch):
    """One pass over the YAML events builds both the data and the line map (it used to be three)."""
    import yaml

    from nogo.cases import _casefile_yaml

    calls = []

    class Counting(_casefile_yaml._Loader):
        def get_event(self):
            calls.append(1)
            return super().get_event()

    monkeypatch.setattr(_casefile_yaml, "_Loader", Counting)
    load_case(_write(tmp_path, TEMPLATE))
    assert len(calls) == sum(1 for _ in yaml.parse(TEMPLATE, Loader=yaml.SafeLoader))


def test_the_line_map_follows_no_alias_and_no_recursion(tmp_path):
    """The map of lines is built from the events: an alias bomb is refused at its first anchor, and
    nesting deeper than the schema needs is refused without recursion."""
    bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [f"a{k}: &a{k} [{','.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 12)]  # 9**12 leaves
    text = TEMPLATE + "\n".join(bomb) + "\n"
    with pytest.raises(CaseFileError, match=r"template.yaml:\d+: a0: anchors \(&name\) and aliases"):
        load_case(_write(tmp_path, text))
    deep = TEMPLATE.replace("domain: example domain", "domain: " + "{a: " * 900 + "1" + "}" * 900)
    with pytest.raises(CaseFileError, match=r"template.yaml:8: domain(\.a)+: nested deeper than 32 levels"):
        load_case(_write(tmp_path, deep))


def test_file_size_is_capped_before_reading(tmp_path):
    path = _write(tmp_path, TEMPLATE)
    assert nogo.cases.casefile.MAX_CASE_FILE_BYTES == 1 << 20
    with pytest.raises(CaseFileError, match=r"template.yaml: too large: 5,\d{3} bytes; .* at most 1,000 bytes$"):
        load_case(path, max_bytes=1000)
    assert load_case(path, max_bytes=len(TEMPLATE.encode())).id == "template"


def test_folders_and_special_files_are_refused_not_read(tmp_path):
    import os

    (tmp_path / "ghost.yaml").mkdir()
    with pytest.raises(CaseFileError, match=r"ghost.yaml: expected a case file, found a folder"):
        load_case(tmp_path / "ghost.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would block for ever
    with pytest.raises(CaseFileError, match=r"pipe.yaml: expected a regular file"):
        load_case(tmp_path / "pipe.yaml")


def test_a_yml_file_is_reported_not_skipped(tmp_path):
    from nogo.cases.project import Project

    book = tmp_path / "casebook"
    book.mkdir()
    (book / "template.yml").write_text(TEMPLATE, encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"template.yml: case files end in .yaml: rename it template.yaml"):
        nogo.load_casebook(book)
    (tmp_path / "notebooks").mkdir()
    assert [p.name for p in Project(tmp_path).case_files()] == ["template.yml"]  # so `nogo check` lists it


def test_plain_data_that_is_fine_still_loads(tmp_path):
    """A byte-order mark at the start, an unquoted date (kept as the text written), a comment-only line."""
    text = "\ufeff" + TEMPLATE.replace('date: "2024-02-14"', "date: 2024-02-14")
    case = load_case(_write(tmp_path, text))
    assert case.sources[0].date == "2024-02-14"
    assert case.parameters["cost_false_action_usd"].default == 90.0


@pytest.mark.parametrize(
    ("date", "ok"),
    [("2024", True), ("2024-02", True), ("2024-02-29", True), ("2023-02-29", False), ("2017-13-45", False),
     ("0000-00-00", False), ("2999", False), ("1978-01", True)],
)
def test_source_dates_are_real_and_not_in_the_future(tmp_path, date, ok):
    path = _write(tmp_path, TEMPLATE.replace('"2024-02-14"', f'"{date}"'))
    if ok:
        assert load_case(path).sources[0].date == date
    else:
        with pytest.raises(CaseFileError, match=r":26: sources\[0\]\.date: (not a real date|a date after today)"):
            load_case(path)


def test_today_is_not_the_future(tmp_path):
    import datetime as dt

    today = dt.date.today().isoformat()
    assert load_case(_write(tmp_path, TEMPLATE.replace('"2024-02-14"', f'"{today}"'))).sources[0].date == today


def test_many_sources_load_and_a_repeated_id_is_named(tmp_path):
    """Repeated ids are counted once (they compared every id with every other: quadratic)."""
    extra = "".join(
        f"  - {{id: S{k}, publisher: P, title: T, date: '2020', url: 'https://example.org/{k}'}}\n"
        for k in range(2, 3000)
    )
    text = TEMPLATE.replace("\npublished_figures:", extra + "\npublished_figures:", 1)
    assert len(load_case(_write(tmp_path, text)).sources) == 2999
    with pytest.raises(CaseFileError, match=r"sources: repeated source id\(s\) S2$"):
        load_case(_write(tmp_path, text.replace("id: S2999,", "id: S2,")))


# -- issue 13, item 6: every problem of a file, not the first --------------------------------------

THREE_PROBLEMS = [  # (old, new, field path, needle for the line, message): three sections, independent
    ('date: "2024-02-14"', 'date: "14 Feb 2024"', "sources[0].date", "date:", r"should match pattern"),
    ("    - a value cap above which a person approves\n\nrubric", "    - a moat\n\nrubric", "drill.key_guardrails",
     "key_guardrails:", r"'a moat' is not one of the drill's guardrails"),
    ("    error_budget: 0.01", "    error_budget: 1.5", "contract.promotion_gate.error_budget", "error_budget:",
     r"strictly between 0 and 1"),
]


DATASET = """
data:
  - name: decisions
    generator: nogo.models.synthetic:example_log
    description: the generic example log
    parameters: {n_decisions: "${n_decisions}", seed: "${seed}"}
"""


def _broken(*changes: tuple[str, str]) -> str:
    text = TEMPLATE
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_every_problem_of_a_file_is_listed_with_its_field_and_line(tmp_path):
    text = _broken(*[(old, new) for old, new, *_ in THREE_PROBLEMS])
    file = _write(tmp_path, text)
    with pytest.raises(CaseFileError) as info:
        load_case(file)
    err = info.value
    expected = [(path, _line_of(text, needle)) for _, _, path, needle, _ in THREE_PROBLEMS]
    assert [(p.path, p.line) for p in err.problems] == expected
    for problem, (*_, message) in zip(err.problems, THREE_PROBLEMS, strict=True):
        assert problem.source == str(file)
        assert re.search(message, problem.detail), problem.detail
        assert str(problem) == f"{file}:{problem.line}: {problem.path}: {problem.detail}"
    # the message lists them all, one a line, the first problem first; the error's fields are the first's
    assert str(err).splitlines() == [str(p) for p in err.problems]
    assert (err.source, err.path, err.line, err.detail) == (str(file), *expected[0], err.problems[0].detail)


def test_cross_reference_checks_each_report_every_problem(tmp_path):
    """Checks that compare sections (figures against sources, datasets against generators, the
    parameters against the id) run whatever else is wrong, and each lists every problem it finds."""
    text = _broken(("    source: S1", "    source: S8, S9"), ("  case_id: {default: template,", "  case_id: {default: other,"))
    text += DATASET.replace("example_log", "no_such_log")
    file = _write(tmp_path, text)
    with pytest.raises(CaseFileError) as info:
        load_case(file)
    found = [(p.path, p.line, p.detail.split(";")[0]) for p in info.value.problems]
    assert found == [
        ("published_figures[0].source", _line_of(text, "source: S8"), "'S8' is not a source id"),
        ("published_figures[0].source", _line_of(text, "source: S8"), "'S9' is not a source id"),
        ("parameters.case_id", _line_of(text, "case_id:"), "default must be the case id 'template', got 'other'"),
        ("data[0].generator", _line_of(text, "no_such_log"), "nogo.models.synthetic has no 'no_such_log'"),
    ]


def test_a_wrong_id_is_listed_beside_the_other_problems(tmp_path):
    text = _broken(("id: template", "id: another"), ("status: draft ", "status: final "))
    with pytest.raises(CaseFileError) as info:
        load_case(_write(tmp_path, text))
    assert [(p.path, p.line) for p in info.value.problems] == [
        ("status", _line_of(text, "status:")),
        ("parameters.case_id", _line_of(text, "case_id:")),
        ("id", _line_of(text, "id: another")),
    ]
    assert info.value.problems[-1].detail == "must match the file name 'template'"


def test_an_error_with_many_problems_survives_pickling(tmp_path):
    import pickle

    text = _broken(*[(old, new) for old, new, *_ in THREE_PROBLEMS])
    with pytest.raises(CaseFileError) as info:
        load_case(_write(tmp_path, text))
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value)
    assert again.problems == info.value.problems


# -- issue 13 item 2 (for issue 14): distractors, calls, failure modes, signature ---------------------

DRILL_EXTRA = """  max_guardrails: 2
  distractors:
    - guardrail: a daily limit on how fast prices change
      why: it slows the loop but never stops it
    - guardrail: a dashboard of the agent's actions
      why: a dashboard nobody is paged by is not a control
"""
JUDGEMENT = """
failure_modes:
  - {name: wrong action at scale, likelihood: 3, severity: 5, why: nobody reviews the big ones}
  - {name: gaming, likelihood: 5, severity: 3, why: sellers learn the rule}
  - {name: reviewers swamped, likelihood: 4, severity: 3, why: the queue grows faster than staff}
  - {name: drift unnoticed, likelihood: 3, severity: 4, why: no monitor on the score}
  - {name: stale prices, likelihood: 4, severity: 3, why: the feed lags}
signature:
  lever: the value cap
  question: Above which value must a person approve?
calls:
  - call: no-go
    when:
      - {parameter: cost_false_action_usd, at_least: 150}
    debrief: A wrong action costs more than review can save.
  - call: ship with guardrails
    when:
      - {parameter: cost_false_action_usd, below: 150}
      - {parameter: n_decisions, at_least: 10000}
    debrief: At volume, the cap and a kill switch.
    key_guardrails: [a value cap above which a person approves, a kill switch on the running loss]
  - call: ship with guardrails
    debrief: The cap pays for review.
    key_guardrails: [a value cap above which a person approves]
"""
FULL = TEMPLATE.replace("\n\nrubric:", "\n" + DRILL_EXTRA + "\nrubric:", 1) + JUDGEMENT


def test_the_judgement_sections_are_optional_and_load(tmp_path):
    plain = load_case(_write(tmp_path, TEMPLATE))
    assert (plain.calls, plain.failure_modes, plain.signature, plain.drill.distractors) == ([], [], None, [])
    assert plain.drill.max_guardrails is None and plain.ranked_failure_modes == []
    case = load_case(_write(tmp_path, FULL))
    assert case.drill.distractors[0].guardrail == "a daily limit on how fast prices change"
    assert case.drill.max_guardrails == 2
    assert case.signature == nogo.Signature(lever="the value cap", question="Above which value must a person approve?")
    assert [str(c) for c in case.calls[1].when] == ["cost_false_action_usd < 150", "n_decisions >= 10000"]


def test_failure_modes_rank_by_likelihood_times_severity_then_severity_then_order(tmp_path):
    case = load_case(_write(tmp_path, FULL))
    # by hand: 3x5=15 (severity 5), 5x3=15 (3), 3x4=12 (4), then two 4x3=12 (3) in the file's order
    assert [m.name for m in case.ranked_failure_modes] == [
        "wrong action at scale", "gaming", "drift unnoticed", "reviewers swamped", "stale prices",
    ]
    assert [m.name for m in case.failure_modes][:2] == ["wrong action at scale", "gaming"]  # file order kept


def test_call_for_picks_the_first_call_whose_conditions_hold(tmp_path):
    case = load_case(_write(tmp_path, FULL))

    def by_hand(cost: float, n: int) -> tuple[str, int]:  # the rule the case file states, written out
        if cost >= 150:
            return "no-go", 0
        return ("ship with guardrails", 2) if n >= 10000 else ("ship with guardrails", 1)

    seen = set()
    for seed in range(200):
        values = case.variant(seed)
        call = case.call_for(values)
        assert (call.call, len(call.key_guardrails)) == by_hand(values["cost_false_action_usd"], values["n_decisions"])
        assert call.contract == case.contract  # no contract of its own: the case's
        seen.add((call.call, len(call.key_guardrails)))
    assert seen == {("no-go", 0), ("ship with guardrails", 2), ("ship with guardrails", 1)}
    assert case.call_for({}).debrief == "The cap pays for review."  # defaults: 90.0 and 5000
    assert case.call_for({"cost_false_action_usd": 150}).call == "no-go"  # at_least includes the bound
    assert case.call_for({"cost_false_action_usd": 149.99, "n_decisions": 10000}).debrief.startswith("At volume")
    with pytest.raises(InputError, match=r"unknown parameter\(s\) cost_usd"):
        case.call_for({"cost_usd": 10})


def test_call_for_without_calls_is_the_drills_launch_call(tmp_path):
    case = load_case(_write(tmp_path, TEMPLATE))
    call = case.call_for(case.variant(3))
    assert (call.call, call.key_guardrails, call.debrief, call.contract) == (
        case.drill.launch_call, case.drill.key_guardrails, case.debrief, case.contract
    )
    assert isinstance(call, nogo.Call)


CONTRACT_CALL = """  - call: ship
    when:
      - {parameter: n_decisions, below: 2500}
    debrief: Small enough to watch by hand.
    contract:
      x: 1
"""


@pytest.mark.parametrize(
    ("old", "new", "path", "needle", "message"),
    [
        ("guardrail: a dashboard of the agent's actions", "guardrail: A Weekly audit of  a random sample of actions",
         "drill.distractors[1].guardrail", "A Weekly audit", r"is one of the drill's guardrails"),
        ("guardrail: a dashboard of the agent's actions", "guardrail: a daily limit on how fast prices change",
         "drill.distractors", "distractors:", r"repeated distractor\(s\) 'a daily limit"),
        ("      why: it slows the loop but never stops it\n", "", "drill.distractors[0].why", "- guardrail: a daily",
         r"missing required field"),
        ("max_guardrails: 2", "max_guardrails: 0", "drill.max_guardrails", "max_guardrails:", r"greater than or equal to 1"),
        ("max_guardrails: 2", "max_guardrails: 1", "calls[1].key_guardrails", "key_guardrails: [a value cap above which a person approves, a kill",
         r"2 key guardrails, more than drill.max_guardrails \(1\)"),
        ("{parameter: cost_false_action_usd, at_least: 150}", "{parameter: cost_of_harm_usd, at_least: 150}",
         "calls[0].when[0].parameter", "cost_of_harm_usd", r"'cost_of_harm_usd' names no parameter; numeric ones: n_decisions, cost_false"),
        ("{parameter: cost_false_action_usd, at_least: 150}", "{parameter: case_id, at_least: 150}",
         "calls[0].when[0].parameter", "case_id, at_least", r"parameter case_id is not a number \(default 'template'\)"),
        ("{parameter: cost_false_action_usd, at_least: 150}", "{parameter: cost_false_action_usd, at_least: 150, below: 300}",
         "calls[0].when[0]", "at_least: 150, below", r"give 'at_least' or 'below'"),
        ("{parameter: cost_false_action_usd, at_least: 150}", "{parameter: cost_false_action_usd, at_least: lots}",
         "calls[0].when[0].at_least", "at_least: lots", r"valid number"),
        ("    debrief: The cap pays for review.\n", "    debrief: The cap pays for review.\n    when: [{parameter: n_decisions, below: 10000}]\n",
         "calls[2].when", "when: [{parameter: n_decisions, below: 10000}]", r"the last call is the default: leave out 'when'"),
        ("    when:\n      - {parameter: cost_false_action_usd, at_least: 150}\n", "",
         "calls[0]", "- call: no-go", r"only the last call may leave out 'when'"),
        ("  - call: no-go", "  - call: stop", "calls[0].call", "- call: stop", r"'ship', 'ship with guardrails' or 'no-go', got 'stop'"),
        ("    key_guardrails: [a value cap above which a person approves]\n", "", "calls[2].key_guardrails",
         ("debrief: The cap pays", -1), r"a 'ship with guardrails' call must name at least one"),  # the call's line
        ("key_guardrails: [a value cap above which a person approves]\n", "key_guardrails: [a moat]\n",
         "calls[2].key_guardrails", "key_guardrails: [a moat]", r"'a moat' is not one of the drill's guardrails"),
        ("  - call: ship with guardrails\n    debrief: The cap", "  - call: no-go\n    debrief: The cap", "calls", "calls:",
         r"at the default parameters the calls pick 'no-go', but drill.launch_call is 'ship with guardrails'"),
        ("calls:\n", "calls:\n" + CONTRACT_CALL, "calls[0].contract.x", "x: 1", r"unknown field"),
        ("  - {name: gaming, likelihood: 5,", "  - {name: gaming, likelihood: 6,", "failure_modes[1].likelihood",
         "name: gaming", r"less than or equal to 5"),
        ("{name: gaming,", "{name: drift unnoticed,", "failure_modes", "failure_modes:", r"repeated failure mode name\(s\) 'drift unnoticed'"),
        ("  question: Above which value must a person approve?\n", "", "signature.question", "signature:", r"missing required field"),
    ],
)
def test_bad_judgement_sections_name_field_and_line(tmp_path, old, new, path, needle, message):
    assert old in FULL, old
    text = FULL.replace(old, new, 1)
    file = _write(tmp_path, text)
    with pytest.raises(CaseFileError) as info:
        load_case(file)
    problems = [(p.path, p.line, p.detail) for p in info.value.problems]
    assert len(problems) == 1, problems
    needle, offset = needle if isinstance(needle, tuple) else (needle, 0)
    assert problems[0][:2] == (path, _line_of(text, needle) + offset), problems
    assert re.search(message, problems[0][2]), problems[0][2]


def test_fewer_than_three_failure_modes_is_a_problem(tmp_path):
    modes = JUDGEMENT[JUDGEMENT.index("  - {name: gaming") : JUDGEMENT.index("signature:")]
    text = FULL.replace(modes, "", 1)
    with pytest.raises(CaseFileError, match=r"failure_modes: List should have at least 3 items") as info:
        load_case(_write(tmp_path, text))
    assert info.value.line == _line_of(text, "failure_modes:")


def test_problems_in_the_judgement_sections_are_all_listed(tmp_path):
    text = FULL
    for old, new in [
        ("guardrail: a dashboard of the agent's actions", "guardrail: a kill switch on the running loss"),
        ("{parameter: n_decisions, at_least: 10000}", "{parameter: decisions, at_least: 10000}"),
        ("  - {name: gaming, likelihood: 5,", "  - {name: gaming, likelihood: 0,"),
    ]:
        text = text.replace(old, new, 1)
    with pytest.raises(CaseFileError) as info:
        load_case(_write(tmp_path, text))
    assert [(p.path, p.line) for p in info.value.problems] == [
        ("drill.distractors[1].guardrail", _line_of(text, "guardrail: a kill switch")),
        ("failure_modes[1].likelihood", _line_of(text, "name: gaming")),
        ("calls[1].when[1].parameter", _line_of(text, "parameter: decisions")),
    ]


def test_the_file_name_is_compared_with_the_id_as_read(tmp_path):
    """Spaces around the id are stripped before it is compared with the file name, whether or not
    another field is wrong (the comparison now runs beside the other checks)."""
    text = TEMPLATE.replace("id: template", 'id: "  template  "', 1)
    assert load_case(_write(tmp_path, text)).id == "template"
    with pytest.raises(CaseFileError) as info:
        load_case(_write(tmp_path, text.replace("status: draft ", "status: final ", 1)))
    assert [p.path for p in info.value.problems] == ["status"]
