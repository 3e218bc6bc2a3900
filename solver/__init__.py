"""The AdaServe token-selection problem: model, parsing, validation, greedy variants.

Public API::

    from solver import load_instance, parse_instance, solve_reference, Selection
"""

from .errors import (
    AdaserveError,
    Inconclusive,
    InputError,
    InstanceError,
    SelectionFormatError,
)
from .model import Instance, Request, Tree
from .parse import load_instance, loads_instance, parse_instance
from .reference import solve_reference
from .registry import SOLVERS, get_solver
from .selection import (
    INVALID,
    OK,
    UNSUPPORTED,
    Selection,
    load_selection,
    loads_selection,
    parse_selection,
)

__all__ = [
    "AdaserveError",
    "Inconclusive",
    "InputError",
    "InstanceError",
    "SelectionFormatError",
    "Instance",
    "Request",
    "Tree",
    "load_instance",
    "loads_instance",
    "parse_instance",
    "solve_reference",
    "SOLVERS",
    "get_solver",
    "INVALID",
    "OK",
    "UNSUPPORTED",
    "Selection",
    "load_selection",
    "loads_selection",
    "parse_selection",
]
