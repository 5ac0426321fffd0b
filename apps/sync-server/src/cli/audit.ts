import { readFile } from 'node:fs/promises';
import { anchorIfDue, anchorsFromExport, exportAnchors } from '../audit/anchor.js';
import { verifyAuditLog, type Anchor } from '../audit/verify.js';
import { parse, UsageError, type Command } from './command.js';
import { str, withOwnerPool } from './owner-pool.js';

/**
 * `audit verify [--anchors FILE] [--json]`: checks the hash chain; exit 0 when intact, 1 with the
 * first broken row. `audit export`: the chain head and anchors as JSON, to keep elsewhere (a
 * later `verify --anchors` then also detects rows removed from the end). `audit anchor`: write
 * an anchor now.
 */
export const audit: Command = async (args, io) => {
  const { values, positionals } = parse(args, {
    json: { type: 'boolean' },
    anchors: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const [sub, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra.join(' ')}`);
  if (sub !== 'verify' && sub !== 'export' && sub !== 'anchor') {
    throw new UsageError(`audit: expected verify, export or anchor${sub ? `, got ${sub}` : ''}`);
  }
  let anchors: Anchor[] = [];
  const file = str(values.anchors);
  if (file) {
    try {
      anchors = anchorsFromExport(JSON.parse(await readFile(file, 'utf8')));
    } catch (e) {
      throw new UsageError(`--anchors ${file}: ${(e as Error).message}`);
    }
  }
  return withOwnerPool(io, str(values['data-dir']), async (pool) => {
    if (sub === 'export') {
      io.stdout.write(`${JSON.stringify(await exportAnchors(pool), null, 2)}\n`);
      return 0;
    }
    if (sub === 'anchor') {
      await anchorIfDue(pool, 0);
      const e = await exportAnchors(pool);
      io.stdout.write(`anchored the chain at row ${e.head?.id ?? 0}\n`);
      return 0;
    }
    const r = await verifyAuditLog(pool, anchors);
    if (values.json === true) io.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) io.stdout.write(`audit log intact: ${r.rows} rows\n`);
    else
      io.stdout.write(
        `audit log BROKEN at row ${r.firstBroken}: ${r.reason} (${r.rows} rows read)\n`,
      );
    return r.ok ? 0 : 1;
  });
};
