import type { ChatTool } from '@voiceassist/contract';
import { detectPhi } from '@voiceassist/phi';
import { fromToolArguments, toolFor, type CalculatorDef } from '../../calculators/index.js';
import { callTool, type ToolChatClient } from '../intents/index.js';
import type { InputFiller } from './dialogue.js';

const SYSTEM =
  'Fill the calculator’s inputs from what the clinician said, by calling the function once. ' +
  'Give only values that were stated, with the unit they were given in. Never compute the result.';
const FUNCTION = 'fill_inputs';

/**
 * The function offered to the model: the calculator's inputs as parameters (`toolFor`), under a
 * neutral name and description — eponyms ("Du Bois", "Gehan and George") read as names to the
 * egress guard's PHI detector, which checks every string of the request.
 */
export function wireTool(def: CalculatorDef): ChatTool {
  const tool = toolFor(def) as { function: { parameters?: Record<string, unknown> } };
  return {
    type: 'function',
    function: {
      ...(tool.function.parameters ? { parameters: tool.function.parameters } : {}),
      name: FUNCTION,
      description: 'Fill the calculator inputs that were stated. Do not compute the result.',
    },
  };
}

function strings(v: unknown, key: string | undefined, out: string[]): string[] {
  if (typeof v === 'string') {
    if (key !== 'type') out.push(v);
  } else if (Array.isArray(v)) for (const x of v) strings(x, key, out);
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, k, out);
    }
  return out;
}

/**
 * Whether the calculator's function can go out at all: the guard refuses a request in which
 * any string still looks like an identifier, and a schema cannot be pseudonymized without
 * breaking it ("°C" as a place). Such calculators are filled from the words only.
 */
export function llmFillable(def: CalculatorDef): boolean {
  return strings(wireTool(def), undefined, []).every((s) => detectPhi(s).length === 0);
}

/**
 * An InputFiller that asks the LLM through the gateway client (the turn's text pseudonymized by
 * the egress guard): the arguments come back restored and are read as provenance "llm"
 * (`fromToolArguments`, which rejects any input not offered). Anything else is ignored.
 */
export function llmInputFiller(client: ToolChatClient, conversationId: string): InputFiller {
  return async (def, text, signal) => {
    if (!llmFillable(def)) return undefined;
    const call = await callTool(client, {
      conversationId,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: text },
      ],
      tools: [wireTool(def)],
      temperature: 0,
      maxTokens: 300,
      ...(signal ? { signal } : {}),
    });
    if (call?.name !== FUNCTION) return undefined;
    return fromToolArguments(def, call.arguments);
  };
}
