"""Pictures of a landscape: the basins of attraction coloured on the plane, minima marked."""

from __future__ import annotations

from matplotlib.colors import ListedColormap

from gdcli.figure import new_figure, save


def plot_basins(result, path: str, dpi: int = 150):
    """Each start coloured by the critical point it reaches (grey: diverged, white: not converged)."""
    figure = new_figure(7.0, 6.0)
    axes = figure.add_subplot()
    count = len(result.points)
    palette = ["#ffffff", "#9e9e9e"] + [f"C{i % 10}" for i in range(count)]
    image = result.labels + 2  # NOT_CONVERGED → 0, DIVERGED → 1, basin i → i + 2
    (x0, x1), (y0, y1) = result.region
    axes.imshow(image, origin="lower", extent=(x0, x1, y0, y1), cmap=ListedColormap(palette), vmin=0,
                vmax=len(palette) - 1, interpolation="nearest", aspect="auto")
    for i, p in enumerate(result.points):
        marker = {"minimum": "*", "maximum": "^", "saddle": "x"}.get(p.kind, "o")
        axes.plot(*p.point, marker=marker, color="black", markersize=12 if p.kind == "minimum" else 8,
                  linestyle="none", label=f"{p.kind} ({p.point[0]:.3g}, {p.point[1]:.3g}): "
                                          f"{100 * result.share(i):.1f}%")
    names = result.objective.names
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1])
    axes.set_title(f"basins of attraction: {result.objective.text}, {result.optimizer.name}, α = {result.lr:g}")
    if result.points:
        axes.legend(loc="upper right", fontsize="small")
    return save(figure, path, dpi)


