"""Figure settings notebooks change: nothing is shown while grading."""

from grader.harness.shell import set_matplotlib_formats

__all__ = ["figsize", "set_matplotlib_formats"]


def figsize(sizex: float = 8, sizey: float = 6) -> None:
    """Figures are not shown while grading, at any size."""
