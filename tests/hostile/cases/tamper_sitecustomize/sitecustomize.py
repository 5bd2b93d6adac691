"""Would run at every interpreter start-up on the path, before any grader code."""

import builtins

builtins.__dict__["hostile_sitecustomize"] = True
