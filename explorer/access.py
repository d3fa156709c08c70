"""Sign-in in the app: who the visitor is (contract.access.Viewer) and the sidebar's sign-in
line. Streamlit's own OpenID Connect sign-in (``st.login``) against the council's identity
provider, set in .streamlit/secrets.toml ``[auth]``; on only when ``[sign_in] enabled`` in
the council settings. The query layer does the filtering (queries.access): this module only
says who is asking."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from contract import settings
from contract.access import ANONYMOUS, EVERYONE, ROLE_LABELS, SCHOOL, Viewer, viewer_from_claims


def sign_in_settings() -> settings.SignIn:
    return settings.load_config(settings.default_config_path()).sign_in


#: The viewer a cached computation was keyed by (``as_viewer``): everything it asks for
#: is answered for that viewer, even if the settings or the sign-in change meanwhile.
_PINNED: ContextVar[Viewer | None] = ContextVar("pinned_viewer", default=None)


@contextmanager
def as_viewer(viewer: Viewer) -> Iterator[None]:
    """Within the block, ``current_viewer()`` is ``viewer`` (this thread only): a result
    cached under a viewer's key is then made only from what that viewer may see."""
    token = _PINNED.set(viewer)
    try:
        yield
    finally:
        _PINNED.reset(token)


def current_viewer() -> Viewer:
    """Everyone when sign-in is off; else the signed-in user's role, or the public's. Away
    from a page's run (no session to ask) the public's: never more than the page had.
    Inside ``as_viewer``, that viewer."""
    pinned = _PINNED.get()
    return pinned if pinned is not None else _viewer_of_this_run()


def _viewer_of_this_run() -> Viewer:
    sign_in = sign_in_settings()
    if not sign_in.enabled:
        return EVERYONE
    if get_script_run_ctx(suppress_warning=True) is None:
        return ANONYMOUS
    claims = st.user.to_dict()  # no is_logged_in at all when no provider is configured
    if not claims.get("is_logged_in"):
        return ANONYMOUS
    return viewer_from_claims(
        claims, sign_in.roles, sign_in.groups_claim, sign_in.partnership_claim
    )


def viewer_key() -> str:
    """The current viewer as a cache key (results differ by what the viewer may see)."""
    return current_viewer().key


def sidebar_sign_in() -> None:
    """Who is signed in and what they see, with the button to sign in or out (nothing when
    sign-in is off)."""
    if not sign_in_settings().enabled:
        return
    viewer = current_viewer()
    if viewer.anonymous:
        st.caption(
            "You are seeing the DfE's published data. Council staff: sign in to see the "
            "council's own data (top-up funding, the termly SEND return, the exclusions log)."
        )
        st.button("Sign in", icon=":material/login:", key="sign-in", on_click=st.login)
        return
    claims = st.user.to_dict()
    name = claims.get("name") or claims.get("email") or "you"
    role = ROLE_LABELS[viewer.role]
    if viewer.role == SCHOOL:
        role = (
            f"School staff: the council's data for {viewer.partnership}"
            if viewer.partnership
            else "School staff (no partnership named in your account: published data only)"
        )
    st.caption(f"Signed in as {name}. {role}.")
    st.button("Sign out", icon=":material/logout:", key="sign-out", on_click=st.logout)


def may_see_council_data_of(partnership: str) -> bool:
    """Whether this run's viewer surely sees the council's own figures for ``partnership``
    (for the words of an empty section: the query layer decides what is shown)."""
    viewer = current_viewer()
    return viewer.sees_all_council_data or (
        viewer.sees_some_council_data and viewer.partnership == partnership
    )


def empty_council_section(level: str, area: str, no_data: str, what: str) -> None:
    """An empty section of the council's own data: ``no_data`` where the viewer sees the
    area's council data (there is none), else why it is not shown."""
    if current_viewer().sees_all_council_data or (
        level == "Partnership" and may_see_council_data_of(area)
    ):
        st.info(no_data)
    else:
        council_data_note(what)


def council_data_note(what: str) -> None:
    """Where a page leaves out the council's own data this viewer may not see: ``what`` it
    is, and how to see it."""
    viewer = current_viewer()
    if viewer.sees_all_council_data:
        return
    if viewer.anonymous:
        how = "Council staff can sign in (in the sidebar) to see it."
    elif viewer.sees_some_council_data:
        how = f"Your account shows it for {viewer.partnership} and its schools only."
    else:
        how = "Your account is not given it: ask the council's data team if you need it."
    st.info(f"{what}: the council's own data, not published. {how}", icon=":material/lock:")
