"""The exports read the way each platform reads them, for every question of the bank.

Moodle: what question/format/xml/format.php (Moodle 4.2) reads — the question types it dispatches on, the name
it requires, the text formats it knows (trans_format), answer fractions as percentages, a numerical answer's
<tolerance>, multichoice's <single>, <shuffleanswers> and <answernumbering>, shortanswer's <usecase>, <hint>
text — with the short-answer comparison of question/type/shortanswer (an unescaped * matches any characters)
and the embedded-answers syntax of question/type/multianswer ({N:NUMERICAL:=value:tolerance}), each written
again here.

QTI: the content models of IMS QTI ASI 1.2 (the ims_qtiasiv1p2 schema) for every element the export writes —
which children an element may hold and in which order, its required attributes, the values of its enumerated
attributes — and the links Canvas follows (displayfeedback → itemfeedback of the same item). The files were also
validated against that schema itself (the copy Moodle ships in backup/cc/schemas) with xmlschema, which
found no error; the schema is not shipped with gd, so this table stands in for it here.
"""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from gdcli.practice import export, problems

SEED, COUNT = 5, 1


@pytest.fixture(scope="module")
def files():
    bank = problems.bank()
    return export.export(bank, "moodle", COUNT, SEED), export.export(bank, "qti", COUNT, SEED)


# ---------------------------------------------------------------------------------------------------------
# Moodle

MOODLE_TYPES = {"category", "numerical", "multichoice", "shortanswer", "cloze"}
MOODLE_FORMATS = {"moodle_auto_format", "html", "plain_text", "wiki_like", "markdown"}
MOODLE_NUMBERING = {"abc", "ABCD", "123", "iii", "IIII", "none"}
NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
"""A number as Moodle's numerical and embedded-answers questions read one."""
BLANK = re.compile(r"\{([0-9]*):(NUMERICAL|NM):=(" + NUMBER + r")(?::(" + NUMBER + r"))?\}")


def moodle_matches(pattern: str, typed: str) -> bool:
    """Moodle's short-answer comparison, case-insensitive: runs of unescaped * match any characters, \\* is a *."""
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.fullmatch(regexp, typed.strip(), re.IGNORECASE | re.DOTALL) is not None


def formatted_text(element, path: str) -> str:
    """A text field as import_text_with_files reads it: <path format="…"><text>…</text></path>."""
    field = element.find(path)
    assert field is not None, path
    assert field.get("format") in MOODLE_FORMATS, (path, field.get("format"))
    return field.findtext("text", "")


def read_moodle(data: bytes) -> list[dict]:
    """The questions as Moodle's XML import reads them; an assertion fails where Moodle would refuse."""
    quiz = ET.fromstring(data)
    assert quiz.tag == "quiz"
    found = []
    for question in quiz:
        assert question.tag == "question"
        kind = question.get("type")
        assert kind in MOODLE_TYPES, kind
        if kind == "category":
            assert question.findtext("category/text", "").startswith("$course$/")
            found.append({"type": kind})
            continue
        record = {"type": kind, "text": formatted_text(question, "questiontext")}
        if kind == "cloze":
            record["blanks"] = BLANK.findall(record["text"])
            assert record["blanks"] and len(record["blanks"]) == record["text"].count("{1:")
            found.append(record)
            continue
        record["name"] = question.findtext("name/text", "").strip()
        assert record["name"], "Moodle refuses a question without a name"
        formatted_text(question, "generalfeedback")
        assert float(question.findtext("defaultgrade")) > 0 and 0 <= float(question.findtext("penalty")) <= 1
        record["hints"] = [formatted_text(hint, ".") for hint in question.findall("hint")]
        answers = question.findall("answer")
        assert answers
        record["answers"] = []
        for answer in answers:
            fraction = float(answer.get("fraction"))
            assert fraction in (0.0, 100.0)  # both among the grades Moodle offers
            formatted_text(answer, "feedback")
            text = answer.findtext("text", "")
            entry = {"fraction": fraction, "text": text}
            if kind == "numerical":
                assert re.fullmatch(NUMBER, text), text
                entry["tolerance"] = float(answer.findtext("tolerance"))
                assert entry["tolerance"] >= 0
            if kind == "multichoice":
                assert answer.get("format") in MOODLE_FORMATS
            record["answers"].append(entry)
        assert any(a["fraction"] == 100 for a in record["answers"]), record["name"]
        if kind == "multichoice":
            assert question.findtext("single") in ("true", "false", "1", "0")
            assert question.findtext("shuffleanswers") in ("true", "false", "1", "0")
            assert question.findtext("answernumbering") in MOODLE_NUMBERING
        if kind == "shortanswer":
            assert question.findtext("usecase") in ("0", "1")
        found.append(record)
    return found


def test_moodle_reads_every_question_of_the_bank(files):
    moodle, _ = files
    questions = read_moodle(moodle.data)
    kinds = {q["type"] for q in questions}
    assert kinds == MOODLE_TYPES
    assert sum(q["type"] != "category" for q in questions) == moodle.count
    assert any(q.get("hints") for q in questions)


