"""Sign-in in the app: who the visitor is (contract.access.Viewer) and the sidebar's sign-in
line. Streamlit's own OpenID Connect sign-in (``st.login``) against the council's identity
provider, set in .streamlit/secrets.toml ``[auth]``; on only when ``[sign_in] enabled`` in
the council settings. The query layer does the filtering (queries.access): this module only
says who is asking."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from contract import settings
from contract.access import ANONYMOUS, EVERYONE, ROLE_LABELS, SCHOOL, Viewer, viewer_from_claims


def sign_in_settings() -> settings.SignIn:
    return settings.load_config(settings.default_config_path()).sign_in


def current_viewer() -> Viewer:
    """Everyone when sign-in is off; else the signed-in user's role, or the public's. Away
    from a page's run (no session to ask) the public's: never more than the page had."""
    sign_in = sign_in_settings()
    if not sign_in.enabled:
        return EVERYONE
    if get_script_run_ctx(suppress_warning=True) is None or not st.user.is_logged_in:
        return ANONYMOUS
    return viewer_from_claims(
        st.user.to_dict(), sign_in.roles, sign_in.groups_claim, sign_in.partnership_claim
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
    name = st.user.get("name") or st.user.get("email") or "you"
    role = ROLE_LABELS[viewer.role]
    if viewer.role == SCHOOL:
        role = (
            f"School staff: the council's data for {viewer.partnership}"
            if viewer.partnership
            else "School staff (no partnership named in your account: published data only)"
        )
    st.caption(f"Signed in as {name}. {role}.")
    st.button("Sign out", icon=":material/logout:", key="sign-out", on_click=st.logout)


def council_data_note(what: str) -> None:
    """Where a page's section is the council's own data and this viewer may not see it."""
    viewer = current_viewer()
    if viewer.sees_all_council_data:
        return
    if viewer.anonymous:
        st.info(f"{what} is the council's own data: council staff can sign in to see it.")
    elif viewer.sees_some_council_data:
        st.info(f"{what} is the council's own data: you can see your partnership's.")
    else:
        st.info(f"{what} is the council's own data: your account is not given it.")
