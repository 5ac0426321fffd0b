import { useAfterTurns } from './use-after-turns.js';
import { Problem } from '../Problem.js';

const KIND_WORDS: Readonly<Record<string, string>> = {
  NAME: 'Names',
  DATE: 'Dates',
  AGE: 'Ages',
  PHONE: 'Phone numbers',
  FAX: 'Fax numbers',
  EMAIL: 'Emails',
  SSN: 'Social security numbers',
  MRN: 'MRNs',
  ID: 'ID numbers',
  CARD: 'Card numbers',
  ADDRESS: 'Addresses',
  LOCATION: 'Places',
  ZIP: 'ZIP codes',
  URL: 'Web addresses',
  IP: 'IP addresses',
  FACILITY: 'Facilities',
};

/**
 * Diagnostics: the egress audit's counts — what left the workstation, what the guard refused,
 * how many identifiers were replaced, by kind and destination — and the retention policy's last
 * run. Counts only; the audit log holds no text.
 */
export function EgressAudit() {
  const { value: summary, error } = useAfterTurns('privacy.audit', {});
  const kinds = Object.entries(summary?.pseudonymized ?? {}).sort((a, b) => b[1] - a[1]);
  const replaced = kinds.reduce((n, [, c]) => n + c, 0);
  return (
    <section className="diag-section" aria-labelledby="egress-heading" data-testid="egress-audit">
      <h2 id="egress-heading" className="diag-section__title">
        What left this workstation
      </h2>
      {error && (
        <Problem
          words={{
            tone: 'error',
            text: 'The egress audit cannot be read right now; try again in a moment.',
            code: 'EGRESS_AUDIT',
            detail: error,
          }}
        />
      )}
      {summary && (
        <>
          <p className="diag-section__text">
            From the egress audit log
            {summary.since ? ` since ${new Date(summary.since).toLocaleString()}` : ''}: counts
            only, the log never holds text.
          </p>
          <table className="diag">
            <caption className="visually-hidden">Egress audit counts</caption>
            <tbody>
              <tr>
                <th scope="row">Requests sent</th>
                <td data-testid="egress-sent">{summary.sent}</td>
              </tr>
              <tr>
                <th scope="row">Requests refused by the privacy guard</th>
                <td data-testid="egress-blocked">{summary.blocked}</td>
              </tr>
              <tr>
                <th scope="row">Identifiers replaced before sending</th>
                <td data-testid="egress-replaced">{replaced}</td>
              </tr>
              {kinds.map(([t, n]) => (
                <tr key={t} data-testid="egress-kind" data-kind={t}>
                  <th scope="row" className="diag__sub">
                    {KIND_WORDS[t] ?? t}
                  </th>
                  <td>{n}</td>
                </tr>
              ))}
              {summary.byProvider.map((p) => (
                <tr key={p.provider}>
                  <th scope="row">To {p.provider}</th>
                  <td>
                    {p.sent} sent{p.blocked > 0 ? `, ${p.blocked} refused` : ''}
                  </td>
                </tr>
              ))}
              <tr>
                <th scope="row">Conversation retention</th>
                <td data-testid="retention-status">
                  {summary.retention.days} days
                  {summary.retention.lastRun
                    ? `; last checked ${new Date(summary.retention.lastRun).toLocaleString()}, ${summary.retention.lastDeleted} deleted`
                    : ''}
                </td>
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
