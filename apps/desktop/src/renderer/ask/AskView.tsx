import './ask.css';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../shared/errors.js';
import type { VoiceStatusDto } from '../../shared/voice-turn.js';
import { CitationView, type OpenCitation } from '../conversation/CitationView.js';
import { ConversationList } from '../conversation/ConversationList.js';
import { TurnCard } from '../conversation/TurnCard.js';
import { ConfirmTranscript } from './ConfirmTranscript.js';
import { causeOf, wordsFor, type Words } from '../messages.js';
import { Problem } from '../Problem.js';
import { useSettings } from '../settings/settings-context.js';
import { TalkPanel } from './TalkPanel.js';
import { useSpeechCapabilities } from './use-speech-capabilities.js';
import { useTurns, useVoice, useVoiceSnapshot } from './voice-context.js';

/** How close to the bottom (px) still counts as "reading the newest answer". */
const FOLLOW_SLACK = 80;

/**
 * Ask: the conversation as a chat. Turns scroll above; the composer (typed question, hold to talk,
 * stop) stays docked at the bottom and the newest answer is kept in view while it arrives. Stored
 * conversations are listed beside it (a panel to open on narrow windows); a cited source opens in
 * a drawer beside the answer.
 */
export function AskView() {
  const voice = useVoice();
  const snapshot = useVoiceSnapshot(voice);
  const turns = useTurns(voice);
  const speech = useSpeechCapabilities(voice?.client);
  const { settings, update } = useSettings();
  const [status, setStatus] = useState<VoiceStatusDto | null>(null);
  const [question, setQuestion] = useState('');
  const [cited, setCited] = useState<OpenCitation | null>(null);
  const [done, setDone] = useState(0);
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null);
  const [dismissed, setDismissed] = useState<ErrorInfo | null>(null);
  const [showConversations, setShowConversations] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  const refreshStatus = useCallback(() => {
    if (!voice) return;
    void voice.client.call('voice.status', { refresh: true }).then((r) => {
      if (!r.ok) return;
      setStatus(r.value);
      voice.controller.setBargeInBySpeech(r.value.bargeIn);
    });
  }, [voice]);

  useEffect(() => {
    if (!voice) return;
    refreshStatus();
    // A notice about what voice can do clears when its cause does (server back, STT set up…).
    const offHealth = voice.client.on('health.changed', refreshStatus);
    const offDone = voice.client.on('voice.turnDone', () => setDone((n) => n + 1));
    return () => {
      offHealth();
      offDone();
    };
  }, [voice, refreshStatus]);

  // A press that failed because of what voice can do: the status says so from now on.
  const failedCode = snapshot.error?.code;
  useEffect(() => {
    if (failedCode?.startsWith('VOICE_')) refreshStatus();
  }, [failedCode, refreshStatus]);

  // A new turn of ours appears at once, before its first event.
  const { turnId, conversationId, turnMode } = snapshot;
  useEffect(() => {
    if (voice && turnId && conversationId) voice.log.begin(turnId, conversationId, turnMode);
  }, [voice, turnId, conversationId, turnMode]);

  // The newest answer stays in view while it arrives, unless the reader scrolled up to read.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [turns]);

  if (!voice)
    return (
      <p className="ask__waiting" role="status">
        Waiting for the workstation engine…
      </p>
    );

  const submit = (e: { preventDefault(): void }): void => {
    e.preventDefault();
    const text = question.trim();
    if (!text) return;
    following.current = true;
    void voice.controller.ask(text, settings.readTypedAnswers).then((err) => {
      if (!err) setQuestion('');
    });
  };

  // A clicked option is the reply, as if typed: the engine continues the question it asked.
  const reply = (option: string): void => {
    following.current = true;
    void voice.controller.ask(option, settings.readTypedAnswers);
  };

  const select = (id: string | null): void => {
    setCited(null);
    setShowConversations(false);
    following.current = true;
    voice.controller.useConversation(id);
    void voice.log
      .load(id)
      .then((message) =>
        setLoadError(message === null ? null : { code: 'CONVERSATION_LOAD', message }),
      );
  };

  const notices = voiceNotices(status);
  // One message per cause: a press that failed for the reason a notice already gives shows only
  // the notice; a dismissed problem stays away until another one comes.
  const error = snapshot.error;
  const showError =
    error !== null &&
    error !== dismissed &&
    !notices.some((n) => causeOf(n.code) === causeOf(error.code));

  return (
    <div className={`ask${cited ? ' ask--with-source' : ''}`} data-testid="ask-view">
      <aside
        className={`ask__convs${showConversations ? ' ask__convs--open' : ''}`}
        aria-label="Conversations"
      >
        <ConversationList
          client={voice.client}
          current={snapshot.conversationId}
          refreshKey={done}
          onSelect={select}
        />
      </aside>
      <section className="chat" aria-label="Conversation">
        <div className="chat__bar">
          <button
            type="button"
            className="button button--small chat__convs-toggle"
            aria-expanded={showConversations}
            onClick={() => setShowConversations((v) => !v)}
          >
            Conversations
          </button>
          <button type="button" className="button button--small" onClick={() => select(null)}>
            New conversation
          </button>
        </div>
        <div
          className="chat__scroll"
          ref={scroller}
          onScroll={(e) => {
            const el = e.currentTarget;
            following.current = el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK;
          }}
        >
          {loadError && <Problem error={loadError} />}
          <div className="transcript" aria-live="polite" data-testid="transcript-list">
            {turns.length === 0 ? (
              <div className="transcript__empty">
                <p className="transcript__empty-title">Ask about your guidelines and documents</p>
                <p>
                  Hold <kbd>{keyName(settings.pushToTalkKey)}</kbd> or the microphone button while
                  you speak, or type below. Every answer cites the source it comes from.
                </p>
              </div>
            ) : (
              turns.map((t, i) => (
                <TurnCard
                  key={t.id}
                  turn={t}
                  onCite={(citation, sentence, number) => setCited({ citation, sentence, number })}
                  onReply={i === turns.length - 1 ? reply : undefined}
                />
              ))
            )}
          </div>
        </div>
        <div className="composer">
          <div className="composer__notices" data-testid="voice-error">
            {showError && (
              <div className="composer__notice">
                <Problem error={error} />
                <button
                  type="button"
                  className="button button--quiet button--small"
                  onClick={() => setDismissed(error)}
                >
                  Dismiss
                </button>
              </div>
            )}
            {notices.map((n) => (
              <Problem key={n.code} words={n} testId="voice-status" />
            ))}
          </div>
          <form className="composer__form" onSubmit={submit} aria-label="Type a question">
            <label htmlFor="question" className="visually-hidden">
              Type a question
            </label>
            <input
              id="question"
              className="input composer__input"
              type="text"
              autoComplete="off"
              maxLength={4000}
              value={question}
              onChange={(e) => setQuestion(e.target.value)}
              placeholder="Type a question, e.g. How is chronic kidney disease treated?"
            />
            <button type="submit" className="button button--primary" disabled={!question.trim()}>
              Ask
            </button>
          </form>
          <TalkPanel
            controller={voice.controller}
            snapshot={snapshot}
            keyCode={settings.pushToTalkKey}
            speech={speech}
          >
            <label className="composer__check">
              <input
                type="checkbox"
                checked={settings.readTypedAnswers}
                onChange={(e) => void update({ readTypedAnswers: e.target.checked })}
                data-testid="read-aloud"
              />{' '}
              Read answers to typed questions aloud
            </label>
          </TalkPanel>
          <ConfirmTranscript client={voice.client} turnId={snapshot.turnId} />
          <div
            className="playback"
            data-testid="playback"
            data-state={snapshot.playing ? 'playing' : 'idle'}
            data-chunks-played={snapshot.chunksPlayed}
            data-stops={snapshot.playbackStops}
            hidden
          />
        </div>
      </section>
      {cited && (
        <aside className="ask__source" aria-label="Cited source">
          <CitationView
            key={`${cited.citation.documentId}:${cited.citation.start}-${cited.citation.end}`}
            open={cited}
            client={voice.client}
            onClose={() => setCited(null)}
          />
        </aside>
      )}
    </div>
  );
}

/** What voice cannot do right now, in words, one notice per cause; empty when all is ready. */
function voiceNotices(status: VoiceStatusDto | null): Words[] {
  if (!status || status.detail === 'Voice ready.') return [];
  if (status.server === 'not-configured')
    return [wordsFor({ code: 'VOICE_SERVER_NOT_CONFIGURED', message: status.detail })];
  const out: Words[] = [];
  if (status.stt === 'not-configured')
    out.push(wordsFor({ code: 'VOICE_STT_NOT_CONFIGURED', message: status.detail }));
  if (status.llm === 'not-configured')
    out.push(wordsFor({ code: 'PROVIDER_NOT_CONFIGURED', message: status.detail }));
  if (status.stt === 'unavailable' || status.llm === 'unavailable')
    out.push(wordsFor({ code: 'PROVIDER_UNAVAILABLE', message: status.detail }));
  return out;
}

/** A KeyboardEvent.code as people name the key ("KeyF" → "F", "Digit1" → "1"). */
export function keyName(code: string): string {
  return code.replace(/^Key(?=[A-Z]$)/, '').replace(/^Digit(?=\d$)/, '');
}
