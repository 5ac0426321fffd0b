import type { Profile } from '../../profile.js';
import { llmInputFiller } from '../calculator-turn/llm-fill.js';
import { CLARIFY_SEARCH } from '../clarify/index.js';
import { IntentRouter, type Capabilities, type ToolChatClient } from '../intents/index.js';
import { AssistantFront, type CalendarAccess } from './front.js';

/**
 * The front over an open profile: the intent router embeds with the profile's embedder (the one
 * its knowledge store uses), clarification searches its store, and — when the gateway is
 * configured — the LLM routes and fills calculator inputs through the gateway client.
 */
export function createAssistantFront(
  profile: Pick<Profile, 'embedder' | 'knowledge'>,
  options: {
    readonly client?: ToolChatClient;
    readonly capabilities?: Capabilities;
    /** Route with the LLM too (default true when there is a client); input filling stays on. */
    readonly llmRouting?: boolean;
    readonly calendar?: CalendarAccess;
  } = {},
): AssistantFront {
  const { client } = options;
  const routeWith = options.llmRouting === false ? undefined : client;
  return new AssistantFront({
    router: new IntentRouter({
      embedder: profile.embedder,
      ...(routeWith ? { llm: routeWith } : {}),
    }),
    search: async (question) => (await profile.knowledge.search(question, CLARIFY_SEARCH)).hits,
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    ...(client ? { fill: (conversationId: string) => llmInputFiller(client, conversationId) } : {}),
    ...(options.calendar ? { calendar: options.calendar } : {}),
  });
}
