import { matchCalculator } from '../../calculators/index.js';
import type { ChatTool } from '@voiceassist/contract';
import type { ChatEvent, ChatRequest } from '../../providers/client.js';
import { COMMANDS, OPENABLE_VIEWS, type Intent, type Route } from './types.js';

/** The part of the gateway client the LLM routes with (pseudonymizing chat, restore). */
export interface ToolChatClient {
  chat(req: ChatRequest): AsyncIterable<ChatEvent>;
  restore(conversationId: string, text: string): Promise<string>;
}

/** A model's function call, its arguments restored to clear text. */
export interface ToolCall {
  readonly name: string;
  readonly arguments: string;
}

const fn = (name: string, description: string, properties: Record<string, unknown>): ChatTool => ({
  type: 'function',
  function: {
    name,
    description,
    parameters: { type: 'object', properties, additionalProperties: false },
  },
});

/** One function per intent; the model must call exactly one. */
export const ROUTING_TOOLS: readonly ChatTool[] = [
  fn('ask_knowledge', 'A medical or clinical question answered from the clinic’s sources.', {}),
  fn('run_calculator', 'Run a medical score or calculator (not a question about one).', {
    // Named in words and matched here: ids like "free-water-deficit" read as names to the PHI
    // detector, and the local matcher is the allow-list anyway.
    calculator: {
      type: 'string',
      description: 'The calculator or score as the clinician named it',
    },
  }),
  fn('calendar', 'Look at or change appointments, meetings and the schedule.', {}),
  fn('dictation', 'Take down a note, letter or other text the clinician dictates.', {}),
  fn('files', 'Find, open or share files and documents in the clinician’s own folders.', {}),
  fn('app_command', 'Control this app: stop speaking, repeat the last answer, open a view.', {
    command: { type: 'string', enum: [...COMMANDS] },
    view: { type: 'string', enum: [...OPENABLE_VIEWS] },
  }),
];

const SYSTEM =
  'You route one request of a clinician to the assistant’s functions. Call exactly one function. ' +
  'Do not answer the request and do not compute anything.';

const INTENT_OF: Readonly<Record<string, Intent>> = {
  ask_knowledge: 'knowledge',
  run_calculator: 'calculator',
  calendar: 'calendar',
  dictation: 'dictation',
  files: 'files',
  app_command: 'command',
};

/**
 * Sends the turn to the LLM (through the gateway client, so pseudonymized by the egress guard)
 * with OpenAI-style tools and reads back the first function call, restored. Text instead of a
 * call, or a stream that ends without one, is `undefined`.
 */
export async function callTool(
  client: ToolChatClient,
  req: ChatRequest & { readonly tools: readonly ChatTool[] },
): Promise<ToolCall | undefined> {
  let name: string | undefined;
  let args = '';
  for await (const event of client.chat(req)) {
    if (event.type !== 'tool_call' || event.index !== 0) continue;
    name ??= event.name;
    args += event.arguments;
  }
  if (name === undefined) return undefined;
  return { name, arguments: await client.restore(req.conversationId, args || '{}') };
}

/**
 * The model's routing, checked against the allow-list: an unknown function, calculator, command
 * or view is no route at all (`undefined`, the caller routes locally).
 */
export function routeFromToolCall(call: ToolCall): Route | undefined {
  const intent = INTENT_OF[call.name];
  if (!intent) return undefined;
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    return undefined;
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return undefined;
  const a = args as Record<string, unknown>;
  const route: Route = { intent, via: 'llm', score: 1 };
  if (intent === 'calculator') {
    if (a.calculator === undefined) return route;
    if (typeof a.calculator !== 'string') return undefined;
    const match = matchCalculator(a.calculator);
    return match.kind === 'one' ? { ...route, calculatorId: match.id } : route;
  }
  if (intent === 'command') {
    const command = COMMANDS.find((c) => c === a.command);
    const view = OPENABLE_VIEWS.find((v) => v === a.view);
    if (a.command !== undefined && !command) return undefined;
    if (a.view !== undefined && !view) return undefined;
    return { ...route, ...(command ? { command } : {}), ...(view ? { view } : {}) };
  }
  return route;
}

/** Routes `text` with the LLM; `undefined` when its answer is not a valid routing call. */
export async function routeWithLlm(
  client: ToolChatClient,
  turn: { readonly conversationId: string; readonly text: string; readonly signal?: AbortSignal },
): Promise<Route | undefined> {
  const call = await callTool(client, {
    conversationId: turn.conversationId,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: turn.text },
    ],
    tools: ROUTING_TOOLS,
    temperature: 0,
    maxTokens: 100,
    ...(turn.signal ? { signal: turn.signal } : {}),
  });
  return call ? routeFromToolCall(call) : undefined;
}
