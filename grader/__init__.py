"""grader: grade coding and ML take-home exercises in a sandbox."""

__version__ = "0.1.0"
