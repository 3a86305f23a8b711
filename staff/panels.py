"""Panels other areas add to the staff case page (information requests, learning, Ombudsman).

Each area registers one function that returns (template, context) for a case, or None to show
nothing. Each function may run at most one SQL query: the case page must stay within 10.
"""

from __future__ import annotations

from collections.abc import Callable

from shared.models import Case

Panel = Callable[[Case], tuple[str, dict] | None]
_PANELS: list[Panel] = []


def case_panel(function: Panel) -> Panel:
    _PANELS.append(function)
    return function


def panels_for(case: Case) -> list[tuple[str, dict]]:
    return [panel for panel in (function(case) for function in _PANELS) if panel is not None]
