/**
 * Egress policy: what may leave the workstation, per provider and per kind of data.
 * - `pseudonymize`: identifiers are replaced by vault placeholders before sending (text only);
 * - `block`: nothing of this kind goes to this provider;
 * - `allow-with-baa`: sent as is, only when the clinic has a Business Associate Agreement with
 *   the provider (`baa: true`); without one it is refused like `block`.
 */
import { EgressError } from './errors.js';

export type ProviderKind = 'llm' | 'stt' | 'tts';
export type DataKind = 'text' | 'audio';
export type EgressAction = 'pseudonymize' | 'block' | 'allow-with-baa';

export interface ProviderConfig {
  /** Stable id used by callers: "openai", "deepgram", "elevenlabs". */
  readonly id: string;
  readonly kind: ProviderKind;
  /** Origins requests may go to ("https://api.openai.com"); anything else is refused. */
  readonly origins: readonly string[];
  /** The clinic holds a signed BAA with this provider. */
  readonly baa: boolean;
  readonly policy: Readonly<Partial<Record<DataKind, EgressAction>>>;
}

/** Text is pseudonymized, audio (which cannot be) is blocked unless configured otherwise. */
export const DEFAULT_POLICY: Readonly<Record<DataKind, EgressAction>> = {
  text: 'pseudonymize',
  audio: 'block',
};

export type Decision =
  | { readonly action: 'pseudonymize' }
  | { readonly action: 'allow-with-baa' }
  | { readonly action: 'block'; readonly reason: string };

export function decide(provider: ProviderConfig, dataKind: DataKind): Decision {
  const action = provider.policy[dataKind] ?? DEFAULT_POLICY[dataKind];
  switch (action) {
    case 'pseudonymize':
      if (dataKind === 'audio') return { action: 'block', reason: 'audio cannot be pseudonymized' };
      return { action };
    case 'allow-with-baa':
      return provider.baa
        ? { action }
        : { action: 'block', reason: 'policy requires a BAA and none is on file' };
    case 'block':
      return { action: 'block', reason: `policy blocks ${dataKind} to this provider` };
  }
}

export function assertAllowed(provider: ProviderConfig, dataKind: DataKind): Decision {
  const d = decide(provider, dataKind);
  if (d.action === 'block') {
    const code =
      (provider.policy[dataKind] ?? DEFAULT_POLICY[dataKind]) === 'allow-with-baa'
        ? 'EGRESS_NO_BAA'
        : 'EGRESS_BLOCKED';
    throw new EgressError(code, `Egress to ${provider.id} refused for ${dataKind}: ${d.reason}.`);
  }
  return d;
}

/** The destination must be one of the provider's configured origins. */
export function assertDestination(provider: ProviderConfig, url: URL): void {
  if (!provider.origins.includes(url.origin))
    throw new EgressError(
      'EGRESS_DESTINATION_DENIED',
      `Egress to ${provider.id} refused: ${url.origin} is not one of its configured origins.`,
    );
}
