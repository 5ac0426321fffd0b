import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { RoleName } from '@voiceassist/contract';
import { Type } from 'typebox';
import { AppError } from '../../errors.js';
import { listDevices, revokeDevice } from '../../devices/devices.js';
import { findUser, listUsers, setOneTimePassword, updateUser } from '../../identity/users.js';
import { notifySessionRevoked, notifyUserChanged } from '../../auth/revocations.js';
import { revokeSessionsOf } from '../../auth/sessions.js';

const User = Type.Object({
  id: Type.String(),
  name: Type.String(),
  clinicId: Type.String(),
  roles: Type.Array(RoleName),
  displayName: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  mfa: Type.Boolean(),
  signIn: Type.Union([Type.Literal('oidc'), Type.Literal('password'), Type.Literal('device_key')]),
});

const Id = Type.Object({ id: Type.String({ minLength: 36, maxLength: 36 }) });

/**
 * `/v1/admin/*` (admin role): local users (created with a one-time password), roles, disabling
 * a user, devices and their revocation. Every change is audited; disabling a user or revoking a
 * device ends their sessions and open connections on every server instance within a second.
 */
const admin: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const actor = (req: FastifyRequest) => {
    const p = req.principal;
    if (!p) throw new AppError('AUTH_REQUIRED');
    return p;
  };
  const audit = (e: Parameters<NonNullable<typeof app.auth>['audit']['append']>[0]) => {
    if (!app.auth) throw new AppError('NOT_READY');
    return app.auth.audit.append(e);
  };
  const view = (u: Awaited<ReturnType<typeof listUsers>>[number]) => ({
    id: u.id,
    name: u.name,
    clinicId: u.clinicId,
    roles: u.roles,
    displayName: u.displayName,
    email: u.email,
    disabled: u.disabled,
    mfa: u.mfa,
    signIn: u.idpIssuer
      ? ('oidc' as const)
      : u.hasPassword
        ? ('password' as const)
        : ('device_key' as const),
  });

  app.get(
    '/v1/admin/users',
    { schema: { response: { 200: Type.Object({ users: Type.Array(User) }) } } },
    async () => ({ users: (await listUsers(app.db)).map(view) }),
  );

  app.post(
    '/v1/admin/users',
    {
      schema: {
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 128 }),
            roles: Type.Array(RoleName, { minItems: 1, maxItems: 3 }),
            clinic: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: User, oneTimePassword: Type.String() }) },
      },
    },
    async (req) => {
      const p = actor(req);
      if (await findUser(app.db, { name: req.body.name })) {
        throw new AppError('BAD_REQUEST', 'A user with that name exists.');
      }
      const r = await setOneTimePassword(app.db, req.body.name, req.body.roles, req.body.clinic);
      await audit({
        action: 'user_created',
        requestId: req.id,
        userId: p.userId,
        actor: p.userName,
        clinicId: r.user.clinicId,
        deviceId: p.deviceId,
        detail: { subject: r.user.id, via: 'admin', roles: r.user.roles },
      });
      return { user: view(r.user), oneTimePassword: r.password };
    },
  );

  app.patch(
    '/v1/admin/users/:id',
    {
      schema: {
        params: Id,
        body: Type.Object(
          {
            roles: Type.Optional(Type.Array(RoleName, { maxItems: 3 })),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: User }) },
      },
    },
    async (req) => {
      const p = actor(req);
      if (
        req.params.id === p.userId &&
        (req.body.disabled || req.body.roles?.includes('admin') === false)
      ) {
        throw new AppError(
          'BAD_REQUEST',
          'You cannot disable yourself or remove your own admin role.',
        );
      }
      const { before, after } = await updateUser(app.db, req.params.id, {
        ...(req.body.roles ? { roles: req.body.roles } : {}),
        ...(req.body.disabled === undefined ? {} : { disabled: req.body.disabled }),
      });
      if (after.disabled && !before.disabled) {
        const ended = await revokeSessionsOf(app.db, { userId: after.id }, 'user_disabled');
        for (const id of ended) app.auth?.revocations.sessionRevoked(id);
        await notifySessionRevoked(app.db, ended);
      }
      // This instance at once; the others by NOTIFY (or their poll).
      app.auth?.revocations.userChanged(after.id, after.authVersion, after.disabled);
      await notifyUserChanged(app.db, after.id, after.authVersion, after.disabled);
      const base = {
        requestId: req.id,
        userId: p.userId,
        actor: p.userName,
        clinicId: after.clinicId,
        deviceId: p.deviceId,
      };
      if (before.roles.join() !== after.roles.join()) {
        await audit({
          ...base,
          action: 'user_roles_changed',
          detail: { subject: after.id, via: 'admin', before: before.roles, after: after.roles },
        });
      }
      if (before.disabled !== after.disabled) {
        await audit({
          ...base,
          action: after.disabled ? 'user_disabled' : 'user_enabled',
          detail: { subject: after.id },
        });
      }
      return { user: view(after) };
    },
  );

  app.get(
    '/v1/admin/devices',
    {
      schema: {
        response: {
          200: Type.Object({
            devices: Type.Array(
              Type.Object({
                id: Type.String(),
                user: Type.String(),
                clinic: Type.String(),
                createdAt: Type.String(),
                lastUsedAt: Type.Union([Type.String(), Type.Null()]),
                revokedAt: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      devices: (await listDevices(app.db)).map((d) => ({
        id: d.id,
        user: d.user,
        clinic: d.clinic,
        createdAt: d.createdAt.toISOString(),
        lastUsedAt: d.lastUsedAt?.toISOString() ?? null,
        revokedAt: d.revokedAt?.toISOString() ?? null,
      })),
    }),
  );

  app.post(
    '/v1/admin/devices/:id/revoke',
    { schema: { params: Id, response: { 200: Type.Object({ revoked: Type.Literal(true) }) } } },
    async (req) => {
      const p = actor(req);
      await revokeDevice(app.db, req.params.id, {
        userId: p.userId,
        name: p.userName,
        requestId: req.id,
      });
      app.auth?.revocations.deviceRevoked(req.params.id); // the others learn by NOTIFY
      return { revoked: true as const };
    },
  );
  done();
};
export default admin;
