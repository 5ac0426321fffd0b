import { AppError } from '../errors.js';
import { isRole, type Role } from '../identity/roles.js';
import { findUser, listUsers, setOneTimePassword, updateUser } from '../identity/users.js';
import { notifySessionRevoked, notifyUserChanged } from '../auth/revocations.js';
import { revokeSessionsOf } from '../auth/sessions.js';
import { parse, UsageError, type Command } from './command.js';
import { str, withOwnerPool } from './owner-pool.js';

const CLI_ACTOR = 'cli';

/**
 * `admin bootstrap --user NAME [--clinic C]`: the first admin (or a locked-out one) gets a
 * one-time password, printed alone on the last line; it must be changed at the first sign-in.
 * `admin user list` | `admin user disable NAME` | `admin user enable NAME` |
 * `admin user roles NAME clinician,admin,auditor`.
 */
export const admin: Command = async (args, io) => {
  const { values, positionals } = parse(args, {
    user: { type: 'string' },
    clinic: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const [sub, verb, name, roleList, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  const dataDir = str(values['data-dir']);
  if (sub === 'bootstrap') {
    const user = str(values.user);
    if (!user) throw new UsageError('admin bootstrap needs --user NAME');
    return withOwnerPool(io, dataDir, async (pool) => {
      const r = await setOneTimePassword(pool, user, ['admin'], str(values.clinic));
      await pool.query(
        `INSERT INTO audit_log (action, user_id, actor, clinic_id, detail)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          r.created ? 'user_created' : 'user_password_reset',
          r.user.id,
          CLI_ACTOR,
          r.user.clinicId,
          { subject: r.user.id, via: 'bootstrap', roles: r.user.roles },
        ],
      );
      await notifyUserChanged(pool, r.user.id, r.user.authVersion, false);
      io.stdout.write(
        `${r.created ? 'created' : 'reset'} admin ${r.user.name} (${r.user.id}); sign in with this ` +
          'one-time password and choose a new one (shown once):\n' +
          `${r.password}\n`,
      );
      return 0;
    });
  }
  if (sub !== 'user' || !['list', 'disable', 'enable', 'roles'].includes(verb ?? '')) {
    throw new UsageError(
      'admin: expected bootstrap --user NAME, or user list|disable|enable|roles',
    );
  }
  if (verb !== 'list' && !name) throw new UsageError(`admin user ${verb ?? ''} needs a user NAME`);
  let roles: Role[] | undefined;
  if (verb === 'roles') {
    const parts = (roleList ?? '').split(',').filter(Boolean);
    if (!parts.every(isRole)) {
      throw new UsageError(
        'admin user roles NAME ROLES: ROLES is a comma list of clinician, admin, auditor',
      );
    }
    roles = parts;
  }
  return withOwnerPool(io, dataDir, async (pool) => {
    if (verb === 'list') {
      io.stdout.write('ID\tNAME\tCLINIC\tROLES\tSIGN-IN\tMFA\tSTATUS\n');
      for (const u of await listUsers(pool)) {
        const signIn = u.idpIssuer ? 'oidc' : u.hasPassword ? 'password' : 'device-key';
        io.stdout.write(
          `${u.id}\t${u.name}\t${u.clinicId}\t${u.roles.join(',') || '-'}\t${signIn}\t` +
            `${u.mfa ? 'totp' : '-'}\t${u.disabled ? 'disabled' : 'active'}\n`,
        );
      }
      return 0;
    }
    const found = await findUser(pool, { name: name ?? '' });
    if (!found) throw new AppError('USER_NOT_FOUND', `No user named ${name ?? ''}.`);
    const { before, after } = await updateUser(pool, found.id, {
      ...(roles ? { roles } : {}),
      ...(verb === 'disable' ? { disabled: true } : verb === 'enable' ? { disabled: false } : {}),
    });
    if (after.disabled && !before.disabled) {
      await notifySessionRevoked(
        pool,
        await revokeSessionsOf(pool, { userId: after.id }, 'user_disabled'),
      );
    }
    await notifyUserChanged(pool, after.id, after.authVersion, after.disabled);
    const action =
      verb === 'roles' ? 'user_roles_changed' : after.disabled ? 'user_disabled' : 'user_enabled';
    await pool.query(
      `INSERT INTO audit_log (action, user_id, actor, clinic_id, detail) VALUES ($1, NULL, $2, $3, $4)`,
      [
        action,
        CLI_ACTOR,
        after.clinicId,
        { subject: after.id, before: before.roles, after: after.roles },
      ],
    );
    io.stdout.write(
      `${after.name}: roles ${after.roles.join(',') || '-'}, ${after.disabled ? 'disabled' : 'active'}\n`,
    );
    return 0;
  });
};
