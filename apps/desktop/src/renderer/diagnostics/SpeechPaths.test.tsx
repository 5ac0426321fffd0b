import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpeechCapabilitiesDto } from '../../shared/speech.js';
import { SpeechPaths } from './SpeechPaths.js';

afterEach(cleanup);

const speech = (providers?: SpeechCapabilitiesDto['providers']): SpeechCapabilitiesDto => ({
  talk: {
    enabled: true,
    path: 'cloud',
    recogniser: null,
    confirms: false,
    sentence: 'Speech is recognised by the clinic’s cloud service.',
  },
  speech: 'cloud',
  policy: 'cloud-with-fallback',
  paths: [],
  ...(providers ? { providers } : {}),
});

describe('SpeechPaths: the sync server’s providers', () => {
  it('shows each provider’s circuit in words and the last turn’s latency for its kind of call', () => {
    render(
      <SpeechPaths
        speech={speech([
          { kind: 'stt', name: 'deepgram', role: 'primary', circuit: 'closed' },
          { kind: 'llm', name: 'openai', role: 'primary', circuit: 'open' },
          { kind: 'tts', name: 'elevenlabs', role: 'primary', circuit: 'half_open' },
        ])}
        lastTurn={{
          capture: 2000,
          sttFinalize: 152,
          phi: 3,
          retrieval: 40,
          llmFirstToken: null,
          ttsFirstByte: 1234,
          firstAudio: 900,
          total: 3000,
        }}
      />,
    );
    const table = screen.getByTestId('server-providers');
    const row = (p: string) => {
      const el = table.querySelector<HTMLElement>(`[data-provider="${p}"]`);
      if (!el) throw new Error(`no row for ${p}`);
      return within(el);
    };
    expect(row('stt:deepgram').getByText('Working')).toBeTruthy();
    expect(row('stt:deepgram').getByText('152 ms')).toBeTruthy();
    expect(row('llm:openai').getByText(/Failing: calls stop at once/)).toBeTruthy();
    expect(row('llm:openai').getByText('—')).toBeTruthy(); // the LLM did not run in that turn
    expect(row('tts:elevenlabs').getByText(/Recovering/)).toBeTruthy();
    expect(row('tts:elevenlabs').getByText('1.23 s')).toBeTruthy();
  });

  it('says so when the server relays to no provider, and shows nothing before it was asked', () => {
    const { rerender } = render(<SpeechPaths speech={speech([])} />);
    expect(screen.getByTestId('server-providers').textContent).toMatch(/no cloud provider/);
    rerender(<SpeechPaths speech={speech()} />);
    expect(screen.queryByTestId('server-providers')).toBeNull();
  });
});
