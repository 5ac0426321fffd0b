/**
 * The provider stand-ins (the server's test support: they speak OpenAI's, Deepgram's and
 * ElevenLabs' wire protocols), re-exported with their real types for the desktop's tests.
 */
export {
  STANDIN_KEYS,
  startDeepgramStandin,
  startElevenLabsStandin,
  startOpenAiStandin,
  type Faults,
  type Recorded,
  type Served,
} from '@voiceassist/sync-server/test-support/standins/index.js';
