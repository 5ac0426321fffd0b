import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

/**
 * The main↔engine handshake over the utilityProcess's parent port, as TypeBox schemas (beside
 * contract.ts, which is renderer↔engine): the engine says it is ready once; main hands over one
 * end of a MessageChannel per window with `connect`. Each side checks what it receives.
 */
export const EngineReadySchema = Type.Object({
  t: Type.Literal('ready'),
  version: Type.String({ minLength: 1, maxLength: 64 }),
  pid: Type.Integer({ minimum: 1 }),
});

/** Carries the port in the message's `ports`, never in the data. */
export const EngineConnectSchema = Type.Object({ t: Type.Literal('connect') });

export type EngineReady = Static<typeof EngineReadySchema>;
export type EngineConnect = Static<typeof EngineConnectSchema>;

export const isEngineReady = (message: unknown): message is EngineReady =>
  Value.Check(EngineReadySchema, message);

export const isEngineConnect = (message: unknown): message is EngineConnect =>
  Value.Check(EngineConnectSchema, message);
