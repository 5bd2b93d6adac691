"""IPython.core, as far as notebooks reach into it."""
