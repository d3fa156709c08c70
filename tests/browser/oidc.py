"""A real OpenID Connect provider on a loopback port for the sign-in browser tests:
``oidc-provider`` from the npm registry (tests/browser/oidc/provider.mjs), run by Node, with
test accounts whose tokens carry the council's group and partnership claims.

``sign_in`` walks its own login and consent forms in the browser, as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from browser_helpers import free_port, stop_process, wait_until_answering
from playwright.sync_api import Page

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "locality-explorer"
CLIENT_SECRET = "tests-only-secret"  # noqa: S105 (a throwaway provider on 127.0.0.1)


def node_missing() -> str | None:
    """Why the provider cannot run here (no Node or npm), or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (Debian: apt-get install nodejs npm)"
    return None


def install_provider() -> None:
    """``npm ci`` once: the pinned oidc-provider and its dependencies (package-lock.json)."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PROVIDER_DIR,
        check=True,
        capture_output=True,
        timeout=300,
    )


@dataclass
class OidcProvider:
    """``node provider.mjs`` on a free loopback port; ``accounts``: login -> ID token claims."""

    accounts: dict[str, dict]
    redirect_uri: str
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self, timeout: float = 30) -> OidcProvider:
        install_provider()
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_ACCOUNTS": json.dumps(self.accounts),
            "OIDC_CLIENT": json.dumps(
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [self.redirect_uri],
                }
            ),
        }
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            ["node", "provider.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_answering(self.process, self.metadata_url, "the OpenID provider", timeout)
        return self

    def stop(self) -> None:
        stop_process(self.process)

    def streamlit_secrets(self, cookie_secret: str) -> str:
        """The app's .streamlit/secrets.toml ``[auth]`` for this provider (as a council's
        would be for Entra ID, with its own metadata URL). oidc-provider's own forms do not
        know Streamlit's default prompt (select_account), so ``consent`` is asked for."""
        return (
            "[auth]\n"
            f'redirect_uri = "{self.redirect_uri}"\n'
            f'cookie_secret = "{cookie_secret}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{self.metadata_url}"\n'
            'client_kwargs = { scope = "openid profile email groups", prompt = "consent" }\n'
        )


def sign_in(page: Page, login: str, app_url: str) -> None:
    """On the provider's pages (after the app's "Sign in"): log in as ``login`` (any
    password), agree to share the claims, and wait to be back on the app at ``app_url``."""
    page.wait_for_url("**/interaction/**")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', "any")
    page.click('button[type="submit"]')
    page.wait_for_selector('input[name="login"]', state="detached")  # now the consent form
    page.click('button[type="submit"]')
    _wait_back_on(page, app_url)


def confirm_sign_out(page: Page, app_url: str) -> None:
    """On the provider's "sign out?" page (after the app's "Sign out"): confirm, and wait
    to be back on the app at ``app_url`` (the provider sends the browser to /oauth2callback,
    which Streamlit turns into its home address)."""
    page.wait_for_url("**/session/end**")
    page.click('button[name="logout"]')
    _wait_back_on(page, app_url)


def _wait_back_on(page: Page, app_url: str) -> None:
    """Wait until the provider has sent the browser back to the app, past /oauth2callback."""
    page.wait_for_url(lambda url: url.startswith(app_url) and "oauth2callback" not in url)
