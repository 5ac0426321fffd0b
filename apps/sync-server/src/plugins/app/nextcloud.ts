import fp from 'fastify-plugin';
import type { NextcloudConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import { CredentialKeys } from '../../nextcloud/keys.js';
import { NextcloudService } from '../../nextcloud/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Undefined when NEXTCLOUD_URL is not set (every Nextcloud route says so). */
    nextcloud: NextcloudService | undefined;
  }
}

/**
 * The Nextcloud integration as a decorator. The credentials key file is created on the first
 * start with NEXTCLOUD_URL set (src/nextcloud/keys.ts says where it lives and how it rotates).
 */
export default fp<{ config: NextcloudConfig }>(
  async (app, opts) => {
    const { url } = opts.config;
    const auth = app.auth;
    let service: NextcloudService | undefined;
    if (url && auth) {
      const keys = await CredentialKeys.load(opts.config.keysFile, { create: true });
      service = new NextcloudService(app.db, { ...opts.config, url }, keys, (e) =>
        auth.audit.append(e),
      );
    }
    app.decorate('nextcloud', service);
  },
  { name: 'nextcloud', dependencies: ['auth'] },
);

/** The service, or the coded refusal a person can act on. */
export function requireNextcloud(service: NextcloudService | undefined): NextcloudService {
  if (!service) throw new AppError('NEXTCLOUD_NOT_CONFIGURED');
  return service;
}
