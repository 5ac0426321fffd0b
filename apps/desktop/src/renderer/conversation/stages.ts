import type { StageTimings } from '../../shared/voice-turn.js';

export type StageKey = keyof StageTimings;

/** The stages in pipeline order, with the words a clinician reads (shared/voice-turn.ts defines them). */
export const STAGES: readonly {
  readonly key: StageKey;
  readonly label: string;
  readonly hint: string;
}[] = [
  { key: 'sttFinalize', label: 'Speech to text', hint: 'key released → final transcript' },
  { key: 'phi', label: 'Privacy filter', hint: 'pseudonymising the question' },
  { key: 'retrieval', label: 'Search', hint: 'searching your local sources' },
  { key: 'llmFirstToken', label: 'AI first word', hint: 'model request → first token' },
  { key: 'ttsFirstByte', label: 'Voice first sound', hint: 'speech request → first audio' },
  { key: 'firstAudio', label: 'First audio', hint: 'key released → first audio played' },
  { key: 'total', label: 'Whole turn', hint: 'key released → turn finished' },
];

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
