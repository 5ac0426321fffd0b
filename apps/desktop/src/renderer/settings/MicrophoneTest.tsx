import { useCallback, useEffect, useRef, useState } from 'react';
import { micErrorFrom } from '../audio/capture.js';
import { Problem } from '../Problem.js';

/** How long a test listens before it stops by itself. */
export const TEST_SECONDS = 8;
const FLOOR_DB = -60;
/** Above this the test says sound is getting through. */
const HEARD_DB = -50;

/**
 * Choose the microphone and test it: the level it hears, live, for a few seconds. The list shows
 * names once the browser has allowed the microphone (before that it only knows "Microphone 1…").
 */
export function MicrophoneTest({
  microphoneId,
  onChoose,
}: {
  microphoneId: string | null;
  onChoose: (id: string | null) => void;
}) {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  const [inputs, setInputs] = useState<readonly MediaDeviceInfo[]>([]);
  const [level, setLevel] = useState<number | null>(null);
  const [heard, setHeard] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const stopTest = useRef<(() => void) | undefined>(undefined);

  const list = useCallback(() => {
    if (!media?.enumerateDevices) return;
    void media
      .enumerateDevices()
      .then((all) => setInputs(all.filter((d) => d.kind === 'audioinput')))
      .catch(() => setInputs([]));
  }, [media]);

  useEffect(() => {
    list();
    media?.addEventListener('devicechange', list);
    return () => {
      media?.removeEventListener('devicechange', list);
      stopTest.current?.();
    };
  }, [media, list]);

  const test = async (): Promise<void> => {
    if (!media?.getUserMedia || typeof AudioContext === 'undefined') {
      setError({ code: 'MIC_UNSUPPORTED', message: '' });
      return;
    }
    setError(null);
    setHeard(false);
    let stream: MediaStream;
    try {
      stream = await media.getUserMedia({
        audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
        video: false,
      });
    } catch (err) {
      const e = micErrorFrom(err);
      setError({ code: e.code, message: e.message });
      return;
    }
    list(); // names are known now
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const tick = (): void => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const db = 10 * Math.log10(sum / samples.length || 1e-10);
      setLevel(Math.max(FLOOR_DB, Math.round(db)));
      if (db > HEARD_DB) setHeard(true);
      frame = requestAnimationFrame(tick);
    };
    tick();
    const timer = setTimeout(() => stopTest.current?.(), TEST_SECONDS * 1000);
    stopTest.current = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      for (const t of stream.getTracks()) t.stop();
      void context.close().catch(() => undefined);
      stopTest.current = undefined;
      setLevel(null);
    };
  };

  const testing = level !== null;
  const fill = level === null ? 0 : (level - FLOOR_DB) / -FLOOR_DB;
  return (
    <div className="settings__grid">
      <label htmlFor="mic-choice">Microphone</label>
      <select
        id="mic-choice"
        className="select"
        value={microphoneId ?? ''}
        onChange={(e) => onChoose(e.target.value || null)}
        data-testid="mic-choice"
      >
        <option value="">System default</option>
        {inputs
          .filter((d) => d.deviceId && d.deviceId !== 'default')
          .map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `Microphone ${i + 1}`}
            </option>
          ))}
      </select>
      <span>Test</span>
      <div className="settings__row">
        <button
          type="button"
          className="button"
          onClick={() => (testing ? stopTest.current?.() : void test())}
          data-testid="mic-test"
        >
          {testing ? 'Stop test' : 'Test microphone'}
        </button>
        <div
          className="meter settings__meter"
          role="meter"
          aria-label="Test level"
          aria-valuemin={FLOOR_DB}
          aria-valuemax={0}
          aria-valuenow={level ?? FLOOR_DB}
          data-testid="mic-test-level"
        >
          <span className="meter__fill" style={{ width: `${Math.round(fill * 100)}%` }} />
        </div>
      </div>
      <p className="settings__help settings__span" role="status" data-testid="mic-test-result">
        {testing
          ? heard
            ? 'Sound is reaching VoiceAssist.'
            : 'Listening… say a few words.'
          : heard
            ? 'The microphone works.'
            : 'Speak during the test to see the level move.'}
      </p>
      {error && (
        <div className="settings__span">
          <Problem error={error} />
        </div>
      )}
    </div>
  );
}
