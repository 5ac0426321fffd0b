import '../ask/voice.css';
import { useEffect, useState, type ReactNode } from 'react';
import type { VoiceStatusDto } from '../../shared/voice-turn.js';
import { useVoice } from '../ask/voice-context.js';

type Setting = 'bargeIn' | 'recording';

/** Voice settings the clinician controls; they are kept in the encrypted store. */
export function SettingsView() {
  const voice = useVoice();
  const [status, setStatus] = useState<VoiceStatusDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState<Setting | null>(null);

  useEffect(() => {
    if (!voice) return;
    let live = true;
    void voice.client.call('voice.status', { refresh: false }).then((r) => {
      if (!live) return;
      if (r.ok) setStatus(r.value);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [voice]);

  if (!voice)
    return (
      <p className="placeholder__text" role="status">
        Waiting for the engine…
      </p>
    );

  const change = (setting: Setting, on: boolean): void => {
    setSaving(setting);
    void voice.client.call('voice.configure', { [setting]: on }).then((r) => {
      setSaving(null);
      if (!r.ok) {
        setError(`The setting was not changed: ${r.error.message}`);
        return;
      }
      setError(null);
      setStatus(r.value);
      voice.controller.setBargeInBySpeech(r.value.bargeIn);
    });
  };

  return (
    <>
      <section className="diag-section" aria-labelledby="voice-settings-heading">
        <h2 id="voice-settings-heading" className="diag-section__title">
          Voice
        </h2>
        {error && (
          <p className="notice notice--bad" role="alert">
            {error}
          </p>
        )}
        {status ? (
          <>
            <p className="diag-section__text" data-testid="voice-status-detail">
              {status.detail}
            </p>
            <SettingSwitch
              checked={status.bargeIn}
              disabled={saving !== null}
              onChange={(on) => change('bargeIn', on)}
              testId="setting-barge-in"
            >
              <strong>Interrupt the answer when I speak.</strong> Talking while VoiceAssist speaks
              stops it (holding the push-to-talk key always does).
            </SettingSwitch>
            <SettingSwitch
              checked={status.recording}
              disabled={saving !== null}
              onChange={(on) => change('recording', on)}
              testId="setting-recording"
            >
              <strong>Keep recordings of my turns.</strong> Off by default. When on, the microphone
              audio of each turn is saved in this workstation&rsquo;s profile folder (it may contain
              patient details); nothing is recorded otherwise.
            </SettingSwitch>
          </>
        ) : (
          !error && <p className="diag-section__text">Loading…</p>
        )}
      </section>
      <section className="diag-section" aria-labelledby="ptt-heading">
        <h2 id="ptt-heading" className="diag-section__title">
          Push-to-talk
        </h2>
        <p className="diag-section__text">
          Hold <kbd>Space</kbd> anywhere in this window (outside text fields and buttons) and speak;
          let go to send. In the desktop app the global hotkey works from any application: hold it
          to talk (your IT department sets it; the default is <kbd>Ctrl</kbd>+<kbd>Alt</kbd>+
          <kbd>Space</kbd>).
        </p>
      </section>
    </>
  );
}

function SettingSwitch(props: {
  checked: boolean;
  disabled: boolean;
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
