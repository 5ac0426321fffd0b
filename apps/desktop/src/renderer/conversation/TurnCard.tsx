import type { AnswerSentenceDto, CitationDto } from '../../shared/voice-turn.js';
import { onePerCause } from '../messages.js';
import { Problem } from '../Problem.js';
import { SentenceText } from './source-text.js';
import type { TurnView } from './turn-log.js';

const STATUS_WORDS: Record<TurnView['status'], string> = {
  'in-progress': 'Answering…',
  complete: 'Complete',
  partial: 'Part of this answer could not be completed.',
  cancelled: 'Stopped.',
  failed: 'No answer: see above.',
};

/** Where the answer's words came from, as the reader should know it. */
function generatorWords(generator: string): string {
  if (generator.startsWith('llm:')) return 'written by the AI model from your sources';
  if (generator === 'assistant:calculator') return 'calculated on this workstation';
  if (generator.startsWith('assistant:')) return 'from the assistant';
  return 'quoted from your sources';
}

/** Citations numbered in order of first use across the turn's answer. */
function numberCitations(
  sentences: readonly (AnswerSentenceDto | undefined)[],
): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const s of sentences)
    for (const c of s?.citations ?? []) {
      const key = citationKey(c);
      if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    }
  return numbers;
}

export const citationKey = (c: CitationDto): string => `${c.documentId}:${c.start}-${c.end}`;

/**
 * One question and its answer, as a chat exchange: the transcript (interim in italics, then
 * final), the answer sentence by sentence with numbered, clickable citations, and problems in
 * words (one per cause). Timings are in Diagnostics, not here.
 */
export function TurnCard({
  turn,
  onCite,
  onReply,
}: {
  turn: TurnView;
  onCite: (citation: CitationDto, sentence: AnswerSentenceDto, number: number) => void;
  /** The assistant's question is still open: its options reply (clicked = said). */
  onReply?: ((option: string) => void) | undefined;
}) {
  const options = onReply && turn.prompt?.awaiting ? turn.prompt.options : [];
  const numbers = numberCitations(turn.sentences);
  const sentences = turn.sentences.filter((s): s is AnswerSentenceDto => s !== undefined);
  return (
    <article
      className="turn"
      aria-label={`Question: ${turn.transcript || 'listening'}`}
      data-testid="turn"
      data-turn-id={turn.id}
      data-status={turn.status}
    >
      <div className="turn__question">
        <span className="turn__who">{turn.mode === 'text' ? 'You typed' : 'You said'}</span>
        {turn.transcript ? (
          <p
            className={
              turn.transcriptFinal
                ? 'turn__transcript'
                : 'turn__transcript turn__transcript--interim'
            }
            data-testid="transcript"
            data-final={turn.transcriptFinal ? 'true' : 'false'}
          >
            {turn.transcript}
            {!turn.transcriptFinal && <span className="visually-hidden"> (still listening)</span>}
          </p>
        ) : (
          <p className="turn__transcript turn__transcript--interim">…</p>
        )}
      </div>
      {sentences.length > 0 && (
        <div className="turn__answer" data-testid="answer">
          <span className="turn__who">
            Answer
            {turn.generator && (
              <span className="turn__generator"> · {generatorWords(turn.generator)}</span>
            )}
          </span>
          <div className="turn__sentences">
            {sentences.map((s, i) => (
              <span key={i} className="turn__sentence">
                <SentenceText text={s.text} />
                {s.citations.map((c) => {
                  const n = numbers.get(citationKey(c)) ?? 0;
                  return (
                    <button
                      key={citationKey(c)}
                      type="button"
                      className="cite"
                      data-testid="citation"
                      aria-label={`Source ${n}: ${c.title || c.sourcePath}`}
                      title={c.title || c.sourcePath}
                      onClick={() => onCite(c, s, n)}
                    >
                      {n}
                    </button>
                  );
                })}{' '}
              </span>
            ))}
          </div>
        </div>
      )}
      {options.length > 0 && (
        <div className="turn__options" role="group" aria-label="Reply with">
          {options.map((o) => (
            <button
              key={o}
              type="button"
              className="button button--small"
              data-testid="reply-option"
              onClick={() => onReply?.(o)}
            >
              {o}
            </button>
          ))}
        </div>
      )}
      {turn.errors.length > 0 && (
        <div className="turn__errors" aria-label="About this answer">
          {onePerCause(turn.errors).map((e, i) => (
            <Problem key={i} error={e} />
          ))}
        </div>
      )}
      {turn.status !== 'complete' && (
        <p className={`turn__status turn__status--${turn.status}`}>{STATUS_WORDS[turn.status]}</p>
      )}
    </article>
  );
}
