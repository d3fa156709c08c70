"""Selections that live in the URL, so a chair can send a link that opens the same view.

Each widget reads its starting value from ``st.query_params`` (when it is a valid
option) and writes the current value back, so the address bar always matches
the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


#: Session keys remembering what each parameter's widget last wrote to the address.
WRITTEN_PREFIX = "url-written-"


def _start_value(param: str, options: Sequence[T], default: T | None, key: str) -> None:
    """Set the widget's value before it is drawn. The address wins when it names a valid
    option that differs from what a widget last wrote to it: the address changed under
    the app (an in-app link, Back or Forward, a pasted link), so it says what to show. A
    widget's state from another page is never kept against the address."""
    raw = st.query_params.get(param)
    if raw is not None and raw != st.session_state.get(WRITTEN_PREFIX + param):
        for option in options:
            if str(option) == raw:
                st.session_state[key] = option
                return
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = _from_url(param, options, default)


def _write(param: str, value: object) -> None:
    st.query_params[param] = str(value)
    st.session_state[WRITTEN_PREFIX + param] = str(value)


def _from_url(param: str, options: Sequence[T], default: T | None) -> T | None:
    raw = st.query_params.get(param)
    if raw is not None:
        for option in options:
            if str(option) == raw:
                return option
    if default is not None and default in options:
        return default
    return options[0] if options else None


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
    _write(param, value)
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
    _write(param, value)
    return value
