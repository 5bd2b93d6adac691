"""Older notebooks import display objects from IPython.core.display."""

from IPython.display import *  # noqa: F403
from IPython.display import __all__  # noqa: F401
