/** Opening the store may first load the embedding model: allow it more than the default timeout. */
export const SLOW_CALL = { timeoutMs: 120_000 };
