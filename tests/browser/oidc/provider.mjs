// A local OpenID Connect provider for the sign-in browser tests (tests/browser/oidc.py starts
// it; never deployed). Accounts and their claims come from OIDC_ACCOUNTS (JSON: login ->
// claims), the one client from OIDC_CLIENT (JSON); it listens on 127.0.0.1:OIDC_PORT.
// devInteractions is oidc-provider's own login and consent form: any password signs in a
// known login.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const client = JSON.parse(process.env.OIDC_CLIENT);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    // st.logout sends the browser to end_session with /oauth2callback as the way back
    post_logout_redirect_uris: client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  // the council's groups and partnership are claims of a 'groups' scope (Entra ID sends
  // groups in the ID token the same way)
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups', 'partnership'] },
  conformIdTokenClaims: false,
  cookies: { keys: ['locality-explorer-tests-only'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc listening ${port}`));
