"""Fuzz corpus (issue 16): broken variants of ``casebook/_template.yaml``, each refused clearly.

Every variant is one mutation of the template (or of the template with a ``data`` section). Loading it
must raise :class:`nogo.CaseFileError` whose message starts with the file name and names the field path
and the line where the problem is (file-level problems, such as a file that is too large, a folder or an
empty file, name the file and say what was expected). Never a traceback, a hang, memory exhaustion or a
silent acceptance. Every variant is cheap: the alias bomb, the deep nesting and the huge file are
refused before any expansion or parsing.

``VARIANTS`` is importable, so a script can count the corpus against any version of the loader.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from nogo import CaseFileError, load_case

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "tests" / "unit" / "data" / "template.yaml").read_text(encoding="utf-8")  # frozen
DATASET = """
data:
  - name: decisions
    generator: nogo.models.synthetic:example_log
    description: the generic example log
    parameters:
      n_decisions: ${n_decisions}
      seed: ${seed}
"""
WITH_DATA = TEMPLATE + DATASET

FOLDER, FIFO, DEV_ZERO = "<folder>", "<fifo>", "<symlink to /dev/zero>"  # made by the test, not written


@dataclass(frozen=True)
class Variant:
    """One broken case file: how to make it, and what the error must say.

    ``path`` is the expected field path ("" for none, None for either); ``line`` the expected line: an int, a needle (the
    first line of the broken text containing it) or None (a file-level problem, no line).
    """

    id: str
    make: Callable[[], str | bytes]
    message: str
    path: str | None = ""
    line: int | str | None = None
    name: str = "template.yaml"


def sub(old: str, new: str, text: str = TEMPLATE) -> Callable[[], str]:
    """The text with the first ``old`` replaced by ``new`` (``old`` must be there)."""

    def make() -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return make


def after(needle: str, added: str, text: str = TEMPLATE) -> Callable[[], str]:
    """The text with ``added`` (one or more lines) inserted after the line holding ``needle``."""

    def make() -> str:
        lines = text.splitlines(keepends=True)
        k = next(i for i, line in enumerate(lines) if needle in line)
        return "".join([*lines[: k + 1], added, *lines[k + 1 :]])

    return make


def drop(needle: str, text: str = TEMPLATE) -> Callable[[], str]:
    """The text without the line holding ``needle`` and the more indented lines under it."""

    def make() -> str:
        lines = text.splitlines(keepends=True)
        k = next(i for i, line in enumerate(lines) if needle in line)
        indent = len(lines[k]) - len(lines[k].lstrip())
        end = k + 1
        while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > indent:
            end += 1
        return "".join(lines[:k] + lines[end:])

    return make


def const(content: str | bytes) -> Callable[[], str | bytes]:
    return lambda: content


def _alias_bomb() -> str:
    """A billion laughs: nine levels of nine aliases each (about 600 bytes, 387 million leaves)."""
    rows = ['lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [f"lol{k}: &a{k} [{','.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 9)]
    return TEMPLATE + "\n".join(rows) + "\n"


def _deep_block() -> str:
    nested = "".join("  " * (k + 1) + f"k{k}:\n" for k in range(200)) + "  " * 201 + "leaf\n"
    return TEMPLATE.replace("domain: example domain\n", "domain:\n" + nested, 1)


SOURCE = TEMPLATE[TEMPLATE.index("  - id: S1") : TEMPLATE.index("\npublished_figures:")]
FIGURE = TEMPLATE[TEMPLATE.index("  - name: textbook_cut") : TEMPLATE.index("\nparameters:")]
DATA_ENTRY = DATASET[DATASET.index("  - name: decisions") :]

VARIANTS: list[Variant] = [
    # -- YAML structure: aliases, tags, duplicates, nesting, documents -------------------------------
    Variant("alias-bomb", _alias_bomb, r"anchors .* and aliases .* are not allowed", "lol0", "lol0: &a0"),
    Variant("alias-one", after("  where: Where", "  also_where: *d\n", sub("domain: example", "domain: &d example")()),
            r"anchors .* and aliases .* are not allowed", "domain", "domain: &d"),
    Variant("alias-undefined", sub("  where: Where it happened", "  where: *nowhere"),
            r"anchors .* and aliases .* are not allowed", "incident.where", "where: *nowhere"),
    Variant("merge-key", after("  where: Where", "  <<: {who: someone else}\n"),
            r"merge keys \(<<\) are not allowed", "incident.<<", "<<:"),
    Variant("deep-flow", sub("title: How an example", "title: " + "[" * 500 + "]" * 500 + " #"),
            r"nested deeper than 32 levels", "title" + "[0]" * 31, "title: [[["),
    # libyaml refuses 1000 levels itself, before the loader sees level 33; the pure-Python parser does not
    Variant("deep-flow-50000", sub("title: How an example", "title: " + "[" * 50_000 + "]" * 50_000 + " #"),
            r"nested deeper than 32 levels|exceeded maximum nesting depth", None, "title: [[["),
    Variant("deep-block", _deep_block, r"nested deeper than 32 levels",
            "domain." + ".".join(f"k{k}" for k in range(31)), "k31:"),
    Variant("duplicate-top", after("title: How", "title: Another title\n"),
            r"repeated key 'title' \(first on line 7\)", "title", "title: Another"),
    Variant("duplicate-source-field", after("    publisher: Example", "    publisher: Another Publisher\n"),
            r"repeated key 'publisher' \(first on line 24\)", "sources[0].publisher", "Another Publisher"),
    Variant("duplicate-parameter", after("  seed: {default", "  seed: {default: 7, description: again}\n"),
            r"repeated key 'seed' \(first on line 41\)", "parameters.seed", "default: 7"),
    Variant("duplicate-contract-field", after("  autonomy_level: approval", "  autonomy_level: autonomous\n"),
            r"repeated key 'autonomy_level'", "contract.autonomy_level", "autonomous"),
    Variant("duplicate-quoted-key", after("domain: example", '"domain": another domain\n'),
            r"repeated key 'domain' \(first on line 8\)", "domain", "another domain"),
    Variant("tag-binary", sub("title: How an example", "title: !!binary aGVsbG8= #"),
            r"tag !!binary is not allowed", "title", "!!binary"),
    Variant("tag-python", sub("id: template", "id: !!python/object/apply:os.system ['true']"),
            r"tag !!python/object/apply:os.system is not allowed", "id", 6),
    Variant("tag-set", sub("models: [cost-of-error, thresholds, escalation, autonomy]", "models: !!set {thresholds: null}"),
            r"tag !!set is not allowed", "models", "!!set"),
    Variant("tag-local", sub("domain: example domain", "domain: !secret example domain"),
            r"tag !secret is not allowed", "domain", "!secret"),
    Variant("tag-str", sub("title: How an example", "title: !!str How an example"),
            r"tag !!str is not allowed", "title", "!!str"),
    Variant("tag-float", sub("    value: 0.9", '    value: !!float "0.9"'),
            r"tag !!float is not allowed", "published_figures[0].value", "!!float"),
    Variant("tag-timestamp", sub('    date: "2024-02-14"', "    date: !!timestamp 2024-02-14"),
            r"tag !!timestamp is not allowed", "sources[0].date", "!!timestamp"),
    Variant("tag-omap", sub("questions:\n", "questions: !!omap\n"),
            r"tag !!omap is not allowed", "questions", "!!omap"),
    Variant("two-documents", const(TEMPLATE + "---\nid: other\n"),
            r"more than one YAML document", "", "---"),
    Variant("tab-indent", sub("  summary: >-", "\tsummary: >-"), r"not valid YAML: .*a tab; indent with spaces", "", "\tsummary"),
    Variant("bom-inside", sub("title: How", "\ufefftitle: How"),
            r"invisible byte-order mark \(U\+FEFF\)", "", "title: How"),
    Variant("zero-width-key", sub("domain: example", "dom\u200bain: example"),
            r"invisible character U\+200B", "", "ain: example"),
    Variant("utf16", const(TEMPLATE.encode("utf-16")), r"expected UTF-8 text", "", 1),
    Variant("latin1-byte", const(TEMPLATE.replace("Example Publisher", "Exàmple Publisher").encode("latin-1")),
            r"expected UTF-8 text: byte 0xe0", "", 24),
    Variant("binary-junk", const(bytes(range(256)) * 8), r"expected UTF-8 text: byte 0x80", "", 2),
    Variant("png", const(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)), r"expected UTF-8 text: byte 0x89", "", 1),
    Variant("nul-byte", sub("title: How an", "title: How\x00 an"), r"character U\+0000 is not allowed", "", "title: How"),
    Variant("escape-code", sub("debrief: >-", "debrief: \x1b[31m>-"), r"character U\+001B is not allowed", "", "debrief:"),
    Variant("empty", const(""), r"the file is empty", "", None),
    Variant("comments-only", const("# nothing here yet\n"), r"the file is empty", "", None),
    Variant("blank-lines", const("   \n\n  \n"), r"the file is empty", "", None),
    Variant("list", const("- a\n- b\n"), r"expected a mapping of fields, got a list", "", 1),
    Variant("scalar", const("just some text\n"), r"expected a mapping of fields, got a str", "", 1),
    Variant("null-document", const("~\n"), r"expected a mapping of fields, got null", "", 1),
    Variant("unclosed-flow", sub("escalation, autonomy]", "escalation, autonomy"), r"not valid YAML", "", "models: ["),
    # the string runs on to the next quote (line 53); the parser stops there and names the block (line 23)
    Variant("unclosed-quote", sub('    date: "2024-02-14"', '    date: "2024-02-14'),
            r"not valid YAML: .* from line 23", "", "key_guardrails:"),
    Variant("bad-indent", sub("  who: The deployer", " who: The deployer"), r"not valid YAML", "", 17),
    Variant("complex-key", const(TEMPLATE + "? [a, b]\n: c\n"), r"a key must be a plain name", "", "? [a, b]"),
    Variant("long-integer", sub("stream_items: 12", "stream_items: " + "9" * 5000),
            r"too long to read", "drill.stream_items", "stream_items:"),
    Variant("huge-file", sub("debrief: >-\n", "debrief: >-\n" + ("  padding padding padding padding\n" * 66_000)),
            r"too large: .* bytes; a case file may be at most 1,048,576", "", None),
    Variant("folder", const(FOLDER), r"expected a case file, found a folder", "", None),
    Variant("fifo", const(FIFO), r"expected a regular file", "", None),
    Variant("device", const(DEV_ZERO), r"expected a regular file", "", None),
    Variant("yml-extension", const(TEMPLATE), r"case files end in \.yaml: rename it template\.yaml", "", None,
            name="template.yml"),
    # -- dates ----------------------------------------------------------------------------------------
    Variant("date-impossible", sub('"2024-02-14"', '"2017-13-45"'), r"not a real date .*month", "sources[0].date", "date:"),
    Variant("date-zero", sub('"2024-02-14"', '"0000-00-00"'), r"not a real date .*year 0", "sources[0].date", "date:"),
    Variant("date-feb-30", sub('"2024-02-14"', '"2023-02-30"'), r"not a real date .*day", "sources[0].date", "date:"),
    Variant("date-month-zero", sub('"2024-02-14"', '"2024-00"'), r"not a real date .*month", "sources[0].date", "date:"),
    Variant("date-future", sub('"2024-02-14"', '"2999-01-01"'), r"after today", "sources[0].date", "date:"),
    Variant("date-future-year", sub('"2024-02-14"', '"2999"'), r"after today", "sources[0].date", "date:"),
    Variant("date-unquoted-impossible", sub('"2024-02-14"', "2017-13-45"), r"not a real date", "sources[0].date", "date:"),
    Variant("date-unquoted-future", sub('"2024-02-14"', "2999-12-31"), r"after today", "sources[0].date", "date:"),
    Variant("date-short-month", sub('"2024-02-14"', '"2024-2-14"'), r"should match pattern", "sources[0].date", "date:"),
    Variant("date-number", sub('"2024-02-14"', "2024"), r"valid string", "sources[0].date", "date:"),
    # -- numbers: NaN, infinities, wrong types ------------------------------------------------------------
    Variant("figure-nan", sub("    value: 0.9", "    value: .nan"), r"expected a finite number, got '\.nan'",
            "published_figures[0].value", "value: .nan"),
    Variant("figure-inf", sub("    value: 0.9", "    value: .inf"), r"expected a finite number",
            "published_figures[0].value", "value: .inf"),
    Variant("figure-minus-inf", sub("    value: 0.9", "    value: -.Inf"), r"expected a finite number",
            "published_figures[0].value", "value: -.Inf"),
    Variant("figure-overflow", sub("    value: 0.9", "    value: 1.0e+999"), r"expected a finite number",
            "published_figures[0].value", "value: 1.0e+999"),
    Variant("figure-nan-string", sub("    value: 0.9", '    value: "nan"'), r"valid number|finite",
            "published_figures[0].value", 'value: "nan"'),
    Variant("figure-quoted-number", sub("    value: 0.9", '    value: "0.9"'), r"valid number, got '0\.9'",
            "published_figures[0].value", 'value: "0.9"'),
    Variant("figure-bool", sub("    value: 0.9", "    value: true"), r"valid number",
            "published_figures[0].value", "value: true"),
    Variant("tolerance-nan", sub("    tolerance: 0.001", "    tolerance: .NaN"), r"expected a finite number",
            "published_figures[0].tolerance", "tolerance:"),
    Variant("tolerance-above-one", sub("    tolerance: 0.001", "    tolerance: 5"), r"less than or equal to 1",
            "published_figures[0].tolerance", "tolerance:"),
    Variant("parameter-default-nan", sub("{default: 90.0,", "{default: .nan,"), r"expected a finite number",
            "parameters.cost_false_action_usd.default", "cost_false_action_usd:"),
    Variant("parameter-high-inf", sub("high: 200.0,", "high: .inf,"), r"expected a finite number",
            "parameters.cost_false_action_usd.high", "cost_false_action_usd:"),
    Variant("contract-nan", sub("    capacity_per_hour: 30", "    capacity_per_hour: .nan"), r"expected a finite number",
            "contract.escalation.capacity_per_hour", "capacity_per_hour:"),
    # -- published figures ---------------------------------------------------------------------------------
    Variant("figure-missing-value", drop("    value: 0.9"), r"missing required field", "published_figures[0].value",
            "- name: textbook_cut"),
    Variant("figure-bad-name", sub("- name: textbook_cut", "- name: Textbook Cut"), r"should match pattern",
            "published_figures[0].name", "- name: Textbook"),
    Variant("figure-unknown-source", sub("    source: S1", "    source: S1, S2"), r"'S2' is not a source id",
            "published_figures[0].source", "source: S1, S2"),
    Variant("figure-repeated", after("    kind: reproduced", FIGURE), r"repeated name\(s\) textbook_cut",
            "published_figures", "published_figures:"),
    Variant("figure-status-lowercase", sub("    status: SEEN", "    status: seen"), r"'SEEN', 'SEEN-2nd' or 'DERIVED'",
            "published_figures[0].status", "status: seen"),
    # -- parameters and seeds --------------------------------------------------------------------------------
    Variant("seed-negative", sub("seed: {default: 20240214,", "seed: {default: -1,"),
            r"seed must be a whole number from 0 to 2\*\*32 - 1, got -1", "parameters.seed.default", "  seed:"),
    Variant("seed-string", sub("seed: {default: 20240214,", "seed: {default: abc,"),
            r"seed must be a whole number .*got 'abc'", "parameters.seed.default", "  seed:"),
    Variant("seed-fraction", sub("seed: {default: 20240214,", "seed: {default: 20240214.5,"),
            r"seed must be a whole number", "parameters.seed.default", "  seed:"),
    Variant("seed-bool", sub("seed: {default: 20240214,", "seed: {default: true,"),
            r"seed must be a whole number", "parameters.seed.default", "  seed:"),
    Variant("seed-huge", sub("seed: {default: 20240214,", "seed: {default: 18446744073709551616,"),
            r"seed must be a whole number", "parameters.seed.default", "  seed:"),
    Variant("seed-missing", drop("  seed: {default"), r"every case needs a 'seed' parameter", "parameters", "parameters:"),
    Variant("range-half", sub("{default: 5000, low: 2000, high: 20000,", "{default: 5000, low: 2000,"),
            r"give both 'low' and 'high'", "parameters.n_decisions", "n_decisions:"),
    Variant("range-outside", sub("{default: 5000, low: 2000,", "{default: 50, low: 2000,"),
            r"default 50 is outside the variant range", "parameters.n_decisions", "n_decisions:"),
    Variant("choices-without-default", sub("low: 40.0, high: 200.0,", "choices: [40.0, 200.0],"),
            r"default 90\.0 is not one of the choices", "parameters.cost_false_action_usd", "cost_false_action_usd:"),
    Variant("parameter-name", sub("  n_decisions: {", "  N_decisions: {"), r"lower-case Python identifier",
            "parameters", "parameters:"),
    Variant("parameter-unknown-field", sub("high: 20000,", "high: 20000, step: 10,"), r"unknown field 'step'",
            "parameters.n_decisions.step", "n_decisions:"),
    Variant("parameter-default-list", after("  n_decisions: {", "  weights: {default: [1, 2], description: x}\n"),
            r"expected a boolean, a whole number, a number or a string, got a list", "parameters.weights.default",
            "weights:"),
    Variant("case-id-default", sub("{default: template,", "{default: other,"), r"default must be the case id",
            "parameters.case_id", "case_id:"),
    # -- ids ---------------------------------------------------------------------------------------------
    Variant("id-uppercase", sub("id: template", "id: Template"), r"should match pattern", "id", 6),
    Variant("id-underscore", sub("id: template", "id: temp_late"), r"should match pattern", "id", 6),
    Variant("id-path", sub("id: template", "id: ../template"), r"should match pattern", "id", 6),
    Variant("id-number", sub("id: template", "id: 123"), r"valid string", "id", 6),
    Variant("id-missing", drop("id: template"), r"missing required field", "id", 6),
    Variant("id-other", sub("id: template", "id: another"), r"default must be the case id 'another'",
            "parameters.case_id", "case_id:"),
    Variant("source-id-space", sub("  - id: S1", "  - id: S 1"), r"should match pattern", "sources[0].id", "- id: S 1"),
    Variant("source-id-repeated", after("    url: https://example.org", SOURCE + "\n"), r"repeated source id\(s\) S1",
            "sources", "sources:"),
    # -- URLs --------------------------------------------------------------------------------------------
    Variant("url-ftp", sub("url: https://example.org", "url: ftp://example.org"), r"should match pattern",
            "sources[0].url", "url:"),
    Variant("url-space", sub("url: https://example.org/original-article", 'url: "https://example.org/original article"'),
            r"should match pattern", "sources[0].url", "url:"),
    Variant("url-javascript", sub("url: https://example.org/original-article", "url: javascript:alert(1)"),
            r"should match pattern", "sources[0].url", "url:"),
    Variant("url-no-host", sub("url: https://example.org/", "url: https:///"), r"expected a web address",
            "sources[0].url", "url:"),
    Variant("url-bare-host", sub("url: https://example.org/", "url: https://example/"), r"expected a web address",
            "sources[0].url", "url:"),
    Variant("url-bad-port", sub("url: https://example.org/", "url: https://example.org:99999/"),
            r"expected a web address", "sources[0].url", "url:"),
    Variant("url-credentials", sub("url: https://example.org/", "url: https://user:secret@example.org/"),
            r"credentials", "sources[0].url", "url:"),
    Variant("url-missing-no-note", drop("    url: https://example.org"), r"needs a 'note'", "sources[0]", "- id: S1"),
    # -- types, required and unknown fields ----------------------------------------------------------------
    Variant("title-list", sub("title: How an example", "title: [How, an] #"), r"valid string", "title", 7),
    Variant("title-blank", sub("title: How an example agent did something it should not have", 'title: "   "'),
            r"at least 1 character", "title", 7),
    Variant("title-null", sub("title: How an example agent did something it should not have", "title:"),
            r"valid string", "title", 7),
    Variant("models-string", sub("models: [cost-of-error, thresholds, escalation, autonomy]", "models: thresholds"),
            r"valid list", "models", 10),
    Variant("models-unknown", sub("[cost-of-error, thresholds,", "[cost-of-error, vibes,"), r"got 'vibes'",
            "models[1]", 10),
    Variant("models-empty", sub("models: [cost-of-error, thresholds, escalation, autonomy]", "models: []"),
            r"at least 1 item", "models", 10),
    Variant("status-uppercase", sub("status: draft ", "status: READY "), r"'draft' or 'ready', got 'READY'", "status", 9),
    Variant("stream-items-word", sub("stream_items: 12", "stream_items: twelve"), r"valid integer",
            "drill.stream_items", "stream_items:"),
    Variant("stream-items-fraction", sub("stream_items: 12", "stream_items: 12.5"), r"valid integer",
            "drill.stream_items", "stream_items:"),
    Variant("stream-items-float", sub("stream_items: 12", "stream_items: 12.0"), r"valid integer",
            "drill.stream_items", "stream_items:"),
    Variant("stream-items-many", sub("stream_items: 12", "stream_items: 1000"), r"less than or equal to 60",
            "drill.stream_items", "stream_items:"),
    Variant("confidence-above-one", sub("naive_confidence: 0.9", "naive_confidence: 1.5"), r"less than 1",
            "drill.naive_confidence", "naive_confidence:"),
    Variant("key-guardrail-unknown", sub("    - a value cap above which a person approves\n\nrubric", "    - a moat\n\nrubric"),
            r"'a moat' is not one of the drill's guardrails", "drill.key_guardrails", "key_guardrails:"),
    Variant("rubric-dimension-renamed", sub("  incentive_alignment:", "  incentives:"), r"unknown field 'incentives'",
            "rubric.incentives", "incentives:"),
    Variant("questions-empty", sub("questions:\n  - What does a wrong action cost, and who pays?", "questions: []"),
            r"at least 1 item", "questions", "questions:"),
    Variant("debrief-empty", sub("debrief: >-\n  What the PM should have decided, and why, in a paragraph.", 'debrief: ""'),
            r"at least 1 character", "debrief", "debrief:"),
    Variant("debrief-missing", drop("debrief: >-"), r"missing required field", "debrief", 6),
    Variant("incident-missing", drop("incident:"), r"missing required field", "incident", 6),
    Variant("unknown-field", after("domain: example", "owner: me\n"), r"unknown field 'owner'", "owner", "owner: me"),
    Variant("unknown-source-field", after("    publisher: Example", "    doi: 10.1000/x\n"), r"unknown field 'doi'",
            "sources[0].doi", "doi:"),
    Variant("contract-level", sub("autonomy_level: approval", "autonomy_level: total"), r"total",
            "contract.autonomy_level", "autonomy_level:"),
    Variant("contract-min-decisions", sub("min_decisions: 400", "min_decisions: -5"), r"-5",
            "contract.promotion_gate.min_decisions", "min_decisions:"),
    # -- the data section ---------------------------------------------------------------------------------
    Variant("generator-unknown-function", sub("nogo.models.synthetic:example_log", "nogo.models.synthetic:no_such_log", WITH_DATA),
            r"nogo\.models\.synthetic has no 'no_such_log'", "data[0].generator", "no_such_log"),
    Variant("generator-unknown-module", sub("nogo.models.synthetic:example_log", "nogo.nowhere:example_log", WITH_DATA),
            r"no module nogo\.nowhere", "data[0].generator", "nogo.nowhere"),
    Variant("generator-not-callable", sub("nogo.models.synthetic:example_log", "nogo.cases.casefile:__all__", WITH_DATA),
            r"nogo\.cases\.casefile:__all__ is not a function", "data[0].generator", "generator: nogo.cases.casefile"),
    Variant("generator-outside-nogo", sub("nogo.models.synthetic:example_log", "os:system", WITH_DATA),
            r"should match pattern", "data[0].generator", "os:system"),
    Variant("data-size-fraction", sub("n_decisions: ${n_decisions}", "n_decisions: 10.5", WITH_DATA),
            r"expects an int for 'n_decisions', got 10\.5", "data[0].parameters.n_decisions", "n_decisions: 10.5"),
    Variant("data-size-word", sub("n_decisions: ${n_decisions}", "n_decisions: many", WITH_DATA),
            r"expects an int for 'n_decisions', got 'many'", "data[0].parameters.n_decisions", "n_decisions: many"),
    Variant("data-seed-word", sub("seed: ${seed}", "seed: abc", WITH_DATA),
            r"expects an int for 'seed', got 'abc'", "data[0].parameters.seed", "seed: abc"),
    Variant("data-unknown-argument", sub("seed: ${seed}", "seed: ${seed}\n      colour: red", WITH_DATA),
            r"takes no parameter 'colour'", "data[0].parameters.colour", "colour: red"),
    Variant("data-missing-argument", drop("      seed: ${seed}", WITH_DATA),
            r"needs 'seed'", "data[0].parameters", "    parameters:"),
    Variant("data-unknown-reference", sub("${n_decisions}", "${n_decision}", WITH_DATA),
            r"'\$\{n_decision\}' names no parameter", "data[0].parameters", "    parameters:"),
    Variant("data-reference-type", sub("${n_decisions}", "${cost_false_action_usd}", WITH_DATA),
            r"expects an int for 'n_decisions', got parameter cost_false_action_usd = 90\.0",
            "data[0].parameters.n_decisions", "n_decisions: ${cost"),
    Variant("data-repeated-name", const(WITH_DATA + DATA_ENTRY), r"repeated dataset name\(s\) decisions",
            "data", "data:"),
    Variant("data-parameter-nan", sub("seed: ${seed}", "seed: ${seed}\n      overconfidence: .nan", WITH_DATA),
            r"expected a finite number", "data[0].parameters.overconfidence", "overconfidence:"),
    Variant("data-bad-seed-default", sub("seed: {default: 20240214,", "seed: {default: -3,", WITH_DATA),
            r"seed must be a whole number", "parameters.seed.default", "  seed:"),
]


def _write(tmp_path: Path, variant: Variant) -> tuple[Path, str]:
    """Make the variant's file in ``tmp_path``; return it and its text (for finding lines)."""
    file = tmp_path / variant.name
    content = variant.make()
    if content == FOLDER:
        file.mkdir()
    elif content == FIFO:
        os.mkfifo(file)
    elif content == DEV_ZERO:
        file.symlink_to("/dev/zero")
    elif isinstance(content, bytes):
        file.write_bytes(content)
    else:
        file.write_text(content, encoding="utf-8")
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    return file, text