def test_moodle_grades_a_short_answer_literally_so_a_wrong_expression_is_not_accepted(files):
    moodle, _ = files
    shortanswers = [q for q in read_moodle(moodle.data) if q["type"] == "shortanswer"]
    assert shortanswers
    for question in shortanswers:
        rights = [a["text"] for a in question["answers"] if a["fraction"] == 100]
        for right in rights:
            typed = right.replace("\\*", "*")
            assert moodle_matches(right, typed), right
            if "*" in typed:  # the same text with something slipped in where a * stands
                wrong = typed.replace("*", "*(-1)*", 1)
                assert not any(moodle_matches(r, wrong) for r in rights), (right, wrong)


def test_the_wildcard_reading_is_moodle_s():
    assert moodle_matches("x*y", "x + 7 - y") and not moodle_matches("x\\*y", "x + 7 - y")
    assert moodle_matches("x\\*y", "x*y") and moodle_matches("2\\*\\*x", "2**X")


def test_moodle_finds_each_embedded_blank_with_its_tolerance(files):
    moodle, _ = files
    clozes = [q for q in read_moodle(moodle.data) if q["type"] == "cloze"]
    assert clozes
    for question in clozes:
        for _, _, value, tolerance in question["blanks"]:
            assert tolerance and float(tolerance) >= 0 and float(value) == float(value)


# ---------------------------------------------------------------------------------------------------------
# QTI 1.2

CONDITIONS = {"not", "and", "or", "unanswered", "other", "varequal", "varlt", "varlte", "vargt", "vargte",
              "varsubset", "varinside", "varsubstring", "durequal", "durlt", "durlte", "durgt", "durgte",
              "var_extension"}
RENDERS = {"render_choice", "render_hotspot", "render_slider", "render_fib", "render_extension"}
MODELS: dict[str, list[set[str]]] = {
    # each element's children in the order its sequence allows: the tags of one set may repeat in any order
    "questestinterop": [{"qticomment"}, {"objectbank", "assessment", "section", "item"}],
    "assessment": [{"qticomment"}, {"duration"}, {"qtimetadata"}, {"objectives"}, {"assessmentcontrol"},
                   {"rubric"}, {"presentation_material"}, {"outcomes_processing"}, {"assessproc_extension"},
                   {"assessfeedback"}, {"selection_ordering"}, {"reference"}, {"sectionref", "section"}],
    "section": [{"qticomment"}, {"duration"}, {"qtimetadata"}, {"objectives"}, {"sectioncontrol"},
                {"sectionprecondition"}, {"sectionpostcondition"}, {"rubric"}, {"presentation_material"},
                {"outcomes_processing"}, {"sectionproc_extension"}, {"sectionfeedback"}, {"selection_ordering"},
                {"reference"}, {"itemref", "item", "sectionref", "section"}],
    "selection_ordering": [{"qticomment"}, {"sequence_parameter"}, {"selection"}, {"order"}],
    "selection": [{"sourcebank_ref"}, {"selection_number"}, {"selection_metadata"},
                  {"and_selection", "or_selection", "not_selection", "selection_extension"}],
    "item": [{"qticomment"}, {"duration"}, {"itemmetadata"}, {"objectives"}, {"itemcontrol"},
             {"itemprecondition"}, {"itempostcondition"}, {"itemrubric", "rubric"}, {"presentation"},
             {"resprocessing"}, {"itemproc_extension"}, {"itemfeedback"}, {"reference"}],
    "itemmetadata": [{"qtimetadata"}],
    "qtimetadata": [{"vocabulary"}, {"qtimetadatafield"}],
    "qtimetadatafield": [{"fieldlabel"}, {"fieldentry"}],
    "presentation": [{"qticomment"}, {"flow", "material", "response_lid", "response_xy", "response_str",
                                      "response_num", "response_grp", "response_extension"}],
    "material": [{"qticomment"}, {"mattext", "matemtext", "matimage", "mataudio", "matvideo", "matapplet",
                                  "matapplication", "matref", "matbreak", "mat_extension"}, {"altmaterial"}],
    "response_lid": [{"material", "material_ref"}, RENDERS],
    "response_str": [{"material", "material_ref"}, RENDERS],
    "render_choice": [{"material", "material_ref", "response_label", "flow_label"}, {"response_na"}],
    "render_fib": [{"material", "material_ref", "response_label", "flow_label"}, {"response_na"}],
    "response_label": [{"qticomment", "material", "material_ref", "flow_mat"}],
    "resprocessing": [{"qticomment"}, {"outcomes"}, {"respcondition", "itemproc_extension"}],
    "outcomes": [{"qticomment"}, {"decvar", "interpretvar"}],
    "respcondition": [{"qticomment"}, {"conditionvar"}, {"setvar"}, {"displayfeedback"}, {"respcond_extension"}],
    "conditionvar": [CONDITIONS],
    "or": [CONDITIONS - {"var_extension"}],
    "and": [CONDITIONS - {"var_extension"}],
    "itemfeedback": [{"flow_mat", "material", "solution", "hint"}],
    "flow_mat": [{"flow_mat", "material", "material_ref"}],
}
TEXT_ONLY = {"mattext", "decvar", "varequal", "vargte", "varlte", "setvar", "displayfeedback", "fieldlabel",
             "fieldentry", "selection_number"}
