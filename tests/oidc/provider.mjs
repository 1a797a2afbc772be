// A real OpenID provider for the sign-in tests (the npm package `oidc-provider`), started by
// tests/oidc_server.py on 127.0.0.1. Its configuration file names the client, the signing keys
// and the people with their groups; people are read again at each sign-in, so a test can take
// a group away between two sign-ins. The sign-in form is the package's own development form
// (any password): the tests exercise the studio's side of the protocol, not the provider's.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.env.OIDC_CONFIG, 'utf8'));
const people = () => JSON.parse(readFileSync(process.env.OIDC_CONFIG, 'utf8')).people;

const provider = new Provider(config.issuer, {
  clients: [config.client],
  jwks: { keys: config.keys },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // The claims travel in the ID token too (as Entra ID and Okta can be set to do).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
  async findAccount(ctx, id) {
    const person = people()[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...person };
      },
    };
  },
});
provider.proxy = false;
// What went wrong inside the provider reaches the test's output.
provider.on('server_error', (ctx, error) => process.stderr.write(`server_error: ${error.stack}\n`));
const server = provider.listen(Number(process.env.OIDC_PORT), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
