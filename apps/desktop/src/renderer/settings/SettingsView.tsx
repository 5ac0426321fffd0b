import '../ask/voice.css';
import './settings.css';
import { useEffect, useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../shared/errors.js';
import { TEXT_SIZES, type SettingsPatch } from '../../shared/settings.js';
import type { VoiceStatusDto } from '../../shared/voice-turn.js';
import { keyName } from '../ask/AskView.js';
import { useVoice } from '../ask/voice-context.js';
import { Problem } from '../Problem.js';
import { MicrophoneTest } from './MicrophoneTest.js';
import { useSettings } from './settings-context.js';

const TEXT_SIZE_NAMES: Readonly<Record<(typeof TEXT_SIZES)[number], string>> = {
  small: 'Small',
  normal: 'Normal',
  large: 'Large',
  larger: 'Larger',
};

/** Keys that cannot hold to talk: they move focus, close things or belong to the system. */
const RESERVED = new Set(['Tab', 'Escape', 'Enter', 'Backspace', 'MetaLeft', 'MetaRight']);

/**
 * Settings that exist and are used: microphone (chosen and tested), the push-to-talk key, the
 * voice that reads answers and its speed, text size, and how voice behaves. Kept by the engine in
 * the profile folder.
 */
export function SettingsView() {
  const voice = useVoice();
  const { settings, update, loaded } = useSettings();
  const [status, setStatus] = useState<VoiceStatusDto | null>(null);
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!voice) return;
    let live = true;
    void voice.client.call('voice.status', { refresh: false }).then((r) => {
      if (!live) return;
      if (r.ok) setStatus(r.value);
      else setProblem(r.error);
    });
    return () => {
      live = false;
    };
  }, [voice]);

  if (!voice)
    return (
      <p className="kb-help" role="status">
        Waiting for the workstation engine…
      </p>
    );

  const save = (patch: SettingsPatch): void => {
    void update(patch).then(setProblem);
  };

  const configure = (patch: { bargeIn?: boolean; recording?: boolean }): void => {
    setSaving(true);
    void voice.client.call('voice.configure', patch).then((r) => {
      setSaving(false);
      if (!r.ok) {
        setProblem(r.error);
        return;
      }
      setProblem(null);
      setStatus(r.value);
      voice.controller.setBargeInBySpeech(r.value.bargeIn);
    });
  };

  return (
    <div className="page settings" data-testid="settings-view" data-loaded={loaded}>
      {problem && <Problem error={problem} />}
      {!settings.persisted && loaded && (
        <Problem error={{ code: 'SETTINGS_NOT_PERSISTED', message: '' }} />
      )}
      <Section id="mic" title="Microphone">
        <MicrophoneTest
          microphoneId={settings.microphoneId}
          onChoose={(microphoneId) => save({ microphoneId })}
        />
      </Section>

      <Section id="ptt" title="Push-to-talk key">
        <KeyRecorder
          value={settings.pushToTalkKey}
          onChange={(pushToTalkKey) => save({ pushToTalkKey })}
        />
        <p className="settings__help">
          Hold it anywhere in this window while you speak; let go to get the answer. In the desktop
          app a second, system-wide key (set by your IT department, default <kbd>Ctrl</kbd>+
          <kbd>Alt</kbd>+<kbd>Space</kbd>) works from any application.
        </p>
      </Section>

      <Section id="voice" title="Voice">
        <VoiceChoice
          voiceName={settings.voiceName}
          rate={settings.speechRate}
          onChange={(patch) => save(patch)}
        />
        <Switch
          checked={settings.readTypedAnswers}
          onChange={(readTypedAnswers) => save({ readTypedAnswers })}
          testId="setting-read-typed"
        >
          <strong>Read answers to typed questions aloud.</strong> Off by default; spoken questions
          are always answered aloud.
        </Switch>
        {status && (
          <>
            <Switch
              checked={status.bargeIn}
              disabled={saving}
              onChange={(bargeIn) => configure({ bargeIn })}
              testId="setting-barge-in"
            >
              <strong>Stop the answer when I start speaking.</strong> Holding the push-to-talk key
              always does.
            </Switch>
            <Switch
              checked={status.recording}
              disabled={saving}
              onChange={(recording) => configure({ recording })}
              testId="setting-recording"
            >
              <strong>Keep recordings of my questions.</strong> Off by default. When on, the
              microphone audio of each question is saved in this workstation&rsquo;s profile folder
              (it may contain patient details).
            </Switch>
          </>
        )}
      </Section>

      <Section id="privacy" title="Privacy">
        <div className="settings__grid">
          <label htmlFor="retention-days">Keep conversations for</label>
          <select
            id="retention-days"
            className="select"
            data-testid="retention-days"
            value={settings.retentionDays}
            onChange={(e) => save({ retentionDays: Number(e.target.value) })}
          >
            {[...new Set([1, 7, 30, 90, 365, settings.retentionDays])]
              .sort((a, b) => a - b)
              .map((d) => (
                <option key={d} value={d}>
                  {d === 1 ? '1 day' : `${d} days`}
                </option>
              ))}
          </select>
        </div>
        <p className="settings__help">
          Conversations, with the record of which placeholders stood for which identifiers, are
          deleted automatically this long after their last question (checked at start and daily).
          Rename or delete one yourself in the Ask view&rsquo;s conversation list.
        </p>
      </Section>

      <Section id="text" title="Text size">
        <div className="settings__sizes" role="radiogroup" aria-label="Text size">
          {TEXT_SIZES.map((size) => (
            <label key={size} className={`settings__size settings__size--${size}`}>
              <input
                type="radio"
                name="text-size"
                value={size}
                checked={settings.textSize === size}
                onChange={() => save({ textSize: size })}
              />
              {TEXT_SIZE_NAMES[size]}
            </label>
          ))}
        </div>
      </Section>
    </div>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card settings__section" aria-labelledby={`settings-${id}`}>
      <h2 id={`settings-${id}`} className="settings__title">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Switch(props: {
  checked: boolean;
  disabled?: boolean;
  onChange: (on: boolean) => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <label className="setting">
      <input
        type="checkbox"
        role="switch"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
        data-testid={props.testId}
      />{' '}
      <span>{props.children}</span>
    </label>
  );
}

/** Press "Change key", then the key to use: it is shown and saved. Escape leaves it as it was. */
function KeyRecorder({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const [recording, setRecording] = useState(false);
  return (
    <div className="settings__row">
      <span className="settings__key" data-testid="ptt-key">
        <kbd>{keyName(value)}</kbd>
      </span>
      <button
        type="button"
        className={recording ? 'button button--primary' : 'button'}
        data-key-recorder=""
        aria-pressed={recording}
        onClick={() => setRecording(true)}
        onKeyDown={(e) => {
          if (!recording) return;
          e.preventDefault();
          if (e.key === 'Escape') {
            setRecording(false);
            return;
          }
          if (RESERVED.has(e.code) || e.code === '') return;
          setRecording(false);
          onChange(e.code);
        }}
        onBlur={() => setRecording(false)}
      >
        {recording ? 'Press the key to use…' : 'Change key'}
      </button>
    </div>
  );
}

/** The system voices (used when the clinic server has no voice service) and the speaking rate. */
function VoiceChoice({
  voiceName,
  rate,
  onChange,
}: {
  voiceName: string | null;
  rate: number;
  onChange: (patch: SettingsPatch) => void;
}) {
  const synth = typeof speechSynthesis === 'undefined' ? undefined : speechSynthesis;
  const [voices, setVoices] = useState<readonly SpeechSynthesisVoice[]>(
    () => synth?.getVoices() ?? [],
  );
  useEffect(() => {
    if (!synth) return;
    const load = (): void => setVoices(synth.getVoices());
    synth.addEventListener('voiceschanged', load);
    return () => synth.removeEventListener('voiceschanged', load);
  }, [synth]);
  const tryVoice = (): void => {
    if (!synth) return;
    synth.cancel();
    const u = new SpeechSynthesisUtterance('This is how answers will sound.');
    const v = voices.find((x) => x.name === voiceName);
    if (v) u.voice = v;
    u.rate = rate;
    synth.speak(u);
  };
  return (
    <div className="settings__grid">
      <label htmlFor="voice-name">System voice</label>
      <select
        id="voice-name"
        className="select"
        value={voiceName ?? ''}
        onChange={(e) => onChange({ voiceName: e.target.value || null })}
      >
        <option value="">Default voice</option>
        {voices.map((v) => (
          <option key={v.name} value={v.name}>
            {v.name} ({v.lang})
          </option>
        ))}
      </select>
      <label htmlFor="voice-rate">Speed</label>
      <div className="settings__row">
        <input
          id="voice-rate"
          type="range"
          min={0.5}
          max={2}
          step={0.05}
          value={rate}
          onChange={(e) => onChange({ speechRate: Number(e.target.value) })}
          aria-valuetext={`${rate.toFixed(2)} times normal speed`}
        />
        <span className="settings__value" data-testid="voice-rate-value">
          {rate.toFixed(2)}×
        </span>
        <button type="button" className="button button--small" onClick={tryVoice} disabled={!synth}>
          Try it
        </button>
      </div>
      <p className="settings__help settings__span">
        {voices.length === 0
          ? 'This system offers no voices to choose from; answers are read by the clinic server’s voice when it has one.'
          : 'Used when the clinic server has no voice service; the clinic server’s voice is set by your administrator.'}
      </p>
    </div>
  );
}
