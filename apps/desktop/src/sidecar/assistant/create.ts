import path from 'node:path';
import { EgressGuard, JsonlFileAuditSink, type AuditSink } from '../egress/index.js';
import { createEmbedder, embedderConfigFromEnv } from '../knowledge/embed/factory.js';
import type { Embedder } from '../knowledge/embed/embedder.js';
import { HashingEmbedder } from '../knowledge/hashing-embedder.js';
import { openProfileKnowledgeBase, type KnowledgeBase } from '../knowledge/kb.js';
import { engineKeyStores } from '../knowledge/service.js';
import { GatewayClient } from '../providers/client.js';
import { gatewayConfigFromEnv, gatewayProviders, type GatewayConfig } from '../providers/config.js';
import { Aec3EchoCanceller } from '../voice/aec.js';
import { SileroVad } from '../voice/silero.js';
import { ConversationStore, StoreVaultStore } from './conversations.js';
import { VoiceTurnService, type FrontEnd, type ServiceLog } from './service.js';
import type { Emit } from './turn.js';

export const EGRESS_AUDIT_FILE = 'egress-audit.jsonl';

/** The gateway client over a guard whose vaults live in the encrypted store. */
export function createGatewayClient(
  config: GatewayConfig,
  kb: KnowledgeBase,
  audit: AuditSink,
): GatewayClient {
  const guard = new EgressGuard({
    providers: gatewayProviders(config),
    audit,
    vaultStore: new StoreVaultStore(kb.db),
  });
  return new GatewayClient(guard, config);
}

/** Silero VAD + AEC3, loaded once per process; undefined (with a warning) when unavailable. */
export async function loadFrontEnd(log?: ServiceLog): Promise<FrontEnd | undefined> {
  try {
    const vad = await SileroVad.load();
    let echoCanceller;
    try {
      echoCanceller = await Aec3EchoCanceller.create();
    } catch {
      log?.warn({}, 'echo canceller unavailable; barge-in may trigger on the app’s own voice');
    }
    return echoCanceller ? { vad, echoCanceller } : { vad };
  } catch (err) {
    log?.warn({ code: (err as { code?: string }).code }, 'VAD unavailable');
    return undefined;
  }
}

export async function profileEmbedder(env: NodeJS.ProcessEnv): Promise<Embedder> {
  if ((env.VOICEASSIST_EMBED_MODEL ?? '').startsWith('hashing-bow'))
    return new HashingEmbedder(512);
  return createEmbedder({
    ...embedderConfigFromEnv(env),
    log: { info: () => undefined, warn: () => undefined },
  });
}

export interface VoiceEngine {
  readonly service: VoiceTurnService;
  readonly kb: KnowledgeBase;
  close(): Promise<void>;
}

/**
 * Everything the voice turn needs in one profile folder: the encrypted store (knowledge,
 * conversations, PHI vaults; key from the OS keychain, VOICEASSIST_DB_KEY or DIR/knowledge.key), the egress audit
 * log, the gateway client (VOICEASSIST_SERVER_URL + device key) and the VAD/AEC front end.
 */
export async function openVoiceEngine(options: {
  readonly profileDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly emit: Emit;
  readonly log?: ServiceLog;
  readonly frontEnd?: boolean;
}): Promise<VoiceEngine> {
  const { profileDir, env } = options;
  const embedder = await profileEmbedder(env);
  // The same key stores, in the same order, as the Knowledge view's service: whichever opens a
  // new profile first, the other finds the key.
  const { kb } = await openProfileKnowledgeBase(profileDir, engineKeyStores(profileDir, env), {
    embedder,
  });
  const config = gatewayConfigFromEnv(env, profileDir);
  const audit = new JsonlFileAuditSink(path.join(profileDir, EGRESS_AUDIT_FILE));
  const client = config ? createGatewayClient(config, kb, audit) : undefined;
  const frontEnd = options.frontEnd === false ? undefined : loadFrontEnd(options.log);
  const service = new VoiceTurnService({
    kb,
    conversations: new ConversationStore(kb.db),
    client,
    emit: options.emit,
    ...(frontEnd ? { frontEnd } : {}),
    recordingsDir: path.join(profileDir, 'recordings'),
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    service,
    kb,
    close: async () => {
      service.close();
      const f = await frontEnd;
      await f?.vad.close();
      f?.echoCanceller?.close();
      await kb.close();
      await embedder.close();
      audit.close();
    },
  };
}
