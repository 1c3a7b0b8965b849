"""Exports to Moodle XML and to QTI for Canvas, parsed back and compared with the bank's engine-computed answers."""

import html
import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
import sympy as sp

from gdcli.practice import export, problems
from gdcli.practice.export import variant_seeds

IDS = ["quadratic-1d-two-rates", "one-eigenvalue-three-fates", "adam-first-step", "why-subtract-the-gradient",
       "armijo-backtracking"]
SEED, COUNT = 11, 3


def expected_tolerance(question, value: float, scale: float = 0.0) -> float:
    """The exactness written again: n significant figures allow ½·10^(⌊log₁₀|e|⌋ − n + 1); a tolerance t is
    t, a relative r is r·|e|."""
    how, amount = question.exactness.how, question.exactness.amount
    if how == "absolute":
        return amount
    size = max(abs(value), 1e-9 * scale, 1e-12)
    return amount * size if how == "relative" else 0.5 * 10 ** (math.floor(math.log10(size)) - int(amount) + 1)


def bank_variants():
    """(problem id, seed) → the variant, as the bank makes it, for every problem of IDS."""
    found = {}
    for pid in IDS:
        original = problems.find(pid)
        seeds = variant_seeds(SEED, COUNT) if original.values is not None else [None]
        for s in seeds:
            found[(pid, s or 0)] = problems.find(pid, seed=s)
    return found


@pytest.fixture(scope="module")
def chosen():
    return [problems.find(pid) for pid in IDS]


@pytest.fixture(scope="module")
def bank():
    return bank_variants()


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def test_moodle_every_question_answer_and_tolerance_matches_the_bank(chosen, bank):
    made = export.export(chosen, "moodle", COUNT, SEED)
    quiz = ET.fromstring(made.data)
    category = None
    seen = set()
    categories: dict[str, set] = {}
    for element in quiz.findall("question"):
        if element.get("type") == "category":
            category = element.findtext("category/text")
            continue
        pid, number, seed = re.fullmatch(r"(\S+) q(\d+) variant (\d+)", element.findtext("name/text")).groups()
        question = bank[(pid, int(seed))].question(int(number))
        assert category == f"$course$/gd/{pid}/question {number}"
        categories.setdefault(category, set()).add(int(seed))
        seen.add((pid, int(number), int(seed)))
        text = plain(element.findtext("questiontext/text"))
        assert question.prompt.split("\n")[0] in text
        assert plain(element.findtext("generalfeedback/text")).strip() == question.worked().replace("\n", " ").strip()
        assert [plain(h.findtext("text")).strip() for h in element.findall("hint")] == list(question.hints)
        kind = element.get("type")
        answers = element.findall("answer")
        if question.kind == "number":
            assert kind == "numerical"
            right = [a for a in answers if a.get("fraction") == "100"]
            assert len(right) == 1
            value = float(question.answer.value)
            assert close(float(right[0].findtext("text")), value)
            assert close(float(right[0].findtext("tolerance")), expected_tolerance(question, value))
            wrong = {float(a.findtext("text")): plain(a.findtext("feedback/text")).strip()
                     for a in answers if a.get("fraction") == "0"}
            for miss in question.answer.near:
                assert any(close(v, float(miss.value)) and m == miss.message for v, m in wrong.items())
        elif question.kind == "choice":
            assert kind == "multichoice"
            assert sorted(a.findtext("text") for a in answers) == sorted(question.choices)
            assert [a.findtext("text") for a in answers if a.get("fraction") == "100"] == [question.answer.value]
            messages = {miss.value: miss.message for miss in question.answer.near}
            for a in answers:
                assert plain(a.findtext("feedback/text")).strip() == messages.get(a.findtext("text"), "")
        elif question.kind == "expression":
            assert kind == "shortanswer"
            assert "compares answers as text" in text
            names = {s.name: s for s in question.answer.value[0].free_symbols}
            for a in answers:
                if a.get("fraction") == "100":
                    raw = a.findtext("text")
                    assert not re.search(r"(?<!\\)\*", raw)  # an unescaped * is Moodle's wildcard
                    written = raw.replace("\\*", "*")
                    typed = sp.sympify(written.replace("^", "**"), locals=names)
                    assert sp.simplify(typed - question.answer.value[0]) == 0
        elif question.kind in ("vector", "iterates"):
            assert kind == "cloze"
            blanks = re.findall(r"\{1:NUMERICAL:=([^:]+):([^}]+)\}", element.findtext("questiontext/text"))
            right = [float(v) for row in (question.answer.value if question.kind == "iterates"
                                          else [question.answer.value]) for v in row]
            scale = max(map(abs, right))
            assert len(blanks) == len(right)
            for (value, tol), expected in zip(blanks, right):
                assert close(float(value), expected)
                assert close(float(tol), expected_tolerance(question, expected, scale))
        else:
            pytest.fail(f"{question.kind} should have been skipped")
    wanted = {(pid, q.number, seed) for (pid, seed), p in bank.items() for q in p.questions if q.kind != "interval"}
    assert seen == wanted
    assert made.count == len(wanted)
    templated = [c for c in categories if "quadratic-1d-two-rates" in c]
    assert templated and all(len(categories[c]) == COUNT for c in templated)
    intervals = {(pid, q.number) for (pid, _), p in bank.items() for q in p.questions if q.kind == "interval"}
    assert intervals and all(any(f"{pid}/question {n}" in line for line in made.skipped) for pid, n in intervals)


