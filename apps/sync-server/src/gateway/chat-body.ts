import {
  JSON_LIMITS,
  jsonLimitViolation,
  type ChatMessage,
  type ChatRequest,
  type ChatResponseFormat,
  type ChatTool,
  type ChatToolChoice,
} from '@voiceassist/contract';
import { AppError } from '../errors.js';

type JsonObject = Record<string, unknown>; // JSON values only: copied through JSON below

type ProviderMessage = {
  role: ChatMessage['role'];
  content?: string | { type: 'text'; text: string }[] | null;
  name?: string;
  tool_calls?: {
    id: string;
    type: 'function';
    function: { name: string; arguments: string };
  }[];
  tool_call_id?: string;
};

/**
 * What the gateway sends an OpenAI-compatible provider for a chat, apart from the settings the
 * server adds itself (model, stream). Built field by field from an allow-list — never by
 * spreading the request — so a field the gateway does not know cannot reach a provider, and so
 * every string in it is one the PHI guard scanned (`jsonStrings` of this object).
 */
export type ProviderChatBody = {
  messages: ProviderMessage[];
  tools?: {
    type: 'function';
    function: { name: string; description?: string; parameters?: JsonObject; strict?: boolean };
  }[];
  tool_choice?: ChatToolChoice;
  response_format?:
    | { type: 'text' | 'json_object' }
    | {
        type: 'json_schema';
        json_schema: { name: string; description?: string; schema?: JsonObject; strict?: boolean };
      };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  seed?: number;
};

/**
 * A caller-written JSON Schema, copied as plain JSON once it keeps JSON_LIMITS; a coded 400
 * naming where it does not (never its content).
 */
function schemaCopy(value: Record<string, unknown>, where: string): JsonObject {
  const v = jsonLimitViolation(value, JSON_LIMITS);
  if (v) {
    throw new AppError(
      'BAD_REQUEST',
      v.reason === 'depth'
        ? `${where} is nested deeper than ${v.limit} levels (at ${v.path || '/'}); flatten it.`
        : `${where} has more than ${v.limit} keys and values; make it smaller.`,
    );
  }
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

function message(m: ChatMessage): ProviderMessage {
  const out: ProviderMessage = { role: m.role };
  if (m.content !== undefined) {
    out.content = Array.isArray(m.content)
      ? m.content.map((p) => ({ type: 'text' as const, text: p.text }))
      : m.content;
  }
  if (m.name !== undefined) out.name = m.name;
  if (m.tool_calls !== undefined) {
    out.tool_calls = m.tool_calls.map((c) => ({
      id: c.id,
      type: 'function' as const,
      function: { name: c.function.name, arguments: c.function.arguments },
    }));
  }
  if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
  return out;
}

function tool(t: ChatTool, i: number): NonNullable<ProviderChatBody['tools']>[number] {
  const f = t.function;
  const fn: NonNullable<ProviderChatBody['tools']>[number]['function'] = { name: f.name };
  if (f.description !== undefined) fn.description = f.description;
  if (f.parameters !== undefined)
    fn.parameters = schemaCopy(f.parameters, `tools[${i}] parameters`);
  if (typeof f.strict === 'boolean') fn.strict = f.strict;
  return { type: 'function', function: fn };
}

function toolChoice(c: ChatToolChoice): ChatToolChoice {
  return typeof c === 'string' ? c : { type: 'function', function: { name: c.function.name } };
}

function responseFormat(r: ChatResponseFormat): NonNullable<ProviderChatBody['response_format']> {
  if (r.type !== 'json_schema') return { type: r.type };
  const s = r.json_schema;
  const js: { name: string; description?: string; schema?: JsonObject; strict?: boolean } = {
    name: s.name,
  };
  if (s.description !== undefined) js.description = s.description;
  if (s.schema !== undefined) js.schema = schemaCopy(s.schema, 'response_format schema');
  if (typeof s.strict === 'boolean') js.strict = s.strict;
  return { type: 'json_schema', json_schema: js };
}

/** The provider body for a validated chat request (see ProviderChatBody). */
export function providerChatBody(req: ChatRequest): ProviderChatBody {
  const out: ProviderChatBody = { messages: req.messages.map(message) };
  if (req.tools !== undefined) out.tools = req.tools.map(tool);
  if (req.tool_choice !== undefined) out.tool_choice = toolChoice(req.tool_choice);
  if (req.response_format !== undefined) out.response_format = responseFormat(req.response_format);
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.max_tokens !== undefined) out.max_tokens = req.max_tokens;
  if (req.max_completion_tokens !== undefined)
    out.max_completion_tokens = req.max_completion_tokens;
  if (req.stop !== undefined) out.stop = typeof req.stop === 'string' ? req.stop : [...req.stop];
  if (req.seed !== undefined) out.seed = req.seed;
  return out;
}
