from grader.harness.shell import get_ipython

__all__ = ["get_ipython"]
