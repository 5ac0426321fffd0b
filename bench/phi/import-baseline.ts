/** An empty module: what the loader itself costs for a first import (run.ts's import baseline). */
export const EMPTY = true;
