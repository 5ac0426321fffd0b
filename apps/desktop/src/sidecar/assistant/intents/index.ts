import { routeWithLlm, type ToolChatClient } from './llm-router.js';
import { LocalIntentRouter, type LocalRouterOptions } from './router.js';
import type { Intent, Route } from './types.js';

export { callTool, routeFromToolCall, routeWithLlm, ROUTING_TOOLS } from './llm-router.js';
export type { ToolCall, ToolChatClient } from './llm-router.js';
export { decide, LocalIntentRouter } from './router.js';
export { normalizeTurn } from './rules.js';
export * from './types.js';

/** What is set up on this workstation, beyond knowledge and calculators (always local). */
export interface Capabilities {
  readonly calendar: boolean;
  readonly files: boolean;
  readonly dictation: boolean;
}

export const NOTHING_SET_UP: Capabilities = { calendar: false, files: false, dictation: false };

const NOT_SET_UP: Readonly<Record<keyof Capabilities, string>> = {
  calendar: 'Calendar is not set up on this workstation.',
  files: 'Files are not set up on this workstation.',
  dictation: 'Dictation is not set up on this workstation.',
};

/**
 * What the assistant says for a route it cannot carry out here; `undefined` when it can. An
 * intent whose feature has not landed says so plainly instead of answering from knowledge.
 */
export function unavailableReply(route: Route, capabilities: Capabilities): string | undefined {
  const intent: Intent = route.intent;
  if (intent === 'calendar' || intent === 'files' || intent === 'dictation')
    return capabilities[intent] ? undefined : NOT_SET_UP[intent];
  if (intent === 'command' && route.command === undefined)
    return 'I can stop, repeat the last answer, or open a view; that command is not available.';
  return undefined;
}

export interface IntentRouterOptions extends LocalRouterOptions {
  /** The gateway client, when an LLM is configured: it routes, the local router is the fallback. */
  readonly llm?: ToolChatClient;
}

/**
 * Routes each turn. Rules decide unmistakable turns at once ("stop" never waits for a model);
 * then the LLM, when configured, by tool call through the egress guard; then (no LLM, or it
 * failed or answered with no valid call) similarity to the intent examples, offline.
 */
export class IntentRouter {
  readonly local: LocalIntentRouter;
  constructor(private readonly options: IntentRouterOptions = {}) {
    this.local = new LocalIntentRouter(options);
  }

  async route(turn: {
    readonly text: string;
    readonly conversationId: string;
    readonly signal?: AbortSignal;
  }): Promise<Route> {
    const ruled = this.local.ruled(turn.text);
    if (ruled) return ruled;
    if (this.options.llm) {
      try {
        const routed = await routeWithLlm(this.options.llm, turn);
        if (routed) return routed;
      } catch {
        // The LLM failed or is unreachable: its error is the gateway client's to report; a
        // cancelled turn stops here, any other routes offline.
        turn.signal?.throwIfAborted();
      }
    }
    return this.local.route(turn.text, turn.signal);
  }
}
