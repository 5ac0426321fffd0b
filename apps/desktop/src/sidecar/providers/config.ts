import { bearer } from '@voiceassist/contract';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProviderConfig } from '../egress/index.js';

/** The provider ids the egress guard knows the gateway's three routes by. */
export const GATEWAY_PROVIDERS = {
  llm: 'gateway-llm',
  stt: 'gateway-stt',
  tts: 'gateway-tts',
} as const;

export const DEVICE_KEY_FILE = 'device.key';

export interface GatewayConfig {
  /** Sync server base URL, e.g. https://voiceassist.clinic.example (no trailing slash). */
  readonly serverUrl: string;
  /** The device key from `voiceassist-server device add` (sent as `Authorization: Bearer`). */
  readonly deviceKey: string;
  /**
   * The signed-in person's access token (sidecar/identity), used instead of `deviceKey` when
   * set; rejects when nobody is signed in (the call is then refused as AUTH_REQUIRED).
   */
  readonly bearer?: () => Promise<string>;
  /** Audio may go to the server's STT relay (audio cannot be pseudonymized; see README). */
  readonly sttAudio: boolean;
  readonly timeouts: GatewayTimeouts;
}

/**
 * Client-side limits, so a failure reaches the clinician within ~2 s instead of hanging. The
 * gateway has its own provider timeout (PROVIDER_TIMEOUT_MS); these cover the server itself being
 * slow or gone as well.
 */
export interface GatewayTimeouts {
  /** Response headers / WebSocket open. */
  readonly connectMs: number;
  /** LLM request → first token (the gateway sends headers with the first token). */
  readonly llmFirstTokenMs: number;
  /** TTS request → first audio byte. */
  readonly ttsFirstByteMs: number;
  /** Longest silence inside a stream before it counts as broken. */
  readonly idleMs: number;
  /** STT finalize → final result. */
  readonly sttFinalizeMs: number;
}

export const DEFAULT_TIMEOUTS: GatewayTimeouts = {
  connectMs: 2000,
  llmFirstTokenMs: 2000,
  ttsFirstByteMs: 2000,
  idleMs: 2000,
  sttFinalizeMs: 2000,
};

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Server URL from VOICEASSIST_SERVER_URL; device key from VOICEASSIST_DEVICE_KEY or
 * `<profileDir>/device.key`, else the signed-in person's token (`bearer`). No cloud provider key
 * is ever read on the workstation. Returns undefined without a server URL, or without either
 * credential (voice and cloud answers are then off).
 */
export function gatewayConfigFromEnv(
  env: NodeJS.ProcessEnv,
  profileDir?: string,
  bearer?: () => Promise<string>,
): GatewayConfig | undefined {
  const url = env.VOICEASSIST_SERVER_URL?.trim();
  if (!url) return undefined;
  let key = env.VOICEASSIST_DEVICE_KEY?.trim();
  if (!key && profileDir) {
    try {
      key = readFileSync(path.join(profileDir, DEVICE_KEY_FILE), 'utf8').trim();
    } catch {
      key = undefined; // no key file: not enrolled yet
    }
  }
  if (!key && !bearer) return undefined;
  return {
    serverUrl: url.replace(/\/+$/, ''),
    deviceKey: key ?? '',
    // The admin-issued device key (headless use) wins over a person's sign-in.
    ...(key || !bearer ? {} : { bearer }),
    sttAudio: env.VOICEASSIST_STT_AUDIO !== 'block',
    timeouts: {
      connectMs: intEnv(env, 'VOICEASSIST_CONNECT_TIMEOUT_MS', DEFAULT_TIMEOUTS.connectMs),
      llmFirstTokenMs: intEnv(env, 'VOICEASSIST_LLM_TIMEOUT_MS', DEFAULT_TIMEOUTS.llmFirstTokenMs),
      ttsFirstByteMs: intEnv(env, 'VOICEASSIST_TTS_TIMEOUT_MS', DEFAULT_TIMEOUTS.ttsFirstByteMs),
      idleMs: intEnv(env, 'VOICEASSIST_STREAM_IDLE_MS', DEFAULT_TIMEOUTS.idleMs),
      sttFinalizeMs: intEnv(env, 'VOICEASSIST_STT_FINALIZE_MS', DEFAULT_TIMEOUTS.sttFinalizeMs),
    },
  };
}

/**
 * Egress policy for the gateway: text to every route is pseudonymized (and the server checks it
 * again); microphone audio to the STT relay cannot be pseudonymized, so it is allowed only as
 * `allow-with-baa` with `baa` from the clinic's setting (VOICEASSIST_STT_AUDIO=block turns it off).
 */
export function gatewayProviders(
  config: Pick<GatewayConfig, 'serverUrl' | 'sttAudio'>,
): ProviderConfig[] {
  const origin = new URL(config.serverUrl).origin;
  const wsOrigin = origin.replace(/^http/, 'ws');
  return [
    {
      id: GATEWAY_PROVIDERS.llm,
      kind: 'llm',
      origins: [origin],
      baa: false,
      policy: { text: 'pseudonymize', audio: 'block' },
    },
    {
      id: GATEWAY_PROVIDERS.stt,
      kind: 'stt',
      origins: [origin, wsOrigin],
      baa: config.sttAudio,
      policy: { text: 'pseudonymize', audio: 'allow-with-baa' },
    },
    {
      id: GATEWAY_PROVIDERS.tts,
      kind: 'tts',
      origins: [origin],
      baa: false,
      policy: { text: 'pseudonymize', audio: 'block' },
    },
  ];
}

/** The `Authorization` header value for a gateway call. */
export async function authorizationOf(config: GatewayConfig): Promise<string> {
  return bearer(config.bearer ? await config.bearer() : config.deviceKey);
}
