import fp from 'fastify-plugin';
import { anchorIfDue } from '../../audit/anchor.js';

/**
 * Periodic anchoring of the audit chain (and the egress summary written with it): checked every
 * minute, written when the last anchor of any instance is older than the configured interval.
 */
export default fp<{ anchorMinutes: number }>(
  (app, opts, done) => {
    if (!app.auth) return done(); // no migrations, no audit chain
    const every = opts.anchorMinutes * 60_000;
    const timer = setInterval(
      () => {
        anchorIfDue(app.db, every).catch((e: unknown) =>
          app.log.warn({ code: (e as { code?: string }).code }, 'audit anchoring failed'),
        );
      },
      Math.min(every, 60_000),
    );
    timer.unref();
    app.addHook('onClose', (_app, next) => {
      clearInterval(timer);
      next();
    });
    done();
  },
  { name: 'audit-anchoring', dependencies: ['auth'] },
);
