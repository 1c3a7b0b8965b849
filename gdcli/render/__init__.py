"""Text for people: rich renderables and Markdown built from results, never printed here. solve (the
header, iterate table, stability panel and verdict), analysis (analyze, compare, sweep, basins, the worked
steps), fit, practice, step (the stepper's screen) and markdown (handouts).

It may import every package below it (plots, landscape, practice, fit, step, engine, files, errors), never
gdcli.cli.
"""
