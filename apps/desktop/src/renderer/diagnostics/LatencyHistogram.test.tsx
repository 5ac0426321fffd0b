import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StageTimings } from '../../shared/voice-turn.js';
import { CaptureTable } from './VoiceDiagnostics.js';
import { LatencyHistogram } from './LatencyHistogram.js';

afterEach(cleanup);

const turn = (sttFinalize: number, total: number): StageTimings => ({
  capture: 1500,
  sttFinalize,
  phi: 2,
  retrieval: 10,
  llmFirstToken: null,
  ttsFirstByte: 150,
  firstAudio: 400,
  total,
});

describe('LatencyHistogram', () => {
  it('draws one labelled plot per stage that ran, with its summary in words', () => {
    render(<LatencyHistogram timings={[turn(100, 600), turn(150, 700), turn(300, 1500)]} />);
    const plots = screen.getAllByRole('img');
    // sttFinalize, phi, retrieval, ttsFirstByte, firstAudio, total — not the LLM (never ran)
    expect(plots).toHaveLength(6);
    const stt = screen.getByRole('img', { name: /Speech to text: 3 turns/ });
    expect(stt.querySelectorAll('rect')).toHaveLength(3);
    expect(
      screen.getByText(/Speech to text: 3 turns, median 150 ms, 95th percentile 300 ms/, {
        selector: 'p',
      }),
    ).toBeTruthy();
    expect(screen.queryByText(/AI first word/)).toBeNull();
  });

  it('says so when there are no turns yet', () => {
    render(<LatencyHistogram timings={[]} />);
    expect(screen.getByTestId('latency-empty').textContent).toContain('No voice turns yet');
  });

  it('capture settings: what the track actually got, in words', () => {
    const { rerender } = render(<CaptureTable settings={null} />);
    expect(screen.getByTestId('capture-settings-empty')).toBeTruthy();
    rerender(
      <CaptureTable
        settings={{
          deviceLabel: 'USB mic',
          echoCancellation: true,
          noiseSuppression: false,
          autoGainControl: null,
          sampleRate: 48_000,
          channelCount: 1,
          contextRate: 48_000,
        }}
      />,
    );
    const table = screen.getByTestId('capture-settings');
    expect(table.textContent).toContain('Echo cancellationOn');
    expect(table.textContent).toContain('Noise suppressionOff');
    expect(table.textContent).toContain('Automatic gain controlnot reported');
  });
});
