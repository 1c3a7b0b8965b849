"""Cutting a demonstration into screens (gdcli.render.learn.pages) and folding its command line."""

from gdcli.render.learn import command_lines, pages


def test_pages_never_exceed_the_size_keep_every_line_and_cut_where_a_block_starts():
    lines = [f"row {i}" for i in range(8)] + [""] + ["╭─ panel", "│ a", "╰─"] + [f"tail {i}" for i in range(6)]
    found = pages(lines, 10)
    assert all(len(page) <= 10 for page in found)
    assert [line for page in found for line in page] == [line for line in lines if line]
    assert found[0] == lines[:8]  # cut at the blank line (in the second half), not in the middle of the panel
    assert found[1][0] == "╭─ panel"


def test_without_a_block_edge_in_the_second_half_the_page_is_cut_at_its_size():
    lines = [f"row {i}" for i in range(25)]
    assert [len(page) for page in pages(lines, 10)] == [10, 10, 5]
    assert pages([], 10) == [] and pages(["", ""], 10) == []


def test_a_long_command_is_folded_with_shell_continuations():
    words = ["fit", "linear", "--target", "y", "--compare-batch-sizes", "1,16,full", "--epochs", "20"]
    lines = command_lines(words, 40)
    assert all(len(line) <= 40 for line in lines) and len(lines) > 1
    assert all(line.endswith(" \\") for line in lines[:-1])
    assert " ".join(line.removesuffix(" \\").strip() for line in lines) == "$ gd " + " ".join(words)
    assert command_lines(["solve", "(x-3)^2"], 80) == ["$ gd solve '(x-3)^2'"]
