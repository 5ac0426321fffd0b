import '../ask/voice.css';
import { useEffect, useState } from 'react';
import type { TurnRecordDto } from '../../shared/voice-turn.js';
import type { CaptureSettings } from '../audio/capture.js';
import { useVoice, useVoiceSnapshot } from '../ask/voice-context.js';
import { useSpeechCapabilities } from '../ask/use-speech-capabilities.js';
import { SpeechPaths } from './SpeechPaths.js';
import { LatencyHistogram } from './LatencyHistogram.js';

/** How many recent turns the histogram covers. */
export const RECENT_TURNS = 200;

/** Voice part of Diagnostics: stage latency over recent turns, and what the microphone got. */
export function VoiceDiagnostics() {
  const voice = useVoice();
  const snapshot = useVoiceSnapshot(voice);
  const speech = useSpeechCapabilities(voice?.client);
  const [turns, setTurns] = useState<readonly TurnRecordDto[] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!voice) return;
    let live = true;
    const load = (): void => {
      void voice.client.call('conversations.turns', { limit: RECENT_TURNS }).then((r) => {
        if (!live) return;
        if (r.ok) {
          setTurns(r.value);
          setError(null);
        } else setError(r.error.message);
      });
    };
    load();
    const off = voice.client.on('voice.turnDone', load);
    return () => {
      live = false;
      off();
    };
  }, [voice]);

  return (
    <>
      <section className="diag-section" aria-labelledby="latency-heading">
        <h2 id="latency-heading" className="diag-section__title">
          Voice-turn latency by stage
        </h2>
        <p className="diag-section__text">
          {turns ? `The last ${turns.length} turns.` : 'Loading turns…'} Solid line: median. Dashed
          line: 95th percentile.
        </p>
        {error && <p className="notice notice--bad">Turn timings are unavailable: {error}</p>}
        {turns && <LatencyHistogram timings={turns.map((t) => t.timings)} />}
      </section>
      <section className="diag-section" aria-labelledby="speech-heading">
        <h2 id="speech-heading" className="diag-section__title">
          Speech paths
        </h2>
        <SpeechPaths speech={speech} />
      </section>
      <section className="diag-section" aria-labelledby="capture-heading">
        <h2 id="capture-heading" className="diag-section__title">
          Microphone capture
        </h2>
        <CaptureTable settings={snapshot.capture} />
      </section>
    </>
  );
}

const yesNo = (v: boolean | null): string => (v === null ? 'not reported' : v ? 'On' : 'Off');

export function CaptureTable({ settings }: { settings: CaptureSettings | null }) {
  if (!settings)
    return (
      <p className="diag-section__text" data-testid="capture-settings-empty">
        The microphone has not been opened in this session. Hold to talk once, then come back: the
        settings the browser actually applied appear here.
      </p>
    );
  const rows: [string, string][] = [
    ['Device', settings.deviceLabel || 'Default microphone'],
    ['Echo cancellation', yesNo(settings.echoCancellation)],
    ['Noise suppression', yesNo(settings.noiseSuppression)],
    ['Automatic gain control', yesNo(settings.autoGainControl)],
    [
      'Device sample rate',
      settings.sampleRate === null ? 'not reported' : `${settings.sampleRate} Hz`,
    ],
    ['Channels', settings.channelCount === null ? 'not reported' : String(settings.channelCount)],
    ['Processing rate', `${settings.contextRate} Hz, resampled to 16,000 Hz mono 16-bit`],
  ];
  return (
    <table className="diag" data-testid="capture-settings">
      <caption className="visually-hidden">Microphone track settings</caption>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
