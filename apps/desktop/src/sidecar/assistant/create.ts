import path from 'node:path';
import type { VaultStore } from '@voiceassist/phi';
import { EgressGuard, JsonlFileAuditSink, type AuditSink } from '../egress/index.js';
import type { KnowledgeBase } from '../knowledge/kb.js';
import { openProfile, type Profile } from '../profile.js';
import { GatewayClient } from '../providers/client.js';
import { gatewayConfigFromEnv, gatewayProviders, type GatewayConfig } from '../providers/config.js';
import type { SpeechRpc } from '../speech/rpc.js';
import { nextcloudCalendarAccess } from './front/calendar-access.js';
import { createAssistantFront } from './front/create.js';
import { VoiceTurnService, type ServiceLog } from './service.js';
import type { Emit } from './turn.js';

export const EGRESS_AUDIT_FILE = 'egress-audit.jsonl';
/** People calendar invitations can go to (front/calendar-access.ts). */
export const CONTACTS_FILE = 'contacts.json';

/** The gateway client over a guard whose vaults live in the encrypted store. */
export function createGatewayClient(
  config: GatewayConfig,
  vaults: VaultStore,
  audit: AuditSink,
): GatewayClient {
  const guard = new EgressGuard({ providers: gatewayProviders(config), audit, vaultStore: vaults });
  return new GatewayClient(guard, config);
}

export interface VoiceWiring {
  readonly service: VoiceTurnService;
  /** Closes what the wiring opened (the turn's timers, the egress audit log); the profile stays open. */
  close(): void;
}

/**
 * The voice turn over an open profile: the egress audit log in the profile folder, the gateway
 * client (VOICEASSIST_SERVER_URL + device key) and the profile's store, repositories and VAD/AEC.
 */
export function createVoiceService(
  profile: Profile,
  options: {
    readonly env: NodeJS.ProcessEnv;
    readonly emit: Emit;
    readonly log?: ServiceLog;
    /** Load the VAD/AEC front end (default true). */
    readonly frontEnd?: boolean;
    /** On-device speech (speech/rpc.ts): without it, voice needs the cloud STT. */
    readonly speech?: SpeechRpc;
    /** The signed-in person's access token, for a workstation without a device key. */
    readonly bearer?: () => Promise<string>;
  },
): VoiceWiring {
  const config = gatewayConfigFromEnv(options.env, profile.dir, options.bearer);
  const audit = new JsonlFileAuditSink(path.join(profile.dir, EGRESS_AUDIT_FILE));
  const client = config ? createGatewayClient(config, profile.vaults, audit) : undefined;
  const service = new VoiceTurnService({
    kb: profile.knowledge,
    conversations: profile.conversations,
    settings: profile.settings,
    client,
    emit: options.emit,
    assistantFront: createAssistantFront(profile, {
      ...(client ? { client } : {}),
      // An LLM routing call before every answer would add a model round trip to each turn; the
      // local router decides unless the clinic asks for it (intents/README.md, "Accuracy").
      llmRouting: options.env.VOICEASSIST_LLM_ROUTING === '1',
      calendar: nextcloudCalendarAccess({
        gateway: config,
        zone: options.env.VOICEASSIST_TIME_ZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
        contactsFile: path.join(profile.dir, CONTACTS_FILE),
      }),
    }),
    ...(options.frontEnd === false ? {} : { frontEnd: profile.voiceFrontEnd(options.log) }),
    recordingsDir: path.join(profile.dir, 'recordings'),
    ...(options.log ? { log: options.log } : {}),
    ...(options.speech ? { speech: options.speech } : {}),
  });
  return {
    service,
    close: () => {
      service.close();
      audit.close();
    },
  };
}

export interface VoiceEngine {
  readonly service: VoiceTurnService;
  readonly kb: KnowledgeBase;
  readonly profile: Profile;
  close(): Promise<void>;
}

/**
 * Opens a profile folder and the voice turn over it, for a process that needs nothing else (the
 * CLI's `turn`, tests). The engine instead shares its one profile (profile-handle.ts).
 */
export async function openVoiceEngine(options: {
  readonly profileDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly emit: Emit;
  readonly log?: ServiceLog;
  readonly frontEnd?: boolean;
}): Promise<VoiceEngine> {
  const log = options.log;
  const profile = await openProfile({
    dir: options.profileDir,
    env: options.env,
    log: { info: (m) => log?.info({}, m), warn: (m) => log?.warn({}, m) },
  });
  const wiring = createVoiceService(profile, options);
  return {
    service: wiring.service,
    kb: profile.knowledge,
    profile,
    close: async () => {
      wiring.close();
      await profile.close();
    },
  };
}
