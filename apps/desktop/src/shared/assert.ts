/** Signal's invariant helpers: a failed invariant is a bug, so the message names what was missing. */
export function strictAssert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}

/** For the `default` branch of an exhaustive switch. */
export function missingCaseError(value: never): Error {
  return new TypeError(`Unhandled case: ${String(value)}`);
}
