import type { StatusView } from './status.js';

/** A status with a shape, a word and a sentence: never colour alone. */
export function StatusBadge({
  name,
  status,
  testId,
  showName = true,
}: {
  name: string;
  status: StatusView;
  testId: string;
  showName?: boolean;
}) {
  return (
    <div
      className={`status status--${status.tone}`}
      data-testid={testId}
      data-state={status.state}
      title={status.detail}
    >
      <span className="status__dot" aria-hidden="true" />
      {showName ? (
        <span className="status__name">{name}:</span>
      ) : (
        <span className="visually-hidden">{name}:</span>
      )}{' '}
      <span className="status__label">{status.label}</span>
      <span className="visually-hidden"> — {status.detail}</span>
    </div>
  );
}
