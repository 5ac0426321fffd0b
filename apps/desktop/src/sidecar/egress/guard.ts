/**
 * The egress guard: the ONE path by which provider requests leave the workstation (ESLint forbids
 * network modules and the global fetch elsewhere in the sidecar). Every request is checked against
 * the provider's origins and policy, text is pseudonymized through the conversation's vault, a
 * payload that still carries identifiers is refused, and each request leaves an audit record with
 * counts by identifier type.
 */
import { randomUUID } from 'node:crypto';
import { preconnect, requestFetch } from '@voiceassist/http-client';
import WebSocket from 'ws';
import { JSON_LIMITS, jsonLimitViolation } from '@voiceassist/contract';
import {
  PLACEHOLDER_LABELS,
  countByType,
  detectPhi,
  findKnownIdentifiers,
  mergeCandidates,
  pseudonymize,
  reidentify,
  type DetectOptions,
  type PhiSpan,
  type PhiType,
} from '@voiceassist/phi';
import type { AuditSink, EgressAuditRecord } from './audit.js';
import { EgressError } from './errors.js';
import {
  assertAllowed,
  assertDestination,
  decide,
  type DataKind,
  type EgressAction,
  type ProviderConfig,
} from './policy.js';
import { VaultRegistry } from './vaults.js';
import type { VaultStore } from '@voiceassist/phi';

export interface EgressGuardOptions {
  readonly providers: readonly ProviderConfig[];
  readonly audit: AuditSink;
  /** Durable vault storage (the encrypted store); without it vaults live for the process only. */
  readonly vaultStore?: VaultStore;
  /** Days to shift dates by in a conversation; undefined keeps [DATE_n] placeholders. */
  readonly dateShiftDays?: (conversationId: string) => number | undefined;
  readonly detect?: DetectOptions;
  readonly fetchImpl?: typeof fetch;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

export interface PrepareTextInput {
  readonly provider: string;
  readonly conversationId: string;
  readonly text: string;
}

/**
 * A piece of a text built from several sources (a prompt: instructions, passages, the question).
 * Without `sourceSpans` it is what a person said or wrote, and the detector runs on it as on any
 * text. With them it is trusted reference text whose identifiers were found when it was stored
 * (knowledge/source-phi.ts): exactly those spans are replaced, so "Human Phenotype Ontology" in a
 * guideline reaches the model as written.
 */
export interface TextPart {
  readonly text: string;
  /** Offsets into `text`; `[]` = trusted text with no identifiers. */
  readonly sourceSpans?: readonly PhiSpan[];
}

export interface PreparePartsInput {
  readonly provider: string;
  readonly conversationId: string;
  readonly parts: readonly TextPart[];
}

export interface PreparedText {
  /** What may be sent: pseudonymized, or the original under a BAA. */
  readonly text: string;
  readonly action: EgressAction;
  /** Identifiers found, by type (values never leave the vault). */
  readonly counts: Readonly<Record<string, number>>;
  readonly auditId: string;
}

export interface RequestContext {
  readonly conversationId?: string;
}

export interface GuardedSocket {
  /** Listen here ('open', 'message', 'close', 'error'); send through `send` below. */
  readonly socket: WebSocket;
  send(data: string | Uint8Array): Promise<void>;
  close(code?: number, reason?: string): void;
}

const LABEL_TO_TYPE = new Map<string, PhiType>(
  (Object.entries(PLACEHOLDER_LABELS) as [PhiType, string][]).map(([t, l]) => [l, t]),
);
const CANONICAL_PLACEHOLDER_RE = /\[([A-Z]+)_(\d{1,6})\]/g;

/** JSON fields that carry request settings, not user content ("model": "gpt-4o-2024-08-06"). */
const METADATA_KEYS = new Set([
  'model',
  'model_id',
  'modelId',
  'role',
  'type',
  'voice',
  'voice_id',
  'voiceId',
  'output_format',
  'outputFormat',
  'response_format',
  'language',
  'encoding',
  'id',
  'object',
  'tool_choice',
  'format',
  'stream',
]);

function placeholderCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(CANONICAL_PLACEHOLDER_RE)) {
    const type = LABEL_TO_TYPE.get(m[1] ?? '');
    if (type) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/**
 * A body deeper or bigger than this is refused, not partly scanned: a walk that stopped at some
 * depth would let text below it leave unchecked. Tool parameter schemas (bounded by the
 * contract's JSON_LIMITS) sit a few levels into a chat body.
 */
const BODY_LIMITS = { maxDepth: JSON_LIMITS.maxDepth + 8, maxNodes: 200_000 } as const;

/**
 * The user-content strings of a payload: every JSON object key, and every string value outside
 * METADATA_KEYS, at any depth; or the text itself. Throws EGRESS_PAYLOAD_TOO_COMPLEX for a body
 * over BODY_LIMITS.
 */
function contentStrings(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [body];
  }
  const over = jsonLimitViolation(parsed, BODY_LIMITS);
  if (over) {
    throw new EgressError(
      'EGRESS_PAYLOAD_TOO_COMPLEX',
      over.reason === 'depth'
        ? `The payload is nested deeper than ${over.limit} levels (a tool schema?); it cannot be checked, so it is not sent. Flatten it.`
        : `The payload has more than ${over.limit} values; it cannot be checked, so it is not sent.`,
    );
  }
  const out: string[] = [];
  const stack: [unknown, string | undefined][] = [[parsed, undefined]];
  for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
    const [v, key] = f;
    if (typeof v === 'string') {
      if (key === undefined || !METADATA_KEYS.has(key)) out.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push([x, key]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        stack.push([x, k]);
      }
    }
  }
  return out;
}