def _conditions(item):
    """(score or None, feedback text, [(respident test, values)]) for each respcondition of a QTI item."""
    feedback = {f.get("ident"): plain(f.findtext("flow_mat/material/mattext")).strip() for f in item.iter("itemfeedback")}
    found = []
    for rule in item.iter("respcondition"):
        link = rule.find("displayfeedback")
        found.append((rule.findtext("setvar"), feedback.get(link.get("linkrefid")) if link is not None else None,
                      rule.find("conditionvar")))
    return feedback, found


def test_qti_zip_every_question_answer_and_tolerance_matches_the_bank(chosen, bank):
    made = export.export(chosen, "qti", COUNT, SEED)
    with zipfile.ZipFile(io.BytesIO(made.data)) as archive:
        manifest = ET.fromstring(archive.read("imsmanifest.xml"))
        href = next(e for e in manifest.iter() if e.tag.endswith("}file")).get("href")
        body = ET.fromstring(archive.read(href))
    ns = {"q": export.QTI_NAMESPACE}
    seen = set()
    for section in body.findall(".//q:section/q:section", ns):
        assert section.findtext("q:selection_ordering/q:selection/q:selection_number", namespaces=ns) == "1"
        for item in section.findall("q:item", ns):
            pid, number, seed = re.fullmatch(r"(\S+) q(\d+) variant (\d+)", item.get("title")).groups()
            question = bank[(pid, int(seed))].question(int(number))
            assert section.get("title") == f"{pid}/question {number}"
            seen.add((pid, int(number), int(seed)))
            stripped = ET.tostring(item, encoding="unicode").replace(f"{{{export.QTI_NAMESPACE}}}", "").replace(
                "ns0:", "")
            plain_item = ET.fromstring(re.sub(r' xmlns(:ns0)?="[^"]+"', "", stripped))
            feedback, rules = _conditions(plain_item)
            assert feedback["general_fb"] == question.worked().replace("\n", " ").strip()
            scored = [r for r in rules if r[0] == "100"]
            assert len(scored) == 1
            condition = scored[0][2]
            if question.kind == "choice":
                labels = {r.get("ident"): plain(r.findtext("material/mattext"))
                          for r in plain_item.iter("response_label")}
                assert sorted(labels.values()) == sorted(question.choices)
                assert labels[condition.findtext("varequal")] == question.answer.value
                for miss in question.answer.near:
                    assert any(labels[c.findtext("varequal")] == miss.value and m == miss.message
                               for s, m, c in rules if s is None)
            elif question.kind == "expression":
                names = {s.name: s for s in question.answer.value[0].free_symbols}
                for typed in condition.iter("varequal"):
                    value = sp.sympify(typed.text.replace("^", "**"), locals=names)
                    assert sp.simplify(value - question.answer.value[0]) == 0
            else:
                value = float(question.answer.value) if question.kind == "number" else \
                    [float(v) for v in sp.flatten(question.answer.value)][0]
                tol = expected_tolerance(question, value)
                assert close(float(condition.findtext("or/varequal")), value)
                assert close(float(condition.findtext("or/and/vargte")), value - tol)
                assert close(float(condition.findtext("or/and/varlte")), value + tol)
                for miss in question.answer.near:
                    m = float(sp.flatten([miss.value])[0])
                    assert any(message == miss.message and close(float(c.findtext("or/varequal")), m)
                               for s, message, c in rules if s is None)
    wanted = {(pid, q.number, seed) for (pid, seed), p in bank.items() for q in p.questions
              if q.kind in ("number", "choice", "expression")
              or (q.kind in ("vector", "iterates") and len(sp.flatten([q.answer.value])) == 1)}
    assert seen == wanted and made.count == len(wanted)
    assert any("no numerical form in QTI" in line for line in made.skipped)
    assert any("hints" in line for line in made.skipped)


def test_the_same_seed_gives_the_same_file_and_another_seed_other_variants(chosen):
    first = export.export(chosen[:1], "moodle", 2, 5).data
    assert export.export(chosen[:1], "moodle", 2, 5).data == first
    assert export.export(chosen[:1], "moodle", 2, 6).data != first
