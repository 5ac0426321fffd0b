import { Type, type Static } from 'typebox';

/**
 * Schemas of the sign-in calls (`identity.*` in contract.ts). The engine holds the session (the
 * refresh token in the encrypted store, the access token in memory); the renderer sees only who is
 * signed in and what it may do next, never a token.
 */

const Name = Type.String({ maxLength: 200 });
const Reason = Type.Object(
  { code: Type.String({ maxLength: 64 }), message: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);

export const IdentityUser = Type.Object(
  {
    name: Name,
    displayName: Type.Union([Name, Type.Null()]),
    email: Type.Union([Name, Type.Null()]),
    roles: Type.Array(
      Type.Union([Type.Literal('clinician'), Type.Literal('admin'), Type.Literal('auditor')]),
      { maxItems: 3 },
    ),
  },
  { additionalProperties: false },
);
export type IdentityUser = Static<typeof IdentityUser>;

/**
 * `mode`: `off` (no server configured, or the server offers no personal sign-in: the workstation
 * works on its own), `device-key` (an admin-issued device key, for headless use: no personal
 * sign-in), `sign-in` (a person signs in before using the workstation).
 *
 * `status` in sign-in mode: `checking` (reading the server's sign-in options or a stored sign-in),
 * `signed-out` (with the reason when it was not the person's choice), `signing-in`, `signed-in`,
 * `locked` (signed out for inactivity or by the person; `user` says who, for the quick unlock).
 */
export const IdentityState = Type.Object(
  {
    mode: Type.Union([Type.Literal('off'), Type.Literal('device-key'), Type.Literal('sign-in')]),
    status: Type.Union([
      Type.Literal('checking'),
      Type.Literal('signed-out'),
      Type.Literal('signing-in'),
      Type.Literal('signed-in'),
      Type.Literal('locked'),
    ]),
    methods: Type.Object(
      { browser: Type.Boolean(), password: Type.Boolean() },
      { additionalProperties: false },
    ),
    user: Type.Union([IdentityUser, Type.Null()]),
    /** Seconds without activity before the workstation locks (the clinic's policy). */
    idleTimeoutSeconds: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    reason: Type.Union([Reason, Type.Null()]),
  },
  { additionalProperties: false },
);
export type IdentityState = Static<typeof IdentityState>;

export const PasswordSignInInput = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
    recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    newPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type PasswordSignInInput = Static<typeof PasswordSignInInput>;

/** Where the renderer sends the person to sign in (the system browser, or a tab in web mode). */
export const BrowserSignInStarted = Type.Object(
  { authorizationUrl: Type.String({ minLength: 1, maxLength: 4096, pattern: '^https?://' }) },
  { additionalProperties: false },
);

export const Empty = Type.Object({}, { additionalProperties: false });