function bodyKind(body: RequestInit['body']): { kind: DataKind; text?: string; bytes?: number } {
  if (body === undefined || body === null) return { kind: 'text', text: '', bytes: 0 };
  if (typeof body === 'string') return { kind: 'text', text: body, bytes: Buffer.byteLength(body) };
  if (body instanceof URLSearchParams) {
    const s = body.toString();
    return { kind: 'text', text: decodeURIComponent(s.replace(/\+/g, ' ')), bytes: s.length };
  }
  if (body instanceof ArrayBuffer) return { kind: 'audio', bytes: body.byteLength };
  if (ArrayBuffer.isView(body)) return { kind: 'audio', bytes: body.byteLength };
  if (body instanceof Blob) return { kind: 'audio', bytes: body.size };
  // FormData and streams cannot be inspected before sending: treated like audio (BAA only).
  return { kind: 'audio' };
}

/** Prepared texts remembered (a turn prepares a question, a prompt and a few sentences). */
const PREPARED_KEPT = 64;

export class EgressGuard {
  readonly #providers: ReadonlyMap<string, ProviderConfig>;
  readonly #audit: AuditSink;
  readonly #vaults: VaultRegistry;
  readonly #fetch: typeof fetch;
  readonly #detect: DetectOptions | undefined;
  readonly #now: () => Date;
  readonly #newId: () => string;
  /**
   * Texts prepareText produced (most recent last): their identifiers are already replaced, so
   * when one comes back inside a request body it is not scanned a second time. Anything else in
   * a body — a string built after preparation, or never prepared — is scanned in full.
   */
  readonly #prepared = new Set<string>();
  /** When a request last went to each origin (`performance.now()`), for `preconnect`. */
  readonly #lastRequestAt = new Map<string, number>();

  constructor(options: EgressGuardOptions) {
    this.#providers = new Map(options.providers.map((p) => [p.id, p]));
    this.#audit = options.audit;
    this.#vaults = new VaultRegistry(options.vaultStore, options.dateShiftDays);
    this.#fetch = options.fetchImpl ?? requestFetch();
    this.#detect = options.detect;
    this.#now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? randomUUID;
  }

  /** Text bound for `provider`: pseudonymized (or passed under a BAA), audited, never logged. */
  prepareText(input: PrepareTextInput): Promise<PreparedText> {
    return this.#prepare(input, undefined);
  }

  /**
   * Like prepareText for a text made of parts (see TextPart): the parts are joined in order; the
   * detector runs on the parts a person wrote, the stored spans stand for the trusted ones.
   */
  prepareParts(input: PreparePartsInput): Promise<PreparedText> {
    let text = '';
    const spans: PhiSpan[] = [];
    for (const part of input.parts) {
      const found = part.sourceSpans ?? detectPhi(part.text, this.#detect);
      for (const s of found)
        if (s.start >= 0 && s.end <= part.text.length && s.end > s.start)
          spans.push({ start: text.length + s.start, end: text.length + s.end, type: s.type });
      text += part.text;
    }
    return this.#prepare(
      { provider: input.provider, conversationId: input.conversationId, text },
      mergeCandidates(spans),
    );
  }

