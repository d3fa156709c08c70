"""Selections that live in the URL, so a chair can send a link that opens the same view.

Each widget reads its starting value from ``st.query_params`` (when it is a valid
option) and writes the current value back, so the address bar always matches
the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

T = TypeVar("T")


#: Session keys remembering what each parameter's widget last wrote to the address.
WRITTEN_PREFIX = "url-written-"
#: Parameters written even when they hold the page's default: the default year is the
#: latest in the data, so a shared link that left it out would open another year once the
#: next year's files are added. Other defaults are fixed, and a missing parameter means one.
ALWAYS_IN_ADDRESS = frozenset({"year"})


def _start_value(param: str, options: Sequence[T], default: T | None, key: str) -> None:
    """Set the widget's value before it is drawn, every run. The address wins when it names
    a valid option that differs from what a widget last wrote to it: the address changed
    under the app (an in-app link, Back or Forward, a pasted link), so it says what to show.
    Otherwise the value on screen stays.

    The value is assigned even when it is already in the session: after a page change, or
    Back and Forward, the widget on the new page is another widget under the same key, and
    Streamlit would draw it with its own first option (or the browser's stale value for
    it) instead of the value the session holds (found by the links browser test: county
    overview's "fsm_percent" opened Compare localities on "pupils")."""
    raw = st.query_params.get(param)
    chosen = None
    if raw is not None and raw != st.session_state.get(WRITTEN_PREFIX + param):
        chosen = next((option for option in options if str(option) == raw), None)
    elif raw is None and _is_history_navigation():
        chosen = _page_default(options, default)  # that entry showed the page's default
    if chosen is None:
        current = st.session_state.get(key)
        chosen = current if current in options else _from_url(param, options, default)
    st.session_state[key] = chosen


def _is_history_navigation() -> bool:
    """True on the run that Back or Forward started."""
    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def _page_default(options: Sequence[T], default: T | None) -> T | None:
    """What the page shows when the address does not name a value."""
    if default is not None and default in options:
        return default
    return options[0] if options else None


def _write(param: str, value: object, options: Sequence[T], default: T | None) -> None:
    """Put the value in the address only when the address does not already say it (a
    missing parameter says the page's default). Every change to the address adds an entry
    to the browser's history: a page that rewrote an address it had just been opened on
    added a second entry, so Back from a link's page stayed on it (the links browser test)."""
    raw = st.query_params.get(param)
    implied = raw
    if raw is None and param not in ALWAYS_IN_ADDRESS:
        implied = str(_page_default(options, default))
    if str(value) != implied:
        st.query_params[param] = str(value)
    st.session_state[WRITTEN_PREFIX + param] = str(value)


def _from_url(param: str, options: Sequence[T], default: T | None) -> T | None:
    raw = st.query_params.get(param)
    if raw is not None:
        for option in options:
            if str(option) == raw:
                return option
    return _page_default(options, default)


def url_selectbox(
    label: str,
    options: Sequence[T],
    param: str,
    default: T | None = None,
    format_func: Callable[[T], str] = str,
    help: str | None = None,
    container=st,
) -> T | None:
    """A selectbox whose value is kept in the URL query parameter ``param``."""
    options = list(options)
    if not options:
        container.info(f"No {label.lower()} to choose from in this warehouse.")
        return None
    key = f"url-{param}"
    _start_value(param, options, default, key)
    value = container.selectbox(label, options, key=key, format_func=format_func, help=help)
    _write(param, value, options, default)
    return value


def url_radio(
    label: str,
    options: Sequence[T],
    param: str,
    default: T | None = None,
    format_func: Callable[[T], str] = str,
    help: str | None = None,
    horizontal: bool = True,
    container=st,
) -> T | None:
    """A radio group whose value is kept in the URL query parameter ``param``."""
    options = list(options)
    key = f"url-{param}"
    _start_value(param, options, default, key)
    value = container.radio(
        label, options, key=key, format_func=format_func, help=help, horizontal=horizontal
    )
    _write(param, value, options, default)
    return value


def url_multiselect(
    label: str,
    options: Sequence[T],
    param: str,
    default: Sequence[T] = (),
    format_func: Callable[[T], str] = str,
    help: str | None = None,
    placeholder: str | None = None,
    container=st,
) -> list[T]:
    """A multiselect whose choices are kept in the URL as one ``param=`` per choice.

    The same address-wins rule as the single pickers, over the whole list."""
    options = list(options)
    key = f"url-{param}"
    raw = st.query_params.get_all(param)
    written = st.session_state.get(WRITTEN_PREFIX + param)
    by_text = {str(option): option for option in options}
    if raw and raw != written:
        chosen = [by_text[text] for text in raw if text in by_text]
    elif key in st.session_state:
        chosen = [value for value in st.session_state[key] if value in options]
    else:
        chosen = [value for value in default if value in options]
    st.session_state[key] = list(dict.fromkeys(chosen))
    values = container.multiselect(
        label, options, key=key, format_func=format_func, help=help, placeholder=placeholder
    )
    texts = [str(value) for value in values]
    if texts != raw:  # as for the single pickers: no history entry for an unchanged address
        st.query_params[param] = texts
    st.session_state[WRITTEN_PREFIX + param] = texts
    return list(values)


def url_toggle(label: str, param: str, default: bool, help: str | None = None) -> bool:
    """A toggle kept in the URL as ``param=yes`` / ``param=no`` (missing: the default)."""
    names = {True: "yes", False: "no"}
    chosen = url_radio_value(param, [True, False], default, names)
    st.session_state[f"url-{param}"] = chosen
    value = st.toggle(label, key=f"url-{param}", help=help)
    raw = st.query_params.get(param)
    if names[value] != (raw if raw is not None else names[default]):
        st.query_params[param] = names[value]
    st.session_state[WRITTEN_PREFIX + param] = names[value]
    return bool(value)


def url_radio_value(param: str, options: Sequence[T], default: T, names: dict) -> T:
    """The value a two-state control starts a run with, by the same address-wins rule."""
    raw = st.query_params.get(param)
    key = f"url-{param}"
    if raw is not None and raw != st.session_state.get(WRITTEN_PREFIX + param):
        for option in options:
            if names[option] == raw:
                return option
    if raw is None and _is_history_navigation():
        return default
    current = st.session_state.get(key)
    if current in options:
        return current
    return next((o for o in options if names[o] == raw), default)


def url_tabs(labels: Sequence[str], param: str) -> Sequence:
    """Tabs whose open tab is kept in the URL (``?<param>=<label>``; the first tab: none),
    by the same rule as the pickers. Streamlit's own binding (``bind="query-params"``)
    carried a page's tab parameter onto the next page when a link was clicked, and the
    next page then removed it: two entries in the browser's history, so Back from a link
    stayed on the linked page (the links browser test). The session key is ``param``."""
    labels = list(labels)
    _start_value(param, labels, labels[0], param)
    tabs = st.tabs(labels, key=param, on_change="rerun")
    _write(param, st.session_state[param], labels, labels[0])
    return tabs
