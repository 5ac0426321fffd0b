import type { Role } from '../identity/roles.js';

/** Who may call a route: anyone (it authenticates by itself, or needs nothing) or these roles. */
export type Access = 'public' | readonly Role[];

const PUBLIC = 'public' as const;
const CLINICIAN: readonly Role[] = ['clinician'];
const ANY_ROLE: readonly Role[] = ['clinician', 'admin', 'auditor'];
const ADMIN: readonly Role[] = ['admin'];
const AUDITOR: readonly Role[] = ['auditor'];

/**
 * THE table of who reaches which route (`METHOD /path` as registered). Every route the server
 * registers must be listed: a route missing here is refused to everyone (and its test fails).
 * HEAD follows GET. Role checks run in the auth plugin's onRequest hook, before the body is read.
 */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  'GET /health': PUBLIC,
  'GET /ready': PUBLIC,

  // Provider gateway: clinicians' work.
  'POST /v1/llm/chat': CLINICIAN,
  'POST /v1/llm/chat/completions': CLINICIAN,
  'GET /v1/stt/live': CLINICIAN,
  'POST /v1/tts/stream': CLINICIAN,
  'GET /v1/calls/:requestId': CLINICIAN,
  'GET /v1/usage': ['clinician', 'admin'],
  'GET /v1/providers': ['clinician', 'admin'],

  // Signing in: these routes check credentials themselves (and are rate-limited per address).
  'GET /v1/auth/config': PUBLIC,
  'POST /v1/auth/oidc/start': PUBLIC,
  'POST /v1/auth/oidc/finish': PUBLIC,
  'POST /v1/auth/login': PUBLIC,
  'POST /v1/auth/refresh': PUBLIC,
  'POST /v1/auth/logout': PUBLIC,
  'GET /v1/auth/me': ANY_ROLE,
  'POST /v1/auth/mfa/totp': ANY_ROLE,
  'POST /v1/auth/mfa/totp/confirm': ANY_ROLE,

  // Administration.
  'GET /v1/admin/users': ADMIN,
  'POST /v1/admin/users': ADMIN,
  'PATCH /v1/admin/users/:id': ADMIN,
  'GET /v1/admin/devices': ADMIN,
  'POST /v1/admin/devices/:id/revoke': ADMIN,

  // Nextcloud (issue 22): a clinician's own calendar and files, relayed with their own app
  // password; connecting and disconnecting are theirs too.
  'GET /v1/nextcloud/status': CLINICIAN,
  'POST /v1/nextcloud/login/start': CLINICIAN,
  'POST /v1/nextcloud/login/poll': CLINICIAN,
  'DELETE /v1/nextcloud/connection': CLINICIAN,
  'GET /v1/nextcloud/calendar/calendars': CLINICIAN,
  'GET /v1/nextcloud/calendar/events': CLINICIAN,
  'GET /v1/nextcloud/calendar/object': CLINICIAN,
  'PUT /v1/nextcloud/calendar/object': CLINICIAN,
  'DELETE /v1/nextcloud/calendar/object': CLINICIAN,
  'GET /v1/nextcloud/files/list': CLINICIAN,
  'GET /v1/nextcloud/files/content': CLINICIAN,
  'PUT /v1/nextcloud/files/content': CLINICIAN,

  // Audit: auditors only (an admin who must audit is given the auditor role too).
  'GET /v1/audit/verify': AUDITOR,
  'GET /v1/audit/anchors': AUDITOR,
  'GET /v1/audit/events': AUDITOR,
};

export function accessFor(method: string, url: string): Access | undefined {
  return ROUTE_ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}
