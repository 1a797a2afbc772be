"""Which process holds a piece of work, and whether it is dead: a mark of the host, the pid
namespace and the pid ("vm.4026531836+1234+"), which a process of the same machine and namespace
can check. A take being sent or stored, and a temporary file being written, carry their
writer's mark, so a starting cluster gives back at once what a killed process held instead of
waiting for a deadline. A mark from another machine (or container) is never judged dead."""

from __future__ import annotations

import os
import socket


def _namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").strip("pid:[]")
    except OSError:
        return "0"


def mark(pid: int | None = None) -> str:
    """This process's mark, or that of process `pid` of this machine and namespace ('+' is in
    neither a host name nor tempfile's random part)."""
    return f"{socket.gethostname()}.{_namespace()}+{pid or os.getpid()}+"


def is_dead(marked: str) -> bool:
    """Whether `marked` (a mark, or a name that starts with one) names a process of this
    machine and namespace that no longer exists."""
    place, _, rest = marked.partition("+")
    pid, sep, _ = rest.partition("+")
    if not sep or not pid.isdigit() or place != mark().partition("+")[0]:
        return False  # not a mark, or another machine's: a deadline decides
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, as another user's
    return False
