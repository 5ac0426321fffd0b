import { errorArea } from '../../shared/errors.js';
import './voice.css';
import { useEffect, useRef, useState } from 'react';
import type { VoiceStatusDto } from '../../shared/voice-turn.js';
import { CitationView, type OpenCitation } from '../conversation/CitationView.js';
import { ConversationList } from '../conversation/ConversationList.js';
import { TurnCard } from '../conversation/TurnCard.js';
import { ConfirmTranscript } from './ConfirmTranscript.js';
import { TalkPanel } from './TalkPanel.js';
import { useSpeechCapabilities } from './use-speech-capabilities.js';
import { useTurns, useVoice, useVoiceSnapshot } from './voice-context.js';

/** Ask & conversation: talk or type, read the answer with its sources, revisit conversations. */
export function AskView() {
  const voice = useVoice();
  const snapshot = useVoiceSnapshot(voice);
  const turns = useTurns(voice);
  const speech = useSpeechCapabilities(voice?.client);
  const [status, setStatus] = useState<VoiceStatusDto | null>(null);
  const [question, setQuestion] = useState('');
  const [speak, setSpeak] = useState(true);
  const [cited, setCited] = useState<OpenCitation | null>(null);
  const [done, setDone] = useState(0);
  const [loadError, setLoadError] = useState<string | null>(null);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!voice) return;
    let live = true;
    void voice.client.call('voice.status', { refresh: true }).then((r) => {
      if (live && r.ok) {
        setStatus(r.value);
        voice.controller.setBargeInBySpeech(r.value.bargeIn);
      }
    });
    const off = voice.client.on('voice.turnDone', () => setDone((n) => n + 1));
    return () => {
      live = false;
      off();
    };
  }, [voice]);

  // A new turn of ours appears at once, before its first event.
  const { turnId, conversationId, turnMode } = snapshot;
  useEffect(() => {
    if (voice && turnId && conversationId) voice.log.begin(turnId, conversationId, turnMode);
  }, [voice, turnId, conversationId, turnMode]);

  useEffect(() => {
    // Braces matter: Chromium's scrollIntoView now returns a promise, which an effect must not.
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [turns.length]);

  if (!voice)
    return (
      <p className="placeholder__text" role="status">
        Waiting for the engine…
      </p>
    );

  const submit = (e: { preventDefault(): void }): void => {
    e.preventDefault();
    const text = question.trim();
    if (!text) return;
    void voice.controller.ask(text, speak).then((err) => {
      if (!err) setQuestion('');
    });
  };

  const select = (id: string | null): void => {
    setCited(null);
    voice.controller.useConversation(id);
    void voice.log.load(id).then(setLoadError);
  };

  const sttMissing =
    status !== null && (status.server === 'not-configured' || status.stt === 'not-configured');
  return (
    <div className="ask" data-testid="ask-view">
      <ConversationList
        client={voice.client}
        current={snapshot.conversationId}
        refreshKey={done}
        onSelect={select}
      />
      <div className="ask__main">
        <TalkPanel controller={voice.controller} snapshot={snapshot} speech={speech} />
        <ConfirmTranscript client={voice.client} turnId={snapshot.turnId} />
        <div
          className="playback"
          data-testid="playback"
          data-state={snapshot.playing ? 'playing' : 'idle'}
          data-chunks-played={snapshot.chunksPlayed}
          data-stops={snapshot.playbackStops}
          hidden
        />
        <div role="alert" className="ask__alerts" data-testid="voice-error">
          {snapshot.error && (
            <div className="notice notice--bad">
              <strong>{errorTitle(snapshot.error.code)}</strong> {snapshot.error.message}
            </div>
          )}
        </div>
        {status && status.detail !== 'Voice ready.' && (
          <p
            className={sttMissing ? 'notice notice--warn' : 'ask__status'}
            data-testid="voice-status"
          >
            {status.detail}
          </p>
        )}
        <form className="ask__form" onSubmit={submit} aria-label="Type a question">
          <label htmlFor="question" className="ask__label">
            Type a question
          </label>
          <div className="ask__row">
            <input
              id="question"
              className="ask__input"
              type="text"
              autoComplete="off"
              maxLength={4000}
              value={question}
              onChange={(e) => setQuestion(e.target.value)}
              placeholder="e.g. What are the symptoms of glaucoma?"
            />
            <button type="submit" className="button button--primary" disabled={!question.trim()}>
              Ask
            </button>
          </div>
          <label className="ask__check">
            <input type="checkbox" checked={speak} onChange={(e) => setSpeak(e.target.checked)} />{' '}
            Read typed answers aloud
          </label>
        </form>
        {loadError && (
          <p className="notice notice--bad" role="alert">
            This conversation could not be opened: {loadError}
          </p>
        )}
        <section className="transcript" aria-label="Conversation" aria-live="polite">
          {turns.length === 0 ? (
            <p className="transcript__empty">
              No questions yet in this conversation. Answers cite the documents they come from.
            </p>
          ) : (
            turns.map((t) => (
              <TurnCard
                key={t.id}
                turn={t}
                onCite={(citation, sentence, number) => setCited({ citation, sentence, number })}
              />
            ))
          )}
          <div ref={bottom} />
        </section>
        {cited && (
          <CitationView
            key={`${cited.citation.documentId}:${cited.citation.start}-${cited.citation.end}`}
            open={cited}
            client={voice.client}
            onClose={() => setCited(null)}
          />
        )}
      </div>
    </div>
  );
}

function errorTitle(code: string): string {
  if (errorArea(code) === 'mic') return 'Microphone:';
  if (code === 'STT_EMPTY' || code === 'VOICE_STT_NOT_CONFIGURED') return 'Speech to text:';
  if (code === 'TTS_PLAYBACK') return 'Voice output:';
  return 'Problem:';
}
