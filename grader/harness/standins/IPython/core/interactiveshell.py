from grader.harness.shell import InteractiveShell

__all__ = ["InteractiveShell"]
