/**
 * Bounds on JSON written by a caller and forwarded to a provider (tool parameter schemas, response
 * formats), shared by the gateway, which refuses a request over them with a coded 400, and the
 * workstation's egress guard, which refuses to send one. Every string of a bounded value can be
 * scanned before it leaves; an unbounded one could hide text below where a scan stops.
 */
export const JSON_LIMITS = {
  /** Nesting of objects and arrays (`{}` is 1, `{"a":[]}` is 2). */
  maxDepth: 16,
  /** Values and keys together. */
  maxNodes: 4_000,
} as const;

export type JsonLimits = Readonly<{ maxDepth: number; maxNodes: number }>;

export type JsonLimitViolation = Readonly<{
  /** Where, as a JSON pointer below the value's own path (`/properties/a/items`). */
  path: string;
  reason: 'depth' | 'size';
  limit: number;
}>;

type Frame = { value: unknown; path: string; depth: number };

/**
 * The first way `value` breaks `limits`, or undefined when it keeps them. Iterative, so a hostile
 * nesting cannot overflow the stack; stops at the first violation.
 */
export function jsonLimitViolation(
  value: unknown,
  limits: JsonLimits = JSON_LIMITS,
): JsonLimitViolation | undefined {
  const stack: Frame[] = [{ value, path: '', depth: 0 }];
  let nodes = 0;
  for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
    nodes++;
    if (nodes > limits.maxNodes) return { path: f.path, reason: 'size', limit: limits.maxNodes };
    const v = f.value;
    if (v === null || typeof v !== 'object') continue;
    const depth = f.depth + 1;
    if (depth > limits.maxDepth) return { path: f.path, reason: 'depth', limit: limits.maxDepth };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i] as unknown, path: `${f.path}/${i}`, depth });
    } else {
      const entries = Object.entries(v as Record<string, unknown>);
      nodes += entries.length; // the keys
      for (const [k, x] of entries.reverse()) {
        stack.push({
          value: x,
          path: `${f.path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          depth,
        });
      }
    }
  }
  return undefined;
}

/**
 * Every string in a JSON value, object keys included, at any depth (iteratively): what a guard
 * must scan before the value leaves. Numbers, booleans and null carry no text.
 */
export function jsonStrings(value: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out.push(k);
        stack.push(x);
      }
    }
  }
  return out;
}
