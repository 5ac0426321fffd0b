import type { Profile } from '../../profile.js';
import { llmInputFiller } from '../calculator-turn/llm-fill.js';
import { CLARIFY_SEARCH } from '../clarify/index.js';
import { IntentRouter, type Capabilities, type ToolChatClient } from '../intents/index.js';
import { AssistantFront } from './front.js';

/**
 * The front over an open profile: the intent router embeds with the profile's embedder (the one
 * its knowledge store uses), clarification searches its store, and — when the gateway is
 * configured — the LLM routes and fills calculator inputs through the gateway client.
 */
export function createAssistantFront(
  profile: Pick<Profile, 'embedder' | 'knowledge'>,
  options: { readonly client?: ToolChatClient; readonly capabilities?: Capabilities } = {},
): AssistantFront {
  const { client } = options;
  return new AssistantFront({
    router: new IntentRouter({
      embedder: profile.embedder,
      ...(client ? { llm: client } : {}),
    }),
    search: async (question) => (await profile.knowledge.search(question, CLARIFY_SEARCH)).hits,
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    ...(client ? { fill: (conversationId: string) => llmInputFiller(client, conversationId) } : {}),
  });
}
