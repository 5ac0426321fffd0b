import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { HOTKEY_ERRORS, type HotkeyErrorCode } from './errors.js';

/**
 * What the hook helper process writes on stdout, one JSON object per line:
 *   {"type":"ready","hotkey":"Control+Alt+Space"}   the hook runs and watches this hotkey
 *   {"type":"down"}                                  the hotkey was pressed (once per press)
 *   {"type":"up","cause":"key"|"modifier"}           released (main key or a required modifier)
 *   {"type":"error","code":"HOTKEY_…","message":…}   it could not start; it exits next
 * The parent validates every line; anything else is HOTKEY_PROTOCOL.
 */
const ERROR_CODES = Object.keys(HOTKEY_ERRORS) as HotkeyErrorCode[];

export const HookMessageSchema = Type.Union([
  Type.Object(
    { type: Type.Literal('ready'), hotkey: Type.String({ maxLength: 128 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('down') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('up'),
      cause: Type.Union([Type.Literal('key'), Type.Literal('modifier')]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('error'),
      code: Type.Unsafe<HotkeyErrorCode>(Type.Enum(ERROR_CODES)),
      message: Type.String({ maxLength: 1000 }),
    },
    { additionalProperties: false },
  ),
]);

export type HookMessage = Static<typeof HookMessageSchema>;

export function encodeHookMessage(message: HookMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/** One stdout line → a message, or undefined when the line is not part of the protocol. */
export function decodeHookMessage(line: string): HookMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return Value.Check(HookMessageSchema, value) ? value : undefined;
}
