"""`gd practice`: list, show, check, solution, start, progress."""

from typing import Annotated, Optional

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import console, emit_json, spinner
from gdcli.errors import GdError

practice_app = typer.Typer(
    name="practice", no_args_is_help=True, rich_markup_mode=None,
    help="Practice problems with checked answers, hints, worked solutions and saved progress.\n\n"
         "Example: gd practice start --difficulty easy",
)
app.add_typer(practice_app, name="practice")

Reference = Annotated[str, typer.Argument(help="A problem id (gd practice list) or the path of a problem file.",
                                          show_default=False)]
Difficulty = Annotated[Optional[str], typer.Option("--difficulty", help="easy, medium or hard.")]
Seed = Annotated[Optional[str], typer.Option("--seed", help="A variant of a problem with parameters: a whole "
                                                           "number, or any text such as your name (hashed); 0 is "
                                                           "the original.", show_default=False)]
HINT, SOLUTION, SKIP, QUIT = ("?",), ("s", "solution"), ("skip", "next"), ("q", "quit")


def _difficulty(value: str | None) -> str | None:
    from gdcli.practice.problems import DIFFICULTIES

    if value is not None and value.strip().lower() not in DIFFICULTIES:
        raise GdError(f"--difficulty must be one of {', '.join(DIFFICULTIES)}, not '{value}'")
    return value.strip().lower() if value is not None else None


def _find(reference: str, seed: str | None):
    """The problem, or its variant for --seed."""
    from gdcli.practice import problems, variants

    return problems.find(reference, seed=None if seed is None else variants.seed_of(seed))


def _warn(warnings) -> None:
    """One line on stderr per warning (a progress log repaired, a problem file skipped)."""
    from gdcli.files.text import printable

    for warning in warnings:
        typer.echo(f"gd: warning: {printable(warning, keep_newlines=False)}", err=True)


def _bank():
    """The readable problems of the bank; each file skipped is named on stderr with its fault."""
    from gdcli.practice import problems

    bank = problems.read_bank()
    _warn(f"skipped {fault}" for fault in bank.faults)
    return bank.problems


@practice_app.command("list")
def list_problems(
    difficulty: Difficulty = None,
    topic: Annotated[Optional[str], typer.Option("--topic", help="Only topics containing this text.")] = None,
    json: opt.Json = False,
) -> None:
    """List the problems in the bank, with their difficulty and topic.

    Example: gd practice list --difficulty easy
    """
    from gdcli.render import practice as render_practice

    level = _difficulty(difficulty)
    with spinner("reading the problem bank…"):
        bank = _bank()
    chosen = [p for p in bank if (level is None or p.difficulty == level)
              and (topic is None or topic.strip().lower() in p.topic.lower())]
    if json:
        emit_json([p.summary() for p in chosen])
    else:
        console().print(render_practice.problem_table(chosen))


@practice_app.command()
def show(reference: Reference, seed: Seed = None, json: opt.Json = False) -> None:
    """Show a problem's statement and its questions (--seed: one of its variants).

    Example: gd practice show quadratic-1d-two-rates --seed 7
    """
    from gdcli.render import practice as render_practice

    problem = _find(reference, seed)
    if json:
        emit_json(problem.to_dict())
    else:
        console().print(render_practice.problem_view(problem))


@practice_app.command()
def check(
    reference: Reference,
    question: Annotated[int, opt.whole_option("--question", "-q", help="The question's number, from 1.")],
    answer: Annotated[str, typer.Option("--answer", "-a", help="Your answer: 0.2, 1/5, [1.2, -0.6], 0 < a < 1, "
                                                                  "2*(x - 3), converges, …")],
    seed: Seed = None,
    json: opt.Json = False,
) -> None:
    """Check an answer: correct or not, with feedback; exit code 0 when correct, 1 when not.

    Example: gd practice check quadratic-1d-two-rates --question 2 --answer "0.6, 1.08, 1.464, 1.7712"
    """
    import time

    from gdcli.files.text import printable
    from gdcli.practice import progress
    from gdcli.render import practice as render_practice

    answer = printable(answer, keep_newlines=False)  # what is graded is what can be shown and recorded
    problem = _find(reference, seed)
    verdict = problem.question(question).check(answer)
    log = progress.read()
    _warn(log.warnings)
    attempt = progress.graded(problem.id, question, verdict.correct, answer, log.attempts, problem.seed,
                              time.time(), verdict.misconception)
    progress.record(attempt)
    if json:
        emit_json({**verdict.to_dict(), "after_solution": attempt.after_solution})
    else:
        console().print(render_practice.verdict_view(verdict, attempt.after_solution))
    if not verdict.correct:
        raise typer.Exit(1)


