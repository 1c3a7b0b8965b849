"""The interactive stepper's model: a run replayed one step at a time with the optimizer's state, without
any drawing (gdcli.render.step draws it; gdcli.cli.step drives the terminal).

It imports gdcli.engine and gdcli.errors, and none of its siblings.
"""