  async #prepare(
    input: PrepareTextInput,
    spans: readonly PhiSpan[] | undefined,
  ): Promise<PreparedText> {
    const provider = this.#provider(input.provider);
    const base = {
      provider,
      dataKind: 'text' as const,
      operation: 'prepare' as const,
      conversationId: input.conversationId,
    };
    const decision = decide(provider, 'text');
    if (decision.action === 'block') {
      await this.#record({
        ...base,
        action: 'block',
        decision: 'blocked',
        reason: 'EGRESS_BLOCKED',
        counts: {},
      });
      assertAllowed(provider, 'text');
    }
    if (decision.action === 'allow-with-baa') {
      const counts = countByType(spans ?? detectPhi(input.text, this.#detect));
      const auditId = await this.#record({
        ...base,
        action: decision.action,
        decision: 'sent',
        counts,
      });
      return { text: input.text, action: decision.action, counts, auditId };
    }
    const vault = await this.#vaults.get(input.conversationId);
    const result = pseudonymize(
      input.text,
      vault,
      spans === undefined ? { detect: this.#detect } : { spans: [...spans] },
    );
    await this.#vaults.save(vault);
    this.#prepared.delete(result.text);
    this.#prepared.add(result.text);
    if (this.#prepared.size > PREPARED_KEPT)
      this.#prepared.delete(this.#prepared.values().next().value ?? '');
    const auditId = await this.#record({
      ...base,
      action: 'pseudonymize',
      decision: 'sent',
      counts: result.counts,
    });
    return { text: result.text, action: 'pseudonymize', counts: result.counts, auditId };
  }

  /** Maps a provider's answer back to the clinician's identifiers (placeholders, shifted dates). */
  async restoreText(input: {
    readonly conversationId: string;
    readonly text: string;
  }): Promise<string> {
    const vault = await this.#vaults.get(input.conversationId);
    return reidentify(input.text, vault);
  }

  /**
   * The only HTTP path to a provider. Refuses other origins, blocked data kinds, and text payloads
   * in which the detector still finds identifiers under a pseudonymize policy.
   */
  async fetch(
    providerId: string,
    input: string | URL,
    init: RequestInit = {},
    ctx: RequestContext = {},
  ): Promise<Response> {
    const provider = this.#provider(providerId);
    const url = new URL(input);
    const destination = `${url.origin}${url.pathname}`;
    const body = bodyKind(init.body);
    const base = {
      provider,
      dataKind: body.kind,
      operation: 'request' as const,
      conversationId: ctx.conversationId,
      destination,
      bytes: body.bytes,
    };
    const decision = decide(provider, body.kind);
    let strings: string[] = [];
    try {
      assertDestination(provider, url);
      assertAllowed(provider, body.kind);
      if (body.kind === 'text') {
        strings = [
          ...contentStrings(body.text ?? ''),
          url.search === '' ? '' : decodeURIComponent(url.search.slice(1)),
        ];
      }
    } catch (err) {
      await this.#record({
        ...base,
        action: decision.action,
        decision: 'blocked',
        reason: (err as EgressError).code,
        counts: {},
      });
      throw err;
    }
    let counts: Record<string, number> = {};
    let residual: Record<string, number> | undefined;
    if (body.kind === 'text') {
      const scan = await this.#scan(strings, ctx.conversationId);
      if (decision.action === 'pseudonymize') {
        counts = scan.placeholders;
        residual = scan.residual;
        if (Object.keys(residual).length > 0) {
          await this.#record({
            ...base,
            action: decision.action,
            decision: 'blocked',
            reason: 'EGRESS_UNPREPARED_PHI',
            counts,
            residual,
          });
          throw new EgressError(
            'EGRESS_UNPREPARED_PHI',
            `Egress to ${provider.id} refused: the payload still contains identifiers; send text through prepareText first.`,
          );
        }
      } else {
        counts = scan.residual;
      }
    }
    await this.#record({
      ...base,
      action: decision.action,
      decision: 'sent',
      counts,
      ...(residual ? { residual } : {}),
    });
    this.#lastRequestAt.set(url.origin, performance.now());
    return this.#fetch(url, init);
  }

  /**
   * Opens `count` connections to one of `provider`'s configured origins before a turn needs them
   * (see http-client's `preconnect`), unless a request went there in the last `ifIdleMs`: its
   * connections are then still open (kept 60 s) and there is nothing to gain. Requests without
   * content, so there is nothing to scan or to audit; a URL outside the provider's origins is
   * refused like any egress. Best effort: never rejects.
   */
  async preconnect(providerId: string, url: string, count: number, ifIdleMs = 0): Promise<void> {
    try {
      const u = new URL(url);
      assertDestination(this.#provider(providerId), u);
      const last = this.#lastRequestAt.get(u.origin);
      if (last !== undefined && performance.now() - last < ifIdleMs) return;
      this.#lastRequestAt.set(u.origin, performance.now());
      await preconnect(this.#fetch, u.href, count);
    } catch {
      /* warming is an optimisation: the request that needs the connection reports failures */
    }
  }

  /** A `fetch` bound to one provider, for SDKs that accept a custom fetch (openai, deepgram…). */
  fetchFor(providerId: string, ctx: RequestContext = {}): typeof fetch {
    return (input: string | URL | Request, init?: RequestInit) => {
      if (input instanceof Request) {
        if (input.body !== null && init?.body === undefined)
          throw new EgressError(
            'EGRESS_BODY_UNSUPPORTED',
            'Pass the body in init, not inside a Request.',
          );
        return this.fetch(
          providerId,
          input.url,
          { method: input.method, headers: input.headers, ...init },
          ctx,
        );
      }
      return this.fetch(providerId, input, init, ctx);
    };
  }

  /** The only WebSocket path to a provider (streaming STT/TTS). */
  async openWebSocket(
    providerId: string,
    input: string | URL,
    options: {
      readonly protocols?: string | string[];
      readonly headers?: Record<string, string>;
      readonly conversationId?: string;
      readonly dataKind?: DataKind;
    } = {},
  ): Promise<GuardedSocket> {
    const provider = this.#provider(providerId);
    const url = new URL(input);
    const dataKind = options.dataKind ?? 'audio';
    const httpOrigin = new URL(url.href.replace(/^ws/, 'http')).origin;
    const base = {
      provider,
      dataKind,
      operation: 'websocket' as const,
      conversationId: options.conversationId,
      destination: `${url.origin}${url.pathname}`,
    };
    const decision = decide(provider, dataKind);
    try {
      if (!provider.origins.includes(url.origin) && !provider.origins.includes(httpOrigin))
        assertDestination(provider, url);
      assertAllowed(provider, dataKind);
    } catch (err) {
      await this.#record({
        ...base,
        action: decision.action,
        decision: 'blocked',
        reason: (err as EgressError).code,
        counts: {},
      });
      throw err;
    }
    await this.#record({ ...base, action: decision.action, decision: 'sent', counts: {} });
    const socket = new WebSocket(url, options.protocols, { headers: options.headers });
    return {
      socket,
      send: async (data) => {
        const kind: DataKind = typeof data === 'string' ? 'text' : 'audio';
        assertAllowed(provider, kind);
        if (typeof data === 'string') {
          const scan = await this.#scan(contentStrings(data), options.conversationId);
          const sendDecision = decide(provider, 'text');
          const blocked =
            sendDecision.action === 'pseudonymize' && Object.keys(scan.residual).length > 0;
          await this.#record({
            ...base,
            dataKind: 'text',
            operation: 'message',
            action: sendDecision.action,
            decision: blocked ? 'blocked' : 'sent',
            counts: sendDecision.action === 'pseudonymize' ? scan.placeholders : scan.residual,
            ...(blocked ? { reason: 'EGRESS_UNPREPARED_PHI', residual: scan.residual } : {}),
          });
          if (blocked)
            throw new EgressError(
              'EGRESS_UNPREPARED_PHI',
              `Message to ${provider.id} refused: it still contains identifiers.`,
            );
        }
        socket.send(data);
      },
      close: (code, reason) => socket.close(code, reason),
    };
  }

  #provider(id: string): ProviderConfig {
    const p = this.#providers.get(id);
    if (!p)
      throw new EgressError('EGRESS_UNKNOWN_PROVIDER', `No egress policy for provider '${id}'.`);
    return p;
  }

  /** Placeholders present, and identifiers still detected once placeholders/shifted dates are masked. */
  async #scan(
    strings: readonly string[],
    conversationId: string | undefined,
  ): Promise<{ placeholders: Record<string, number>; residual: Record<string, number> }> {
    const vault = conversationId === undefined ? undefined : await this.#vaults.get(conversationId);
    const shifted = vault?.shiftedDates.map((s) => s.shifted) ?? [];
    const placeholders: Record<string, number> = {};
    const residual: Record<string, number> = {};
    for (const s of strings) {
      if (s === '') continue;
      for (const [t, n] of Object.entries(placeholderCounts(s)))
        placeholders[t] = (placeholders[t] ?? 0) + n;
      if (this.#prepared.has(s)) continue;
      let masked = s.replace(CANONICAL_PLACEHOLDER_RE, ' ');
      for (const d of shifted) masked = masked.split(d).join(' ');
      // Identifiers the conversation revealed earlier count even where the detector alone
      // would let them pass ("Surname: Quimby" typed after the full name).
      const known = vault === undefined ? [] : findKnownIdentifiers(masked, vault.entries);
      const found = mergeCandidates([...detectPhi(masked, this.#detect), ...known]);
      for (const [t, n] of Object.entries(countByType(found))) residual[t] = (residual[t] ?? 0) + n;
    }
    return { placeholders, residual };
  }

  async #record(
    r: Omit<EgressAuditRecord, 'id' | 'at' | 'provider' | 'providerKind'> & {
      readonly provider: ProviderConfig;
    },
  ): Promise<string> {
    const { provider, ...rest } = r;
    const record: EgressAuditRecord = {
      ...rest,
      id: this.#newId(),
      at: this.#now().toISOString(),
      provider: provider.id,
      providerKind: provider.kind,
    };
    await this.#audit.write(record);
    return record.id;
  }
}
