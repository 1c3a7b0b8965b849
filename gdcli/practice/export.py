"""The problem bank as a quiz file for a learning platform: Moodle XML, or QTI 1.2 in a zip for Canvas.

Each question of each problem becomes one platform question per variant, with the engine's answer:

* a number → a numerical question whose tolerance is the question's exactness at the answer
  (Exactness.allowed: ½·10^(⌊log₁₀|e|⌋ − n + 1) for n significant figures, t or t·|e| otherwise);
* a vector or iterates → (Moodle) an embedded-answers question, one numerical blank per component, each with
  its tolerance; QTI has no numerical blanks, so these are skipped there;
* a choice → a multiple-choice question;
* an expression → a short-answer question whose text states the written form the platform compares;
* an interval → skipped (neither platform grades an interval of α).

The named mistakes whose answer the platform can recognise become feedback on that wrong answer; the
hints are Moodle hints (Canvas quizzes have none, so the QTI file has none); the worked solution is the
general feedback. The N variants of a question share one Moodle category and one QTI section that draws one
of them, so each student gets a different certified variant. What was skipped is returned by name.

What each platform reads was checked against its own sources (tests/practice/test_export_platforms.py):
Moodle's question/format/xml/format.php and the short-answer and embedded-answers question types, and the
IMS QTI ASI 1.2 schema (ims_qtiasiv1p2).
"""

from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

import sympy as sp

from gdcli.errors import GdError, ProblemError
from gdcli.practice import grading, variants

FORMATS = ("moodle", "qti")
MAX_VARIANTS = 200
EXPRESSION_FORM = ("This platform compares answers as text, not as expressions: an equivalent form written "
                   "differently is marked wrong. Write the expression as SymPy prints it, without spaces "
                   "(products with *, powers with ** or ^); gd practice check accepts any equivalent form.")


@dataclass
class Item:
    """One question of one variant, ready for a platform."""

    problem: object
    question: object

    @property
    def name(self) -> str:
        seed = self.problem.seed or 0
        return f"{self.problem.id} q{self.question.number} variant {seed}"

    @property
    def category(self) -> str:
        return f"{self.problem.id}/question {self.question.number}"


@dataclass
class Export:
    """The file's bytes, how many questions it holds, and what was left out (one line each)."""

    data: bytes
    count: int
    skipped: list[str] = field(default_factory=list)


def variant_seeds(seed: int, count: int) -> list[int]:
    """``count`` variant seeds drawn from ``seed``: the k-th is seed_of("gd-export:<seed>:<k>") (never 0, the
    original's; a text seed is hashed, so the same --seed always gives the same variants)."""
    return [variants.seed_of(f"gd-export:{seed}:{k}") or 1 for k in range(count)]


def collect(problems, count: int, seed: int) -> tuple[list[list[Item]], list[str]]:
    """For each question of each problem, its variants (a problem without parameters has one, itself);
    a variant the engine cannot make or answer is skipped and named."""
    from gdcli.practice.problems import load

    if not 1 <= count <= MAX_VARIANTS:
        raise GdError(f"--variants must be from 1 to {MAX_VARIANTS}, not {count}")
    groups: list[list[Item]] = []
    skipped: list[str] = []
    for problem in problems:
        made = [problem]
        if problem.values is not None:
            made = []
            for s in variant_seeds(seed, count):
                try:
                    made.append(load(problem.path, s))
                except ProblemError as error:
                    skipped.append(f"{problem.id} variant {s}: {error}")
        for number in range(1, len(problem.questions) + 1):
            group = []
            for variant in made:
                question = variant.question(number)
                try:
                    question.answer_text()  # computes and certifies the answer
                except ProblemError as error:
                    skipped.append(f"{variant.id} q{number} variant {variant.seed or 0}: {error}")
                    continue
                group.append(Item(variant, question))
            if group:
                groups.append(group)
    return groups, skipped


def tolerance(question, value: float, scale: float = 0.0) -> float:
    """The absolute tolerance the question's exactness allows at ``value``."""
    return question.exactness.allowed(value, scale)


