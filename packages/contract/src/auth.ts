import { Type, type Static } from 'typebox';

/**
 * Sign-in API of the sync server (issue 18), shared by the server (which validates) and the
 * workstation's identity module. OIDC: the workstation runs authorization code + PKCE in the
 * system browser with a loopback redirect (RFC 8252); the server keeps state and nonce,
 * exchanges the code and verifies the ID token, then issues its own tokens.
 */
export const AUTH_PATHS = {
  config: '/v1/auth/config',
  oidcStart: '/v1/auth/oidc/start',
  oidcFinish: '/v1/auth/oidc/finish',
  login: '/v1/auth/login',
  refresh: '/v1/auth/refresh',
  logout: '/v1/auth/logout',
  me: '/v1/auth/me',
  totp: '/v1/auth/mfa/totp',
  totpConfirm: '/v1/auth/mfa/totp/confirm',
} as const;

export const RoleName = Type.Union([
  Type.Literal('clinician'),
  Type.Literal('admin'),
  Type.Literal('auditor'),
]);
export type RoleName = Static<typeof RoleName>;

export const AuthConfigResponse = Type.Object({
  oidc: Type.Union([Type.Object({ issuer: Type.String() }), Type.Null()]),
  localLogin: Type.Boolean(),
  policy: Type.Object({ idleTimeoutSeconds: Type.Integer() }),
});
export type AuthConfigResponse = Static<typeof AuthConfigResponse>;

/** The workstation's enrolment (id + secret), or on first sign-in only a name for it. */
export const DeviceCredentials = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64 })),
    secret: Type.Optional(Type.String({ maxLength: 128 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type DeviceCredentials = Static<typeof DeviceCredentials>;

export const OidcStartRequest = Type.Object(
  {
    redirectUri: Type.String({ maxLength: 200 }),
    codeChallenge: Type.String({ minLength: 43, maxLength: 43 }),
  },
  { additionalProperties: false },
);
export type OidcStartRequest = Static<typeof OidcStartRequest>;

export const OidcStartResponse = Type.Object({
  authorizationUrl: Type.String(),
  state: Type.String(),
  expiresIn: Type.Integer(),
});
export type OidcStartResponse = Static<typeof OidcStartResponse>;

export const OidcFinishRequest = Type.Object(
  {
    state: Type.String({ minLength: 1, maxLength: 200 }),
    code: Type.String({ minLength: 1, maxLength: 2048 }),
    iss: Type.Optional(Type.String({ maxLength: 500 })),
    codeVerifier: Type.String({ minLength: 43, maxLength: 128 }),
    device: DeviceCredentials,
  },
  { additionalProperties: false },
);
export type OidcFinishRequest = Static<typeof OidcFinishRequest>;

export const PasswordLoginRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    totp: Type.Optional(Type.String({ maxLength: 16 })),
    recoveryCode: Type.Optional(Type.String({ maxLength: 64 })),
    newPassword: Type.Optional(Type.String({ maxLength: 1024 })),
    device: DeviceCredentials,
  },
  { additionalProperties: false },
);
export type PasswordLoginRequest = Static<typeof PasswordLoginRequest>;

export const RefreshRequest = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type RefreshRequest = Static<typeof RefreshRequest>;

/** Sign out: with the access token (Authorization header) or, when it expired, the refresh token. */
export const LogoutRequest = Type.Object(
  { refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type LogoutRequest = Static<typeof LogoutRequest>;

export const AuthUser = Type.Object({
  id: Type.String(),
  name: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(RoleName),
});
export type AuthUser = Static<typeof AuthUser>;

export const TokenResponse = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  /** Seconds. */
  expiresIn: Type.Integer(),
  refreshToken: Type.String(),
  refreshExpiresIn: Type.Integer(),
  user: AuthUser,
  /** `secret` only when this sign-in enrolled the device: store it, it is shown once. */
  device: Type.Object({ id: Type.String(), secret: Type.Optional(Type.String()) }),
  sessionId: Type.String(),
  policy: Type.Object({ idleTimeoutSeconds: Type.Integer() }),
});
export type TokenResponse = Static<typeof TokenResponse>;

export const MeResponse = Type.Object({
  user: AuthUser,
  device: Type.Object({ id: Type.String() }),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  via: Type.Union([Type.Literal('session'), Type.Literal('device_key')]),
});
export type MeResponse = Static<typeof MeResponse>;

/** Every code an auth call (or a gateway call, for its credentials) can answer with. */
export const AUTH_ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_INVALID',
  'AUTH_TOKEN_EXPIRED',
  'AUTH_TOKEN_INVALID',
  'AUTH_TOKEN_STALE',
  'AUTH_SESSION_REVOKED',
  'AUTH_DEVICE_REVOKED',
  'AUTH_REFRESH_INVALID',
  'AUTH_REFRESH_REUSED',
  'AUTH_LOGIN_FAILED',
  'AUTH_MFA_REQUIRED',
  'AUTH_MFA_INVALID',
  'AUTH_LOCKED',
  'AUTH_PASSWORD_CHANGE_REQUIRED',
  'AUTH_PASSWORD_WEAK',
  'AUTH_NO_ROLE',
  'AUTH_LOGIN_EXPIRED',
  'AUTH_LOGIN_INVALID',
  'AUTH_IDP_REFUSED',
  'AUTH_IDP_UNAVAILABLE',
  'AUTH_METHOD_DISABLED',
  'FORBIDDEN',
  'RATE_LIMITED',
] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];
