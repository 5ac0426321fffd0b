import { startIdp, type IdpUser } from './idp.js';

/**
 * Runs the test IdP as its own process (the workstation's end-to-end test starts it): prints one
 * JSON line `{"issuer","clientId","clientSecret"}` on stdout, then serves until SIGTERM/SIGINT. Users come as JSON in IDP_USERS (name → {password, preferred_username, email, name,
 * groups}).
 */
const users = JSON.parse(process.env.IDP_USERS ?? '{}') as Record<string, IdpUser>;
const idp = await startIdp({ users });
process.stdout.write(
  `${JSON.stringify({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret })}\n`,
);
const stop = () => void idp.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
