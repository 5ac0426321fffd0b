import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DEFAULT_MAX_LENGTH, PhiError, detectPhi, type DetectOptions } from '@voiceassist/phi';
import type { Principal } from '../devices/devices.js';
import { AppError } from '../errors.js';
import { audit } from './audit.js';

const POLICY_CACHE_MS = 5_000;
/** The second guard errs towards recall like the workstation's egress guard. */
const DETECT: DetectOptions = { mode: 'strict' };
const CLEAN_CACHE_MAX = 5_000;

/**
 * `Jonathan_Quimby_DOB_1952-03-14`: names, tool names and ids are written with underscores, which
 * hide the words from the detector's word-level sources; such a string is also scanned with them
 * read as spaces.
 */
const JOINED = /^[^\s]*_[^\s]*$/;

function spansIn(text: string): ReturnType<typeof detectPhi> {
  try {
    const spans = detectPhi(text, DETECT);
    if (!JOINED.test(text)) return spans;
    const split = detectPhi(text.replace(/_+/g, ' '), DETECT);
    return split.length > spans.length ? split : spans;
  } catch (e) {
    if (e instanceof PhiError && e.code === 'PHI_INPUT_TOO_LARGE') {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `A text for the provider is ${text.length.toLocaleString('en-US')} characters; at most ${DEFAULT_MAX_LENGTH.toLocaleString('en-US')} can be checked for identifiers. Send it in smaller parts.`,
      );
    }
    throw e;
  }
}

/** Counts of detected identifiers by type across all texts: what an audit row may hold. */
export function countPhi(texts: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of texts) {
    if (t.length === 0) continue;
    for (const span of spansIn(t)) counts[span.type] = (counts[span.type] ?? 0) + 1;
  }
  return counts;
}

/**
 * The server's egress guard: text bound for a provider is scanned with the same detector the
 * workstation uses; anything still carrying identifiers is refused (PHI_BLOCKED) and audited by
 * counts — unless the clinic's policy marks that provider as covered by a BAA.
 */
export class PhiGuard {
  private readonly cache = new Map<string, { at: number; baa: boolean }>();
  /**
   * SHA-256 of texts already scanned and found clean. A chat request resends the whole
   * conversation (system prompt, retrieved passages, earlier turns) every turn; only the new
   * parts need the detector. Only clean verdicts are kept, as digests, never text.
   */
  private readonly clean = new Set<string>();

  constructor(private readonly db: pg.Pool) {}

  /**
   * Counts by type across the texts, skipping texts already found clean. Throws
   * PAYLOAD_TOO_LARGE for a text over the detector's limit (it cannot be checked, so it is not sent).
   */
  scan(texts: readonly string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const t of texts) {
      if (t.length === 0) continue;
      const digest = createHash('sha256').update(t).digest('base64');
      if (this.clean.has(digest)) continue;
      const spans = spansIn(t);
      for (const span of spans) counts[span.type] = (counts[span.type] ?? 0) + 1;
      if (spans.length > 0) continue;
      if (this.clean.size >= CLEAN_CACHE_MAX) this.clean.clear();
      this.clean.add(digest);
    }
    return counts;
  }

  private async baaCovered(clinicId: string, provider: string): Promise<boolean> {
    const key = `${clinicId}|${provider}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < POLICY_CACHE_MS) return hit.baa;
    const r = await this.db.query<{ baa_covered: boolean }>(
      'SELECT baa_covered FROM clinic_provider_policy WHERE clinic_id = $1 AND provider = $2',
      [clinicId, provider],
    );
    const baa = r.rows[0]?.baa_covered ?? false;
    this.cache.set(key, { at: Date.now(), baa });
    return baa;
  }

  async check(
    p: Principal,
    provider: string,
    kind: string,
    texts: readonly string[],
    requestId: string,
  ): Promise<void> {
    const counts = this.scan(texts);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total === 0) return;
    if (await this.baaCovered(p.clinicId, provider)) {
      await audit(this.db, 'phi_allowed_baa', p, provider, { kind, requestId, counts, total });
      return;
    }
    await audit(this.db, 'phi_blocked', p, provider, { kind, requestId, counts, total });
    const summary = Object.entries(counts)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ');
    throw new AppError(
      'PHI_BLOCKED',
      `Refused: the text for ${provider} still carries patient identifiers (${summary}). Pseudonymize on the workstation before sending.`,
    );
  }
}
