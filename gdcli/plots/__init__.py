"""Pictures on matplotlib's Agg canvas (never pyplot): the window and colours (view), drawing on axes
(draw), a run's figure (trajectory), the 3-D surface (surface), GIF and MP4 animations (animation), the
files `gd solve` asks for (pictures), sweeps and basins (landscape) and fits (fit); figure saves atomically.

It imports the engine and the results of landscape and fit, never render or cli. Nothing outside plots
imports matplotlib.
"""