@practice_app.command()
def solution(reference: Reference, seed: Seed = None, json: opt.Json = False) -> None:
    """Show the worked solution of a problem, with every answer (later answers to it count as after the solution).

    Example: gd practice solution quadratic-1d-two-rates
    """
    import time

    from gdcli.practice import progress
    from gdcli.render import practice as render_practice

    problem = _find(reference, seed)
    for q in problem.questions:
        progress.record(progress.reveal(problem.id, q.number, problem.seed, time.time()))
    if json:
        emit_json({"id": problem.id, "seed": problem.seed, "answers": [{"number": q.number, "answer": q.answer_text()}
                                                 for q in problem.questions]})
    else:
        console().print(render_practice.solution_view(problem))


@practice_app.command()
def progress(
    export: Annotated[Optional[str], typer.Option("--export", help="Also write your attempts (with their variants' "
                                                                   "seeds) to this file, to hand in.",
                                                  show_default=False)] = None,
    student: Annotated[Optional[str], typer.Option("--student", help="Your name in the hand-in file.  [default: "
                                                                     "the file's name]", show_default=False)] = None,
) -> None:
    """Show what you have solved, attempted and not tried yet, by topic (--export: write it to hand in).

    Example: gd practice progress --export ann.json --student ann
    """
    from gdcli.practice import progress as saved
    from gdcli.render import practice as render_practice

    log = saved.read()
    _warn(log.warnings)
    if export is not None:
        from gdcli.cli.output import write_file
        from gdcli.practice import report

        write_file(export, report.hand_in(log.attempts, student))
    console().print(render_practice.progress_table(saved.by_topic(_bank(), log.attempts)))


@practice_app.command()
def report(
    files: Annotated[list[str], typer.Argument(help="Hand-in files (gd practice progress --export).",
                                               show_default=False)],
    csv: Annotated[Optional[str], typer.Option("--csv", help="Also write the per-question table as CSV.",
                                               show_default=False)] = None,
    markdown: Annotated[Optional[str], typer.Option("--markdown", help="Also write the report as Markdown.",
                                                    show_default=False)] = None,
    json: opt.Json = False,
) -> None:
    """A class report from students' hand-in files: per question attempts, first-try success and the most common
    named mistakes; per student the topics mastered. Unreadable files are named and skipped.

    Example: gd practice report hand-ins/*.json --csv class.csv --markdown class.md
    """
    from gdcli.cli.output import write_file
    from gdcli.practice import report as class_report
    from gdcli.render import report as render_report

    made = class_report.class_report(files, _bank())
    _warn(f"skipped {line}" for line in made.skipped)
    if csv is not None:
        write_file(csv, render_report.report_csv(made))
    if markdown is not None:
        write_file(markdown, render_report.report_markdown(made))
    if json:
        emit_json(made.to_dict())
    else:
        console().print(render_report.report_view(made))


@practice_app.command()
def start(
    reference: Annotated[Optional[str], typer.Argument(help="A problem id or file.  [default: every problem, "
                                                             "unsolved first]", show_default=False)] = None,
    difficulty: Difficulty = None,
    seed: Seed = None,
) -> None:
    """An interactive session: answer each question; ? for a hint, s for the solution, skip, q to quit.

    Example: gd practice start --difficulty easy
    """
    from gdcli.practice import progress as saved

    level = _difficulty(difficulty)
    if reference is not None:
        queue = [_find(reference, seed)]
    else:
        log = saved.read()
        _warn(log.warnings)
        order = {"not_tried": 0, "attempted": 1, "solved": 2}
        queue = sorted((p for p in _bank() if level is None or p.difficulty == level),
                       key=lambda p: order[saved.state_of(p, log.attempts)])
        if not queue:
            raise GdError(f"no {level} problems in the bank")
        if seed is not None:
            queue = [_find(str(p.path), seed) if p.values is not None else p for p in queue]
    _Session(console()).run(queue)


