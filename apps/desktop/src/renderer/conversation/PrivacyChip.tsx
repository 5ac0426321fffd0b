import type { TurnPrivacyDto } from '../../shared/voice-turn.js';

/** PHI types as a clinician names them. */
const KIND_WORDS: Readonly<Record<string, string>> = {
  NAME: 'name',
  DATE: 'date',
  AGE: 'age',
  PHONE: 'phone number',
  FAX: 'fax number',
  EMAIL: 'email',
  SSN: 'social security number',
  MRN: 'MRN',
  ID: 'ID number',
  CARD: 'card number',
  ADDRESS: 'address',
  LOCATION: 'place',
  ZIP: 'ZIP code',
  URL: 'web address',
  IP: 'IP address',
  FACILITY: 'facility',
};

const DESTINATION: Readonly<Record<TurnPrivacyDto['outbound'][number]['to'], string>> = {
  llm: 'Sent to the AI model',
  tts: 'Sent to the cloud voice',
};

/** "3 identifiers protected: name, date, MRN" — or what happened when there were none. */
export function privacySummary(privacy: TurnPrivacyDto): string {
  const kinds = Object.entries(privacy.identifiers)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = kinds.reduce((sum, [, n]) => sum + n, 0);
  const left = privacy.outbound.length > 0;
  if (total === 0) return left ? 'No identifiers found' : 'Nothing left this workstation';
  const words = [...new Set(kinds.map(([t]) => KIND_WORDS[t] ?? t.toLowerCase()))].join(', ');
  return `${total} ${total === 1 ? 'identifier' : 'identifiers'} protected: ${words}`;
}

/**
 * Per turn, a quiet line on what privacy did: identifiers found and replaced, and — opened —
 * exactly what left the workstation (the pseudonymized text as sent), or that nothing did.
 */
export function PrivacyChip({ privacy }: { privacy: TurnPrivacyDto }) {
  return (
    <details className="privacy" data-testid="privacy">
      <summary className="privacy__chip" data-testid="privacy-chip">
        <svg
          className="privacy__icon"
          viewBox="0 0 16 16"
          width="12"
          height="12"
          aria-hidden="true"
        >
          <path
            d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z"
            fill="currentColor"
          />
        </svg>{' '}
        {privacySummary(privacy)}
      </summary>
      <div className="privacy__body" data-testid="privacy-sent">
        {privacy.outbound.length === 0 ? (
          <p>
            Nothing left this workstation for this question: the answer was made from your sources
            here.
          </p>
        ) : (
          <>
            <p>
              Exactly what left this workstation. Identifiers were replaced by placeholders such as
              [PATIENT_1] before sending and put back in the answer here.
            </p>
            {privacy.outbound.map((o, i) => (
              <figure key={i} className="privacy__sent">
                <figcaption>{DESTINATION[o.to]}</figcaption>
                <pre className="privacy__text" data-testid="privacy-text" data-to={o.to}>
                  {o.text}
                </pre>
              </figure>
            ))}
          </>
        )}
      </div>
    </details>
  );
}
