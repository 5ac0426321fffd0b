import type { Clarification } from './detect.js';
import { resolveReply } from './reply.js';

/** How the turn goes on after the person answered the clarifying question. */
export type Continuation =
  | {
      readonly kind: 'answer';
      /** The question to answer now: the original, narrowed to the chosen topic. */
      readonly question: string;
      /** Answer from these documents only (the chosen topic's); undefined = as retrieved. */
      readonly documentIds?: readonly number[];
      readonly topic?: string;
    }
  /** The reply did not pick an option: ask once more, or treat it as a new question. */
  | { readonly kind: 'unclear'; readonly prompt: string };

/**
 * The same turn continues with the reply to a clarifying question: the chosen topic narrows the
 * original question ("kidney disease management" + "chronic" → about Chronic Kidney Disease, from
 * its documents); "all of them" answers as first asked.
 */
export function continueWith(
  original: string,
  clarification: Clarification,
  reply: string | number,
): Continuation {
  const resolved = resolveReply(clarification, reply);
  switch (resolved.kind) {
    case 'all':
      return { kind: 'answer', question: original };
    case 'option':
      return {
        kind: 'answer',
        question: `${original} (${resolved.option.label})`,
        documentIds: resolved.option.documentIds,
        topic: resolved.option.label,
      };
    case 'unclear':
      return { kind: 'unclear', prompt: `Sorry — ${clarification.question}` };
  }
}
