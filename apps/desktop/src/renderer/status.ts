import { missingCaseError } from '../shared/assert.js';
import type { ComponentStatus, ServerStatus } from '../shared/contract.js';
import { wordsFor } from './messages.js';
import type { EngineState } from './use-engine.js';

/** Colour is never the only signal: every tone comes with a word and a sentence. */
export type Tone = 'ok' | 'warn' | 'bad' | 'off';

export interface StatusView {
  readonly state: string;
  readonly tone: Tone;
  readonly label: string;
  readonly detail: string;
}

export function engineStatus(engine: EngineState): StatusView {
  switch (engine.phase) {
    case 'connecting':
      return {
        state: 'connecting',
        tone: 'warn',
        label: 'Connecting',
        detail: 'Connecting to the local engine…',
      };
    case 'ready':
      return {
        state: 'ready',
        tone: 'ok',
        label: 'Ready',
        detail: `Local engine ${engine.health.version} is running.`,
      };
    case 'error':
      return {
        state: 'error',
        tone: 'bad',
        label: 'Error',
        detail: wordsFor(engine.error).text,
      };
    case 'closed':
      switch (engine.reason) {
        case 'lost':
          return {
            state: 'lost',
            tone: 'bad',
            label: 'Disconnected',
            detail: 'The connection to the local engine was lost. Reconnecting…',
          };
        case 'refused':
          return {
            state: 'refused',
            tone: 'bad',
            label: 'Link used',
            detail:
              'This one-time link was already used or has expired. Switch to the tab where the workstation is open, or run “npx voiceassist open” in the VoiceAssist folder for a fresh link (no restart needed).',
          };
        case 'no-token':
          return {
            state: 'no-token',
            tone: 'bad',
            label: 'No link token',
            detail:
              'Open the workstation with the full link “npm start” printed (it ends in #token=…).',
          };
        default:
          throw missingCaseError(engine.reason);
      }
    default:
      throw missingCaseError(engine);
  }
}

export function serverStatus(engine: EngineState): StatusView {
  if (engine.phase !== 'ready')
    return {
      state: 'unknown',
      tone: 'off',
      label: 'Unknown',
      detail: 'Shown once the local engine is connected.',
    };
  return fromServer(engine.health.server);
}

function fromServer(server: ServerStatus): StatusView {
  const where = server.url === null ? '' : ` (${server.url})`;
  switch (server.status) {
    case 'ready':
      return { state: 'ready', tone: 'ok', label: 'Ready', detail: `${server.detail}${where}` };
    case 'not-ready':
      return {
        state: 'not-ready',
        tone: 'warn',
        label: 'Starting',
        detail: `${server.detail}${where}`,
      };
    case 'unreachable':
      return {
        state: 'unreachable',
        tone: 'bad',
        label: 'Unreachable',
        detail: `${server.detail}${where}`,
      };
    case 'not-configured':
      return {
        state: 'not-configured',
        tone: 'warn',
        label: 'Not configured',
        detail: server.detail,
      };
    default:
      throw missingCaseError(server.status);
  }
}

export function componentStatus(component: ComponentStatus): StatusView {
  switch (component.status) {
    case 'ready':
      return { state: 'ready', tone: 'ok', label: 'Ready', detail: component.detail };
    case 'not-ready':
      return { state: 'not-ready', tone: 'warn', label: 'Starting', detail: component.detail };
    case 'error':
      return { state: 'error', tone: 'bad', label: 'Error', detail: component.detail };
    case 'not-configured':
      return {
        state: 'not-configured',
        tone: 'off',
        label: 'Not yet available',
        detail: component.detail,
      };
    default:
      throw missingCaseError(component.status);
  }
}