def expression_forms(expression) -> list[str]:
    """The written forms a text comparison accepts for an expression: SymPy's, without spaces, and with ^."""
    text = sp.sstr(expression).replace(" ", "")
    return list(dict.fromkeys([text, text.replace("**", "^")]))


def numbers_of(question) -> list[float]:
    """The numbers of a vector or iterates answer, in order (grading.flat)."""
    return grading.flat(question.answer.value)


def _html(*paragraphs: str) -> str:
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def question_text(item: Item, *extra: str) -> str:
    """Statement, prompt, how exact (where numbers are asked) and any extra line, as HTML."""
    q = item.question
    exact = f"Give numbers {q.exactness.text()}." if q.exactness_text else ""
    return _html(item.problem.statement, q.prompt, exact, *extra)


def expressible(group: list[Item], platform: str, skipped: list[str]) -> list[Item]:
    """The variants of a question the platform can grade; the others are named once in ``skipped``."""
    kept, reasons = [], {}
    for item in group:
        kind = item.question.kind
        if kind == "interval":
            reasons.setdefault(f"an interval of α cannot be graded by {platform}", []).append(item)
        elif platform == "QTI" and kind in ("vector", "iterates") and len(numbers_of(item.question)) != 1:
            reasons.setdefault("several numbers in one answer have no numerical form in QTI 1.2", []).append(item)
        else:
            kept.append(item)
    for reason, items in reasons.items():
        skipped.append(f"{group[0].category} ({len(items)} variant{'s' if len(items) > 1 else ''}): {reason}")
    return kept


# ---------------------------------------------------------------------------------------------------------
# Moodle XML