class _Session:
    """Asks the questions of each problem in turn, keeping score; input comes from stdin (tests drive it)."""

    def __init__(self, out):
        self.out = out
        self.correct = 0
        self.asked = 0

    def run(self, queue) -> None:
        """Each problem's statement, then its questions; the score after each problem and at the end."""
        from gdcli.errors import ProblemError
        from gdcli.render import practice as render_practice

        try:
            for problem in queue:
                self.out.print(render_practice.problem_view(problem))
                try:
                    finished = all(self.ask(question) for question in problem.questions)
                except ProblemError as error:  # a question the engine cannot answer: this problem is skipped
                    if len(queue) == 1:
                        raise
                    _warn([f"skipped the rest of {problem.id}: {error}"])
                    continue
                if not finished:
                    self.out.print("session ended.")
                    break
                self.out.print(render_practice.score_view(self.correct, self.asked))
            else:
                self.out.print("that was the last problem.")
        except (EOFError, KeyboardInterrupt):
            self.out.print("\nend of input: session ended.")
        self.out.print(render_practice.score_view(self.correct, self.asked))

    def ask(self, question) -> bool:
        """Ask until right, revealed or skipped; False when the student quits (a question left so, or by the end
        of input, is not counted in the score)."""
        import time

        from rich.prompt import Prompt

        from gdcli.files.text import printable
        from gdcli.practice import progress as saved
        from gdcli.render import practice as render_practice

        self.out.print(render_practice.question_view(question))
        hints = iter(question.hints)
        shown = 0
        while True:
            try:
                text = printable(Prompt.ask("answer (? hint, s solution, skip, q quit)", console=self.out),
                                 keep_newlines=False).strip()
            except UnicodeDecodeError:
                self.out.print("that answer was not UTF-8 text: type it again")
                continue
            command = text.lower()
            if not text:
                continue
            if command in QUIT:
                return False
            if command in SKIP:
                self.asked += 1
                return True
            if command in HINT:
                hint = next(hints, None)
                shown += hint is not None
                self.out.print(render_practice.hint_view(hint, shown, len(question.hints)))
                continue
            if command in SOLUTION:
                self.out.print(render_practice.answer_view(question))
                saved.record(saved.reveal(question.problem.id, question.number, question.problem.seed, time.time()))
                self.asked += 1
                return True
            verdict = question.check(text)
            saved.record(saved.Attempt(question.problem.id, question.number, verdict.correct, text, time.time(),
                                       seed=question.problem.seed, mistake=verdict.misconception))
            self.out.print(render_practice.verdict_view(verdict))
            if verdict.correct:
                self.asked += 1
                self.correct += 1
                self.out.print(render_practice.answer_view(question))
                return True


@practice_app.command("export")
def export_quiz(
    format: Annotated[str, typer.Option("--format", help="moodle (Moodle XML) or qti (a QTI 1.2 zip for Canvas).")],
    out: Annotated[str, typer.Option("--out", help="The file to write.")],
    ids: Annotated[Optional[str], typer.Option("--ids", help="Only these problems, e.g. adam-first-step,"
                                                             "momentum-two-steps.")] = None,
    topic: Annotated[Optional[str], typer.Option("--topic", help="Only topics containing this text.")] = None,
    variants: Annotated[int, opt.whole_option("--variants", help="Variants of each problem with parameters (each "
                                                             "certified by the engine).")] = 1,
    seed: Annotated[Optional[str], typer.Option("--seed", help="Draws the variants: the same seed, the same "
                                                               "variants (a whole number or any text).",
                                                show_default=False)] = None,
) -> None:
    """Export problems as a quiz for Moodle (XML) or Canvas (QTI), the variants of each question in one category.

    Example: gd practice export --format moodle --out quiz.xml --topic momentum --variants 20 --seed 2026
    """
    from gdcli.cli.output import write_file
    from gdcli.practice import export, variants as variant_seeds

    with spinner("reading the problem bank…"):
        bank = _bank()
    chosen = bank
    if ids is not None:
        wanted = [i.strip() for i in ids.split(",") if i.strip()]
        known = {p.id for p in bank}
        missing = [i for i in wanted if i not in known]
        if missing or not wanted:
            raise GdError(f"--ids: no problem '{missing[0] if missing else ids}' (gd practice list shows them)")
        chosen = [p for p in bank if p.id in wanted]
    if topic is not None:
        chosen = [p for p in chosen if topic.strip().lower() in p.topic.lower()]
    if not chosen:
        raise GdError("no problems match --ids and --topic (gd practice list shows them)")
    with spinner("computing and certifying the answers…"):
        made = export.export(chosen, format.strip().lower(), variants, 0 if seed is None else variant_seeds.seed_of(seed))
    if made.count == 0:
        raise GdError("none of the chosen questions can be expressed in this format; nothing written")
    write_file(out, made.data)
    typer.echo(f"{made.count} questions from {len(chosen)} problems", err=True)
    for line in made.skipped:
        typer.echo(f"gd: skipped {line}", err=True)
