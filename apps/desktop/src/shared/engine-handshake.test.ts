import { describe, expect, it } from 'vitest';
import { isEngineConnect, isEngineReady } from './engine-handshake.js';

describe('main↔engine handshake', () => {
  it('accepts the engine’s ready message and main’s port hand-over', () => {
    expect(isEngineReady({ t: 'ready', version: '0.1.0', pid: 4242 })).toBe(true);
    expect(isEngineConnect({ t: 'connect' })).toBe(true);
  });

  it('refuses anything else', () => {
    for (const bad of [
      null,
      'ready',
      { t: 'ready' },
      { t: 'ready', version: '', pid: 1 },
      { t: 'ready', version: '1', pid: 0 },
      { t: 'ready', version: '1', pid: 1.5 },
      { t: 'ready', version: 'x'.repeat(65), pid: 1 },
    ])
      expect(isEngineReady(bad), JSON.stringify(bad)).toBe(false);
    for (const bad of [null, { t: 'ready' }, { type: 'connect' }, 'connect'])
      expect(isEngineConnect(bad), JSON.stringify(bad)).toBe(false);
  });
});
