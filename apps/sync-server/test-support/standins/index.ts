import { startDeepgramStandin, type DeepgramStandin } from './deepgram.js';
import { startElevenLabsStandin, type ElevenLabsStandin } from './elevenlabs.js';
import { startOpenAiStandin, type OpenAiStandin, type OpenAiStandinOptions } from './openai.js';

export type { Faults, Recorded, Served } from './common.js';
export { resetFaults } from './common.js';
export { startDeepgramStandin, startElevenLabsStandin, startOpenAiStandin };

export type Standins = {
  openai: OpenAiStandin;
  deepgram: DeepgramStandin;
  elevenlabs: ElevenLabsStandin;
  /** The gateway's provider environment variables pointing at these stand-ins. */
  env: Record<string, string>;
  /** Everything every stand-in received, as one string (for "never reached a provider" checks). */
  allRecorded: () => string;
  close: () => Promise<void>;
};

export const STANDIN_KEYS = {
  openai: 'sk-standin',
  deepgram: 'dg-standin',
  elevenlabs: 'el-standin',
};

export async function startStandins(
  opts: {
    openai?: Partial<OpenAiStandinOptions>;
    ports?: { openai?: number; deepgram?: number; elevenlabs?: number };
  } = {},
): Promise<Standins> {
  const [openai, deepgram, elevenlabs] = await Promise.all([
    startOpenAiStandin({
      apiKey: STANDIN_KEYS.openai,
      ...opts.openai,
      ...(opts.ports?.openai ? { port: opts.ports.openai } : {}),
    }),
    startDeepgramStandin({
      apiKey: STANDIN_KEYS.deepgram,
      ...(opts.ports?.deepgram ? { port: opts.ports.deepgram } : {}),
    }),
    startElevenLabsStandin({
      apiKey: STANDIN_KEYS.elevenlabs,
      ...(opts.ports?.elevenlabs ? { port: opts.ports.elevenlabs } : {}),
    }),
  ]);
  return {
    openai,
    deepgram,
    elevenlabs,
    env: {
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: STANDIN_KEYS.openai,
      OPENAI_MODEL: 'gpt-standin',
      DEEPGRAM_URL: deepgram.url,
      DEEPGRAM_API_KEY: STANDIN_KEYS.deepgram,
      ELEVENLABS_BASE_URL: elevenlabs.url,
      ELEVENLABS_API_KEY: STANDIN_KEYS.elevenlabs,
      ELEVENLABS_VOICE_ID: 'standinVoice01',
    },
    allRecorded: () => JSON.stringify([openai.requests, deepgram.requests, elevenlabs.requests]),
    close: async () => {
      await Promise.all([openai.close(), deepgram.close(), elevenlabs.close()]);
    },
  };
}
