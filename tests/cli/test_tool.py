"""Around the tool: `gd --version`, shell completion, the shipped datasets by name (issue 13)."""

import os
import tomllib

from tests.conftest import ROOT, run_python


def test_version_is_the_project_version(cli):
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"gd {expected}"


def test_shell_completion_is_offered_and_completes_commands():
    # the shell is named, not detected from the parent processes (as typer's own tests do), so this holds
    # wherever the tests run: under a terminal, in CI or as a detached job
    script = run_python("import sys; sys.argv = ['gd', '--show-completion', 'bash']; from gdcli.cli import main; main()",
                        env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0 and "_GD_COMPLETE" in script.stdout, script.stderr
    done = run_python("import sys; sys.argv = ['gd']; from gdcli.cli import main; main()",
                      env={"_GD_COMPLETE": "complete_bash", "COMP_WORDS": "gd sol", "COMP_CWORD": "1"})
    assert done.stdout.split() == ["solve"]


def test_datasets_lists_the_shipped_files_with_their_columns(cli):
    result = cli("datasets")
    assert result.exit_code == 0
    for line in (ROOT / "problems" / "data" / "four_points.csv").read_text().splitlines()[:1]:
        assert "four_points.csv" in result.stdout and ", ".join(line.split(",")) in result.stdout


def test_a_dataset_is_found_by_name_from_any_folder(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    by_name = cli("fit", "four_points.csv", "--target", "y", "--epochs", "1", "--json")
    by_stem = cli("fit", "four_points", "--target", "y", "--epochs", "1", "--json")
    assert by_name.exit_code == 0 and by_stem.exit_code == 0, by_name.stderr
    missing = cli("fit", "nonesuch.csv", "--target", "y")
    assert missing.exit_code == 2 and "gd datasets lists them" in missing.stderr
    assert not os.listdir(tmp_path)


def test_help_texts_show_defaults_one_way():
    """Every option's default reads "[default: …]" (Typer's form), never "(default …)" or a bare "[0.9]"."""
    import re

    import typer

    from gdcli.cli import app

    def commands(group):
        for command in group.commands.values():
            yield command
            if hasattr(command, "commands"):
                yield from commands(command)

    texts = [param.help or "" for command in commands(typer.main.get_group(app)) for param in command.params]
    assert texts
    for text in texts:
        assert not re.search(r"\(default", text), text
        assert not re.search(r"\[(?!default: )[^\]]*\]$", text.strip()), text


def test_numpy_starts_one_blas_thread_unless_the_user_sets_it():
    # a BLAS thread pool only costs start-up on gd's small matrices; a user's own setting is kept
    code = ("import os, sys; sys.argv = ['gd', 'solve', '--json']; from gdcli.cli import main\n"
            "try:\n    main()\nfinally:\n    import numpy\n"
            "    print(os.environ['OPENBLAS_NUM_THREADS'], 'numpy' in sys.modules, file=sys.stderr)")
    unset = {name: value for name, value in os.environ.items() if not name.endswith("_NUM_THREADS")}
    for given, expected in ((None, "1"), ("2", "2")):
        env = dict(unset, **({"OPENBLAS_NUM_THREADS": given} if given else {}))
        result = run_python(code, env=env, clear=True)
        assert result.stderr.split()[-2:] == [expected, "True"], result.stderr


def test_a_subcommand_run_builds_only_its_own_options_and_a_typo_still_gets_suggestions():
    code = ("import sys; from gdcli.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "from gdcli.cli.practice import practice_app\n"
            "print(*(c.callback.__name__ for c in practice_app.registered_commands), file=sys.stderr)")
    listed = run_python("import sys; sys.argv = ['gd', 'practice', 'list']\n" + code)
    assert listed.stdout.splitlines()[0].split() == ["id", "title", "level", "topic"]
    assert listed.stderr.split() == ["list_problems"]
    typo = run_python("import sys; sys.argv = ['gd', 'practice', 'chek']\n" + code)
    assert "Did you mean 'check'?" in typo.stderr
    assert len(typo.stderr.splitlines()[-1].split()) == 8
