/** What a turn asks for. `knowledge` is the default: anything the router cannot place. */
export const INTENTS = [
  'knowledge',
  'calculator',
  'calendar',
  'dictation',
  'files',
  'command',
] as const;
export type Intent = (typeof INTENTS)[number];

/** App commands a turn can give; `open` names a view. */
export const COMMANDS = ['stop', 'repeat', 'open'] as const;
export type AppCommand = (typeof COMMANDS)[number];

/** Views a command may open (the renderer's view ids). */
export const OPENABLE_VIEWS = [
  'ask',
  'knowledge',
  'calculators',
  'calendar',
  'files',
  'diagnostics',
  'settings',
] as const;
export type OpenableView = (typeof OPENABLE_VIEWS)[number];

export type RouteVia = 'rule' | 'embedding' | 'default' | 'llm';

export interface Route {
  readonly intent: Intent;
  /** How it was decided, for diagnostics and the bench. */
  readonly via: RouteVia;
  /** Similarity to the nearest intent example (embedding routes), else 1 for rules. */
  readonly score: number;
  readonly command?: AppCommand;
  readonly view?: OpenableView;
  /** A calculator the text (or the LLM) named. */
  readonly calculatorId?: string;
}
