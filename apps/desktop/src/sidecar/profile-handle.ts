import type { Logger } from 'pino';
import type { Health } from '../shared/contract.js';
import { CodedError, codeOf, errorArea, type ErrorArea } from '../shared/errors.js';
import { openProfile, type Profile } from './profile.js';

const STORE_AREAS: readonly ErrorArea[] = ['store', 'ingest', 'embed'];

/**
 * A store, ingestion or embedding error keeps its code and message (they say what to do); anything
 * else becomes KB_FAILED with `fallback`, its own message unsent (it may quote a document).
 */
export function codedStoreError(err: unknown, fallback: string): CodedError {
  if (err instanceof CodedError) return err as CodedError;
  const code = codeOf(err);
  const area = code === undefined ? undefined : errorArea(code);
  if (code !== undefined && area !== undefined && STORE_AREAS.includes(area))
    return new CodedError(code, err instanceof Error ? err.message : undefined);
  return new CodedError('KB_FAILED', fallback);
}

type State =
  | { readonly kind: 'unopened' }
  | { readonly kind: 'open'; readonly embedder: string }
  | { readonly kind: 'failed'; readonly code: string };

/**
 * The engine's one profile (VOICEASSIST_PROFILE_DIR), opened on first use by whichever service asks
 * first (so the engine is ready before the model loads) and shared by all of them. A failed open
 * is logged by code only and retried on the next call.
 */
export class ProfileHandle {
  private opening: Promise<Profile> | undefined;
  private state: State = { kind: 'unopened' };

  constructor(
    /** Undefined: this engine runs without a profile (voice and knowledge calls say so). */
    readonly dir: string | undefined,
    private readonly open: (dir: string) => Promise<Profile>,
    private readonly log: Logger,
  ) {}

  /** The profile, or undefined when the engine has none. Rejects with a coded error. */
  async get(): Promise<Profile | undefined> {
    const dir = this.dir;
    if (dir === undefined) return undefined;
    this.opening ??= this.open(dir).then(
      (profile) => {
        const { id, dimension } = profile.embedder;
        this.state = { kind: 'open', embedder: `${id} (${dimension}-d)` };
        return profile;
      },
      (err: unknown) => {
        const e = codedStoreError(
          err,
          'The profile could not be opened; details are in the engine log.',
        );
        this.state = { kind: 'failed', code: e.code };
        this.log.error({ code: e.code }, 'profile failed to open');
        this.opening = undefined;
        throw e;
      },
    );
    return this.opening;
  }

  /** The store's and embedding model's status as health reports them; never opens anything. */
  components(): Pick<Health, 'store' | 'models'> {
    if (this.dir === undefined) {
      const detail =
        'No profile folder is set (VOICEASSIST_PROFILE_DIR), so there is no local store.';
      return {
        store: { status: 'not-configured', detail },
        models: { status: 'not-configured', detail },
      };
    }
    const state = this.state;
    switch (state.kind) {
      case 'unopened':
        return {
          store: { status: 'not-ready', detail: 'The encrypted store opens on first use.' },
          models: { status: 'not-ready', detail: 'The embedding model loads with the store.' },
        };
      case 'failed': {
        const detail = `The encrypted store could not be opened (${state.code}); see the engine log.`;
        return { store: { status: 'error', detail }, models: { status: 'not-ready', detail } };
      }
      case 'open':
        return {
          store: { status: 'ready', detail: 'Encrypted store open.' },
          models: { status: 'ready', detail: `Embeddings: ${state.embedder}.` },
        };
    }
  }

  async close(): Promise<void> {
    const profile = await this.opening?.catch(() => undefined);
    this.opening = undefined;
    await profile?.close();
  }
}

/** The profile named by VOICEASSIST_PROFILE_DIR, opened with the engine's logger. */
export function profileHandleFromEnv(env: NodeJS.ProcessEnv, log: Logger): ProfileHandle {
  const dir = env.VOICEASSIST_PROFILE_DIR;
  return new ProfileHandle(
    dir === '' ? undefined : dir,
    (d) =>
      openProfile({
        dir: d,
        env,
        log: { info: (m) => log.info(m), warn: (m) => log.warn(m) },
      }),
    log,
  );
}
