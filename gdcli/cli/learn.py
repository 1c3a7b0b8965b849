"""`gd learn`: a course of topics with mastery gates, on the practice bank's variants."""

import contextlib
import io
import shutil
import sys
from typing import Annotated, Optional

import typer

from gdcli.cli import options as opt
from gdcli.cli.application import app
from gdcli.cli.output import console, emit_json
from gdcli.errors import GdError


@app.command(rich_help_panel=None)
def learn(
    target: Annotated[Optional[str], typer.Argument(help="A topic's id to open it, or map to see every topic; "
                                                         "default: resume where you left off.",
                                                    show_default=False)] = None,
    no_gates: Annotated[bool, typer.Option("--no-gates", help="Open every topic (self-study).")] = False,
    json: opt.Json = False,
) -> None:
    """A course through gradient descent: each topic's explanation, a live demonstration, then practice on new
    variants until right first tries in a row (three unless the topic says otherwise) open the next topic; a
    revealed solution resets the streak.

    Example: gd learn map
    """
    from gdcli.cli.practice import _warn
    from gdcli.practice import course, progress
    from gdcli.render import learn as render_learn

    topics = course.read_course()
    log = progress.read()
    _warn(log.warnings)
    found = course.standings(topics, log.attempts, gates=not no_gates)
    if target == "map":
        if json:
            emit_json([s.to_dict() for s in found])
        else:
            console().print(render_learn.course_map(found))
        return
    if json:
        raise GdError("--json goes with gd learn map")
    if target is not None:
        index = next((i for i, s in enumerate(found) if s.topic.id == target.strip()), None)
        if index is None:
            raise GdError(f"no topic '{target}' in the course (gd learn map shows them)")
        if found[index].state == "locked":
            raise GdError(f"topic '{target}' is locked: master '{found[index - 1].topic.id}' first "
                          "(or use --no-gates)")
    else:
        standing = course.resume(found)
        if standing is None:
            console().print("every topic is mastered: gd learn TOPIC opens one again, gd practice has the bank.")
            return
        index = found.index(standing)
    _Lesson(console(), topics, no_gates).run(index)


class _Lesson:
    """Topic after topic from ``index``: the screen, the demonstration, practice until the gate."""

    def __init__(self, out, topics, no_gates: bool):
        from gdcli.cli.practice import _Session

        self.out = out
        self.topics = topics
        self.gates = not no_gates
        self.session = _Session(out)

    def run(self, index: int) -> None:
        try:
            while index is not None and index < len(self.topics):
                if not self.topic(index):
                    self.out.print("your place is kept: gd learn resumes here.")
                    return
                index += 1
                if index < len(self.topics):
                    self.out.print(f"next topic: {self.topics[index].title}")
            self.out.print("that was the last topic: the course is complete.")
        except (EOFError, KeyboardInterrupt):
            self.out.print("\nend of input: your place is kept; gd learn resumes here.")

    def standing(self, index: int):
        from gdcli.practice import course, progress

        return course.standings(self.topics, progress.read().attempts, self.gates)[index]

    def topic(self, index: int) -> bool:
        """One topic; True when its gate is passed (go on), False when the student quits or no variant is left."""
        from gdcli.render import learn as render_learn

        standing = self.standing(index)
        self.out.print(render_learn.topic_screen(standing, index + 1, len(self.topics), self.out.width))
        if not self.ask("Enter: the demonstration · q: quit"):
            return False
        if not self.demonstrate(standing.topic):
            return False
        return self.practise(standing.topic, standing.state == "mastered")

    def ask(self, prompt: str) -> bool:
        """Wait for Enter; False when the student types q."""
        from rich.prompt import Prompt

        return Prompt.ask(prompt, console=self.out, default="", show_default=False).strip().lower() not in ("q", "quit")

    def demonstrate(self, topic) -> bool:
        """The topic's gd command, run here by the engine, shown one screen at a time (a screen is the terminal's
        height less the prompt's line and the line of the answer before it); what it writes on stderr (no spinner
        then) comes after its output. False when the student quits."""
        from gdcli.render import learn as render_learn

        width, height = shutil.get_terminal_size((80, 24))
        screen, notes = _Screen(sys.stdout.isatty()), io.StringIO()
        with contextlib.redirect_stdout(screen), contextlib.redirect_stderr(notes):
            failure = _run_command(topic.demo)
        lines = [*render_learn.command_lines(topic.demo, width), *screen.getvalue().splitlines(),
                 *notes.getvalue().splitlines()]
        if failure:
            lines.append(f"the demonstration could not run: {failure}")
        return self.page_through(lines, height - 2, "Enter: practice · q: quit")

    def page_through(self, lines: list[str], size: int, last: str | None) -> bool:
        """``lines`` a page of at most ``size`` lines at a time (at least 5), "Enter: more" between pages and
        the prompt ``last`` after the last (none when None: what follows is asked at once). False when the
        student quits."""
        from rich.text import Text

        from gdcli.render import learn as render_learn

        found = render_learn.pages(lines, max(size, 5))
        for number, page in enumerate(found, start=1):
            self.out.print(Text.from_ansi("\n".join(page)))
            prompt = f"page {number}/{len(found)} · Enter: more · q: quit" if number < len(found) else last
            if prompt is not None and not self.ask(prompt):
                return False
        return True

    def practise(self, topic, was_mastered: bool) -> bool:
        from gdcli.practice import course, problems, progress
        from gdcli.render import learn as render_learn
        from gdcli.render import practice as render_practice

        shown: set = set()
        turn = 0
        while True:
            seen = course.seen_variants(progress.read().attempts) | shown
            variant = None
            for offset in range(len(topic.templates)):
                pid = topic.templates[(turn + offset) % len(topic.templates)]
                try:
                    problem = problems.find(pid)
                except GdError as error:
                    raise GdError(f"course file {topic.path.name}: templates: {error}") from None
                seed = course.fresh_variant(problem, seen, topic)
                if seed is not False:
                    variant = problem if seed is None else problems.find(pid, seed=seed)
                    turn += offset + 1
                    break
            if variant is None:
                self.out.print("no new variants are left in this topic's templates.")
                return False
            shown.add((variant.id, variant.seed))
            # the problem a screen at a time, its last page leaving room for the first question and its prompt
            with self.out.capture() as problem:
                self.out.print(render_practice.problem_view(variant))
            with self.out.capture() as first:
                self.out.print(render_practice.question_view(variant.questions[0]))
            room = shutil.get_terminal_size((80, 24))[1] - len(first.get().splitlines()) - 2
            if not self.page_through(problem.get().splitlines(), room, None):
                return False
            for question in variant.questions:
                if not self.session.ask(question):
                    return False
                current, mastered = course.streak(topic, progress.read().attempts)
                self.out.print(render_learn.streak_line(current, topic.gate, mastered))
                if mastered and not was_mastered:
                    return True


class _Screen(io.StringIO):
    """Where a demonstration prints while it is cut into screens: a terminal when stdout is one, so its colours
    are kept."""

    def __init__(self, terminal: bool):
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def _run_command(words) -> str | None:
    """Run ``gd WORDS`` in this process; the error message when it could not run, else None."""
    import click

    from gdcli.cli import load

    try:
        command = typer.main.get_command(load([words[0]]))
        command.main(list(words), prog_name="gd", standalone_mode=False)
    except SystemExit:  # the command's own exit at its end: the lesson goes on
        pass
    except (GdError, click.ClickException, KeyError) as error:
        return str(error)
    return None
