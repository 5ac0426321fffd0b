/**
 * Walks a request schema (TypeBox, i.e. JSON Schema) and lists every place a caller can put free
 * text — string fields, the keys and values of free-form objects (JSON Schemas written by the
 * caller) — each with a builder for the smallest valid request that carries a given string
 * there and nowhere else. Tests put a canary in each slot in turn.
 */

type Schema = Readonly<{
  type?: string;
  const?: unknown;
  /** A closed choice (Type.Enum): no free text fits. */
  enum?: readonly unknown[];
  properties?: Readonly<Record<string, Schema>>;
  required?: readonly string[];
  patternProperties?: Readonly<Record<string, Schema>>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  anyOf?: readonly Schema[];
  pattern?: string;
}>;

export type Slot = Readonly<{
  /** Where, as a readable path (`messages[].tool_calls[].function.name`). */
  path: string;
  /** True when only identifier-like text fits (the field has a pattern). */
  identifier: boolean;
  build: (text: string) => unknown;
}>;

const isFreeForm = (s: Schema) =>
  s.type === undefined &&
  s.anyOf === undefined &&
  s.const === undefined &&
  s.enum === undefined &&
  !s.properties;

/** The smallest value the schema accepts (first branch of a union, required fields only). */
export function minimal(s: Schema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum !== undefined) return s.enum[0];
  if (s.anyOf) return minimal(s.anyOf[0] ?? {});
  switch (s.type) {
    case 'string':
      return 'x';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => minimal(s.items ?? {}));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const k of s.required ?? []) out[k] = minimal(s.properties?.[k] ?? {});
      return out;
    }
    default:
      return {};
  }
}

/** Free-form JSON (a caller's JSON Schema): text as a key, a value, and deep inside. */
function freeFormSlots(path: string): Slot[] {
  return [
    { path: `${path} (key)`, identifier: false, build: (t) => ({ [t]: { type: 'string' } }) },
    { path: `${path} (value)`, identifier: false, build: (t) => ({ description: t }) },
    {
      path: `${path} (nested enum)`,
      identifier: false,
      build: (t) => ({ type: 'object', properties: { a: { type: 'string', enum: ['b', t] } } }),
    },
  ];
}

export function slots(s: Schema, path = ''): Slot[] {
  if (s.const !== undefined || s.enum !== undefined) return [];
  if (s.anyOf) return s.anyOf.flatMap((b) => slots(b, path));
  if (isFreeForm(s)) {
    return [{ path, identifier: false, build: (t) => t }, ...freeFormSlots(path)];
  }
  switch (s.type) {
    case 'string':
      return [{ path, identifier: s.pattern !== undefined, build: (t) => t }];
    case 'array': {
      const item = s.items ?? {};
      return slots(item, `${path}[]`).map((slot) => ({
        ...slot,
        build: (t: string) => {
          const rest = Array.from({ length: Math.max(0, (s.minItems ?? 0) - 1) }, () =>
            minimal(item),
          );
          return [slot.build(t), ...rest];
        },
      }));
    }
    case 'object': {
      if (!s.properties) return freeFormSlots(path);
      const out: Slot[] = [];
      for (const [k, sub] of Object.entries(s.properties)) {
        for (const slot of slots(sub, path ? `${path}.${k}` : k)) {
          out.push({
            ...slot,
            build: (t) => ({ ...(minimal(s) as object), [k]: slot.build(t) }),
          });
        }
      }
      return out;
    }
    default:
      return [];
  }
}

/**
 * Every closed object in the schema (one that refuses unknown fields), each with a builder for the
 * smallest valid request whose object there carries one extra field.
 */
export function closedObjects(
  s: Schema,
  path = '',
): { path: string; build: (extra: Record<string, unknown>) => unknown }[] {
  if (s.anyOf) return s.anyOf.flatMap((b) => closedObjects(b, path));
  if (s.type === 'array') {
    const item = s.items ?? {};
    return closedObjects(item, `${path}[]`).map((o) => ({
      ...o,
      build: (extra: Record<string, unknown>) => [o.build(extra)],
    }));
  }
  if (s.type !== 'object' || !s.properties) return [];
  const out: { path: string; build: (extra: Record<string, unknown>) => unknown }[] = [];
  if (s.additionalProperties === false) {
    out.push({
      path: path || '(body)',
      build: (extra) => ({ ...(minimal(s) as object), ...extra }),
    });
  }
  for (const [k, sub] of Object.entries(s.properties)) {
    for (const o of closedObjects(sub, path ? `${path}.${k}` : k)) {
      out.push({ ...o, build: (extra) => ({ ...(minimal(s) as object), [k]: o.build(extra) }) });
    }
  }
  return out;
}
