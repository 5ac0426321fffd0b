import { Type, type Static, type TSchema } from 'typebox';

/**
 * THE contract between renderer and sidecar: every call (input → output) and every event. Both
 * transports (Electron MessagePort, web-mode WebSocket) carry exactly this; the receiving side
 * validates against these schemas. A feature adds a call with ONE entry in `CALLS` (and the sidecar
 * then fails to typecheck until it implements the handler), or an event with one entry in `EVENTS`.
 */

const Detail = Type.String({ maxLength: 1024 });

/** A local component (encrypted store, models) that may not exist yet in this release. */
export const ComponentStatus = Type.Object(
  {
    status: Type.Union([
      Type.Literal('ready'),
      Type.Literal('not-ready'),
      Type.Literal('error'),
      Type.Literal('not-configured'),
    ]),
    detail: Detail,
  },
  { additionalProperties: false },
);
export type ComponentStatus = Static<typeof ComponentStatus>;

/** The sync server as the sidecar sees it. The renderer never talks to the server itself. */
export const ServerStatus = Type.Object(
  {
    url: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
    status: Type.Union([
      Type.Literal('ready'),
      Type.Literal('not-ready'),
      Type.Literal('unreachable'),
      Type.Literal('not-configured'),
    ]),
    detail: Detail,
  },
  { additionalProperties: false },
);
export type ServerStatus = Static<typeof ServerStatus>;

export const Health = Type.Object(
  {
    version: Type.String({ maxLength: 64 }),
    uptimeSeconds: Type.Number({ minimum: 0 }),
    store: ComponentStatus,
    models: ComponentStatus,
    server: ServerStatus,
  },
  { additionalProperties: false },
);
export type Health = Static<typeof Health>;

interface CallSpec {
  readonly input: TSchema;
  readonly output: TSchema;
  /** One line for logs and docs: what the call does. */
  readonly summary: string;
}

export const CALLS = {
  health: {
    summary: 'Engine version, uptime and the status of store, models and sync server.',
    input: Type.Object({ refresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    output: Health,
  },
  ping: {
    summary: 'Round trip check; echoes the text.',
    input: Type.Object({ text: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
    output: Type.Object({ text: Type.String() }, { additionalProperties: false }),
  },
} as const satisfies Readonly<Record<string, CallSpec>>;

export const EVENTS = {
  /** Pushed whenever the health summary changes (server comes up, goes away...). */
  'health.changed': Health,
} as const satisfies Readonly<Record<string, TSchema>>;

export type CallName = keyof typeof CALLS;
export type CallInput<N extends CallName> = Static<(typeof CALLS)[N]['input']>;
export type CallOutput<N extends CallName> = Static<(typeof CALLS)[N]['output']>;
export type EventName = keyof typeof EVENTS;
export type EventPayload<N extends EventName> = Static<(typeof EVENTS)[N]>;

export const isCallName = (name: string): name is CallName => Object.hasOwn(CALLS, name);
export const isEventName = (name: string): name is EventName => Object.hasOwn(EVENTS, name);