def _expected_line(variant: Variant, text: str) -> int | None:
    if variant.line is None or isinstance(variant.line, int):
        return variant.line
    return next(k for k, line in enumerate(text.split("\n"), 1) if variant.line in line)


def test_the_corpus_is_big_and_its_ids_unique():
    assert len(VARIANTS) >= 60
    assert len({v.id for v in VARIANTS}) == len(VARIANTS)


def test_the_unbroken_bases_load(tmp_path):
    for text in (TEMPLATE, WITH_DATA):
        path = tmp_path / "template.yaml"
        path.write_text(text, encoding="utf-8")
        assert load_case(path).id == "template"


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_a_broken_case_file_is_refused_with_file_field_and_line(tmp_path, variant):
    if variant.make() == DEV_ZERO and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    file, text = _write(tmp_path, variant)
    with pytest.raises(CaseFileError) as info:
        load_case(file)
    err = info.value
    assert err.source == str(file)
    assert str(err).startswith(str(file))
    assert re.search(variant.message, err.detail), err.detail
    if variant.path is not None:
        assert err.path == variant.path, str(err)
    assert err.line == _expected_line(variant, text), str(err)
    if variant.line is None:  # a file-level problem says what was expected of the file
        assert err.detail
    else:
        assert f"{file}:{err.line}:" in str(err)
