import '../ask/voice.css';
import type { TurnRecordDto } from '../../shared/voice-turn.js';
import type { CaptureSettings } from '../audio/capture.js';
import { useVoice, useVoiceSnapshot } from '../ask/voice-context.js';
import { useSpeechCapabilities } from '../ask/use-speech-capabilities.js';
import { SpeechPaths } from './SpeechPaths.js';
import { Problem } from '../Problem.js';
import { formatMs, STAGES } from '../conversation/stages.js';
import { LatencyHistogram } from './LatencyHistogram.js';
import { useAfterTurns } from './use-after-turns.js';

/** How many recent turns the histogram covers. */
export const RECENT_TURNS = 200;

/** Voice part of Diagnostics: stage latency over recent turns, and what the microphone got. */
export function VoiceDiagnostics() {
  const voice = useVoice();
  const snapshot = useVoiceSnapshot(voice);
  const speech = useSpeechCapabilities(voice?.client);
  const { value: turns, error } = useAfterTurns('conversations.turns', { limit: RECENT_TURNS });

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
        {error && (
          <Problem
            words={{
              tone: 'error',
              text: 'Turn timings cannot be shown right now; try again in a moment.',
              code: 'TURN_TIMINGS',
              detail: error,
            }}
          />
        )}
        {turns && <LatencyHistogram timings={turns.map((t) => t.timings)} />}
      </section>
      <section className="diag-section" aria-labelledby="speech-heading">
        <h2 id="speech-heading" className="diag-section__title">
          Speech paths
        </h2>
        <SpeechPaths speech={speech} lastTurn={turns?.[0]?.timings} />
      </section>
      <section className="diag-section" aria-labelledby="turns-heading">
        <h2 id="turns-heading" className="diag-section__title">
          Recent questions
        </h2>
        <p className="diag-section__text">
          Stage timings of each question, newest first (key released or question sent → stage done).
        </p>
        {turns && <TurnTimings turns={turns} />}
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

/** The most recent turns shown with their timings (all of them feed the histogram). */
const LISTED_TURNS = 20;

export function TurnTimings({ turns }: { turns: readonly TurnRecordDto[] }) {
  const recent = [...turns]
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, LISTED_TURNS);
  if (recent.length === 0)
    return <p className="diag-section__text">No questions yet in this profile.</p>;
  const shown = STAGES.filter((s) => recent.some((t) => t.timings[s.key] !== null));
  return (
    <div className="table-wrap">
      <table className="diag diag--compact" data-testid="turn-timings">
        <caption className="visually-hidden">Stage timings per question</caption>
        <thead>
          <tr>
            <th scope="col">Question</th>
            {shown.map((s) => (
              <th key={s.key} scope="col" title={s.hint}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {recent.map((t) => (
            <tr key={t.id} data-turn-id={t.id}>
              <th scope="row" className="diag__question">
                <span className="diag__when">{formatTime(t.startedAt)}</span>
                {t.transcript || '(nothing heard)'}
              </th>
              {shown.map((s) => {
                const v = t.timings[s.key];
                return <td key={s.key}>{v === null ? '—' : formatMs(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
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
