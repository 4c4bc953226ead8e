"""What packages above search do after a search, without search importing them.

Surveys logs the searches that found nothing (`surveys.search_log`): it registers
here (from the app factory) and the page and the API call `after_search`.
"""
from __future__ import annotations

from collections.abc import Callable

from .params import SearchParams
from .port import SearchResult

AfterSearch = Callable[[SearchParams, SearchResult], None]
_after: dict[str, AfterSearch] = {}


def register_after_search(name: str, hook: AfterSearch) -> None:
    """Call `hook(params, result)` after every search a person runs (page or API); one hook per name."""
    _after[name] = hook


def after_search(params: SearchParams, result: SearchResult) -> None:
    """Run the registered hooks, in the order they were first registered."""
    for hook in _after.values():
        hook(params, result)
