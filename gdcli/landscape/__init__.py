"""Understanding a landscape beyond one run: critical points and convexity (analysis), the worked steps and
update map (explain), many runs at once (batch) for learning-rate sweeps (sweep) and basins of attraction
(basins), and several optimizers side by side (compare).

It imports gdcli.engine, gdcli.files and gdcli.errors, and none of its siblings (practice, fit, step).
"""
