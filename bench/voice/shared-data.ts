import { existsSync } from 'node:fs';
import path from 'node:path';

/** Real recorded speech in ../shared/data/speech beside the checkout (benches may read it). */
export const SHARED_SPEECH_DIR = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'speech',
);

/** Throws a clear message when ../shared/data/speech is not beside the checkout. */
export function requireSharedSpeech(): string {
  if (!existsSync(SHARED_SPEECH_DIR))
    throw new Error(
      `${SHARED_SPEECH_DIR} is absent: this benchmark needs the shared speech recordings beside the checkout.`,
    );
  return SHARED_SPEECH_DIR;
}