ANY_CONTENT = {"selection_extension"}
REQUIRED_CHILDREN = {  # every one of these children; of the render choices, one
    "resprocessing": {"outcomes"}, "respcondition": {"conditionvar"}, "outcomes": {"decvar"},
                     "qtimetadata": {"qtimetadatafield"}, "qtimetadatafield": {"fieldlabel", "fieldentry"},
                     "response_lid": RENDERS, "response_str": RENDERS}
REQUIRED_ATTRIBUTES = {"assessment": {"ident"}, "section": {"ident"}, "item": {"ident"}, "itemfeedback": {"ident"},
                       "response_lid": {"ident"}, "response_str": {"ident"}, "response_label": {"ident"},
                       "varequal": {"respident"}, "vargte": {"respident"}, "varlte": {"respident"},
                       "displayfeedback": {"linkrefid"}}
ENUMERATED = {"rcardinality": {"Single", "Multiple", "Ordered"}, "continue": {"Yes", "No"},
              "action": {"Set", "Add", "Subtract", "Multiply", "Divide"},
              "vartype": {"Integer", "String", "Decimal", "Scientific", "Boolean", "Enumerated", "Set"},
              "fibtype": {"String", "Integer", "Decimal", "Scientific"},
              "feedbacktype": {"Response", "Solution", "Hint"},
              "rshuffle": {"Yes", "No"}, "shuffle": {"Yes", "No"}, "case": {"Yes", "No"}}


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def schema_errors(root: ET.Element) -> list[str]:
    """Where the document breaks the QTI 1.2 content models above (empty when it keeps them)."""
    errors = []
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace != export.QTI_NAMESPACE or local(root.tag) != "questestinterop":
        errors.append(f"root {root.tag}")
    free = {id(inner) for element in root.iter() if local(element.tag) in ANY_CONTENT for inner in element.iter()}
    for element in root.iter():
        tag = local(element.tag)
        children = [local(child.tag) for child in element]
        if id(element) in free:  # an extension holds anything
            continue
        if tag in TEXT_ONLY:
            if children:
                errors.append(f"{tag} holds elements {children}")
        elif tag not in MODELS:
            errors.append(f"{tag}: not an element this check knows (look its model up in the schema)")
        else:
            groups = MODELS[tag]
            position = 0
            for child in children:
                where = next((i for i in range(len(groups)) if child in groups[i]), None)
                if where is None or where < position:
                    errors.append(f"{tag}: {child} is not allowed there (children {children})")
                    break
                position = where
            need = REQUIRED_CHILDREN.get(tag, set())
            if not (set(children) & need if need is RENDERS else need <= set(children)):
                errors.append(f"{tag}: lacks {sorted(need)}")
        for name in REQUIRED_ATTRIBUTES.get(tag, ()):
            if not element.get(name):
                errors.append(f"{tag}: no {name}")
        for name, value in element.attrib.items():
            if name in ENUMERATED and value not in ENUMERATED[name]:
                errors.append(f"{tag}: {name}={value}")
    return errors


def qti_document(data: bytes) -> ET.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        manifest = ET.fromstring(z.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iter() if local(f.tag) == "file"]
        assert len(hrefs) == 1 and hrefs[0] in z.namelist()
        return ET.fromstring(z.read(hrefs[0]))


def test_the_qti_file_keeps_the_qti_1_2_content_models(files):
    _, qti = files
    root = qti_document(qti.data)
    assert schema_errors(root) == []
    items = [e for e in root.iter() if local(e.tag) == "item"]
    assert len(items) == qti.count
    for item in items:  # each feedback a condition shows is an itemfeedback of the same item
        shown = {e.get("linkrefid") for e in item.iter() if local(e.tag) == "displayfeedback"}
        given = {e.get("ident") for e in item.iter() if local(e.tag) == "itemfeedback"}
        assert shown <= given, item.get("ident")
        for bound in (e for e in item.iter() if local(e.tag) in ("vargte", "varlte")):
            float(bound.text)


@pytest.mark.parametrize("breakage", ["order", "ident", "enumeration", "unknown"])
def test_the_content_model_check_finds_what_the_schema_refuses(files, breakage):
    _, qti = files
    root = qti_document(qti.data)
    item = next(e for e in root.iter() if local(e.tag) == "item")
    if breakage == "order":  # resprocessing before presentation
        presentation = next(c for c in item if local(c.tag) == "presentation")
        item.remove(presentation)
        item.append(presentation)
    elif breakage == "ident":
        del item.attrib["ident"]
    elif breakage == "enumeration":
        next(e for e in item.iter() if local(e.tag) == "respcondition").set("continue", "yes")
    else:
        ET.SubElement(item, f"{{{export.QTI_NAMESPACE}}}hint_text")
    assert schema_errors(root)