def _text(parent: ET.Element, tag: str, text: str, format: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": format} if format else {})
    ET.SubElement(element, "text").text = text
    return element


def moodle(groups: list[list[Item]], skipped: list[str]) -> Export:
    """Moodle XML: a category per question, its variants in it."""
    quiz = ET.Element("quiz")
    count = 0
    for group in groups:
        kept = expressible(group, "Moodle", skipped)
        if not kept:
            continue
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", f"$course$/gd/{group[0].category}", None)
        for item in kept:
            _moodle_question(quiz, item)
            count += 1
    ET.indent(quiz)
    return Export(ET.tostring(quiz, encoding="utf-8", xml_declaration=True), count, skipped)


def _moodle_question(quiz: ET.Element, item: Item) -> None:
    q = item.question
    kind = {"number": "numerical", "choice": "multichoice", "expression": "shortanswer"}.get(q.kind, "cloze")
    element = ET.SubElement(quiz, "question", {"type": kind})
    _text(element, "name", item.name, None)
    extra = EXPRESSION_FORM if kind == "shortanswer" else ""
    text = question_text(item, extra)
    if kind == "cloze":
        right = numbers_of(q)
        scale = max(map(abs, right), default=0.0)
        blanks = " ".join(f"{{1:NUMERICAL:={grading.number_text(v)}:{grading.number_text(tolerance(q, v, scale))}}}"
                          for v in right)
        text += f"<p>{blanks}</p>"
    _text(element, "questiontext", text)
    _text(element, "generalfeedback", _html(q.worked()))
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0.3333333"
    if kind == "numerical":
        value = float(q.answer.value)
        _answer(element, 100, grading.number_text(value), "", tolerance(q, value))
        for miss in q.answer.near:
            _answer(element, 0, grading.number_text(float(miss.value)), miss.message,
                    tolerance(q, float(miss.value)))
    elif kind == "multichoice":
        ET.SubElement(element, "single").text = "true"
        ET.SubElement(element, "shuffleanswers").text = "1"
        ET.SubElement(element, "answernumbering").text = "abc"
        feedback = {miss.value: miss.message for miss in q.answer.near}
        for choice in q.choices:
            _answer(element, 100 if choice == q.answer.value else 0, choice, feedback.get(choice, ""))
    elif kind == "shortanswer":
        ET.SubElement(element, "usecase").text = "0"
        expected = q.answer.value
        right = expected[0] if len(expected) == 1 else None
        forms = expression_forms(right) if right is not None else [grading.answer_text("expression", expected)]
        for form in forms:
            _answer(element, 100, literal(form), "")
        for miss in q.answer.near:
            if isinstance(miss.value, sp.Basic):
                for form in expression_forms(miss.value):
                    _answer(element, 0, literal(form), miss.message)
    for hint in q.hints:
        _text(element, "hint", _html(hint))


def literal(form: str) -> str:
    """A short answer as Moodle compares it literally: Moodle reads an unescaped * as "any characters", so each
    * of a product or a power is written \\*."""
    return form.replace("*", "\\*")


def _answer(element: ET.Element, fraction: int, text: str, feedback: str, tol: float | None = None) -> None:
    answer = ET.SubElement(element, "answer", {"fraction": str(fraction), "format": "moodle_auto_format"})
    ET.SubElement(answer, "text").text = text
    if tol is not None:
        ET.SubElement(answer, "tolerance").text = grading.number_text(tol)
    _text(answer, "feedback", _html(feedback))


# ---------------------------------------------------------------------------------------------------------
# QTI 1.2 for Canvas

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NAMESPACE = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
QUIZ_IDENT = "gd-practice"


def qti(groups: list[list[Item]], skipped: list[str], title: str = "gd practice") -> Export:
    """A zip Canvas imports: imsmanifest.xml and one assessment whose sections each draw one variant."""
    root = ET.Element("questestinterop", {"xmlns": QTI_NAMESPACE})
    assessment = ET.SubElement(root, "assessment", {"ident": QUIZ_IDENT, "title": title})
    outer = ET.SubElement(assessment, "section", {"ident": "root_section"})
    count = 0
    dropped_hints = 0
    for index, group in enumerate(groups, start=1):
        kept = expressible(group, "QTI", skipped)
        if not kept:
            continue
        section = ET.SubElement(outer, "section", {"ident": f"group_{index}", "title": group[0].category})
        selection = ET.SubElement(ET.SubElement(section, "selection_ordering"), "selection")
        ET.SubElement(selection, "selection_number").text = "1"
        ET.SubElement(ET.SubElement(selection, "selection_extension"), "points_per_item").text = "1"
        for number, item in enumerate(kept, start=1):
            _qti_item(section, item, f"g{index}_v{number}")
            dropped_hints += bool(item.question.hints)
            count += 1
    if dropped_hints:
        skipped.append(f"the hints of {dropped_hints} questions: Canvas quizzes have no hints")
    ET.indent(root)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("imsmanifest.xml", _manifest())
        z.writestr(f"{QUIZ_IDENT}/{QUIZ_IDENT}.xml", body)
    return Export(archive.getvalue(), count, skipped)


def _manifest() -> bytes:
    manifest = ET.Element("manifest", {"identifier": f"{QUIZ_IDENT}-manifest", "xmlns": MANIFEST_NAMESPACE})
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    resource = ET.SubElement(resources, "resource", {"identifier": QUIZ_IDENT, "type": "imsqti_xmlv1p2",
                                                     "href": f"{QUIZ_IDENT}/{QUIZ_IDENT}.xml"})
    ET.SubElement(resource, "file", {"href": f"{QUIZ_IDENT}/{QUIZ_IDENT}.xml"})
    ET.indent(manifest)
    return ET.tostring(manifest, encoding="utf-8", xml_declaration=True)


def _material(parent: ET.Element, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", {"texttype": "text/html"}).text = text


def _qti_item(section: ET.Element, item: Item, ident: str) -> None:
    q = item.question
    kind = {"choice": "multiple_choice_question", "expression": "short_answer_question"}.get(
        q.kind, "numerical_question")
    element = ET.SubElement(section, "item", {"ident": ident, "title": item.name})
    fields = ET.SubElement(ET.SubElement(element, "itemmetadata"), "qtimetadata")
    for label, entry in (("question_type", kind), ("points_possible", "1")):
        pair = ET.SubElement(fields, "qtimetadatafield")
        ET.SubElement(pair, "fieldlabel").text = label
        ET.SubElement(pair, "fieldentry").text = entry
    presentation = ET.SubElement(element, "presentation")
    _material(presentation, question_text(item, EXPRESSION_FORM if q.kind == "expression" else ""))
    processing = ET.SubElement(element, "resprocessing")
    ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})
    feedback: list[tuple[str, str]] = []

    def condition(score: str | None, message: str = "") -> ET.Element:
        rule = ET.SubElement(processing, "respcondition", {"continue": "Yes" if score is None else "No"})
        variable = ET.SubElement(rule, "conditionvar")
        if score is not None:
            ET.SubElement(rule, "setvar", {"action": "Set", "varname": "SCORE"}).text = score
        if message:
            link = f"{ident}_fb{len(feedback) + 1}"
            feedback.append((link, message))
            ET.SubElement(rule, "displayfeedback", {"feedbacktype": "Response", "linkrefid": link})
        return variable

    if kind == "multiple_choice_question":
        response = ET.SubElement(presentation, "response_lid", {"ident": "response1", "rcardinality": "Single"})
        render = ET.SubElement(response, "render_choice")
        labels = {choice: f"{ident}_c{n}" for n, choice in enumerate(q.choices, start=1)}
        for choice, label in labels.items():
            _material(ET.SubElement(render, "response_label", {"ident": label}), html.escape(choice))
        messages = {miss.value: miss.message for miss in q.answer.near}
        for choice, message in messages.items():
            if choice in labels:
                ET.SubElement(condition(None, message), "varequal", {"respident": "response1"}).text = labels[choice]
        ET.SubElement(condition("100"), "varequal", {"respident": "response1"}).text = labels[q.answer.value]
    elif kind == "short_answer_question":
        response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        ET.SubElement(ET.SubElement(response, "render_fib"), "response_label", {"ident": "answer1", "rshuffle": "No"})
        for miss in q.answer.near:
            if isinstance(miss.value, sp.Basic):
                variable = condition(None, miss.message)
                for form in expression_forms(miss.value):
                    ET.SubElement(variable, "varequal", {"respident": "response1"}).text = form
        expected = q.answer.value
        forms = expression_forms(expected[0]) if len(expected) == 1 else [grading.answer_text("expression", expected)]
        variable = condition("100")
        for form in forms:
            ET.SubElement(variable, "varequal", {"respident": "response1"}).text = form
    else:
        response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        ET.SubElement(ET.SubElement(response, "render_fib", {"fibtype": "Decimal"}), "response_label",
                      {"ident": "answer1"})
        for miss in q.answer.near:
            values = grading.flat(miss.value)
            if len(values) == 1:
                _range(condition(None, miss.message), values[0], tolerance(q, values[0]))
        value = numbers_of(q)[0]
        _range(condition("100"), value, tolerance(q, value))
    for link, message in [("general_fb", q.worked()), *feedback]:
        _material(ET.SubElement(ET.SubElement(element, "itemfeedback", {"ident": link}), "flow_mat"),
                  _html(message))


def _range(variable: ET.Element, value: float, tol: float) -> None:
    """value ± tol, as Canvas writes a numerical answer with a margin: exactly value, or within the bounds."""
    either = ET.SubElement(variable, "or")
    ET.SubElement(either, "varequal", {"respident": "response1"}).text = grading.number_text(value)
    both = ET.SubElement(either, "and")
    ET.SubElement(both, "vargte", {"respident": "response1"}).text = grading.number_text(value - tol)
    ET.SubElement(both, "varlte", {"respident": "response1"}).text = grading.number_text(value + tol)


def export(problems, format: str, count: int = 1, seed: int = 0) -> Export:
    """The quiz file of ``problems`` in ``format`` (moodle or qti) with ``count`` variants of each template."""
    if format not in FORMATS:
        raise GdError(f"--format must be one of {', '.join(FORMATS)}, not '{format}'")
    groups, skipped = collect(problems, count, seed)
    return (moodle if format == "moodle" else qti)(groups, skipped)
