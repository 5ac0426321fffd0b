import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AskView } from './ask/AskView.js';
import { CalculatorsView } from './calculators/CalculatorsView.js';
import { CalendarView } from './calendar/CalendarView.js';
import { useCalendarStatus } from './calendar/use-calendar-status.js';
import { usePushToTalkKey } from './ask/push-to-talk.js';
import { VoiceProvider, useVoice } from './ask/voice-context.js';
import { Diagnostics } from './Diagnostics.js';
import { IdentityGate, SignedInUser } from './identity/IdentityGate.js';
import { VoiceDiagnostics } from './diagnostics/VoiceDiagnostics.js';
import { EgressAudit } from './diagnostics/EgressAudit.js';
import { KnowledgeView } from './knowledge/KnowledgeView.js';
import { Navigation } from './Navigation.js';
import { settingsAudio } from './settings/devices.js';
import { SettingsProvider, useSettings } from './settings/settings-context.js';
import { SettingsView } from './settings/SettingsView.js';
import { StatusBadge } from './StatusBadge.js';
import { engineStatus, serverStatus } from './status.js';
import type { Transport } from './transport.js';
import { useEngine, type EngineState } from './use-engine.js';
import { availableViews, VIEWS, type View, type ViewId } from './views.js';
import type { CalendarStatusDto } from '../shared/calendar.js';

/**
 * The shell: a header with live statuses and the navigation stay in place; only the view's own
 * area scrolls (Ask keeps its composer docked at the bottom).
 */
export function App({ transport }: { transport: Transport }) {
  const engine = useEngine(transport);
  const client = engine.phase === 'ready' ? engine.client : undefined;
  return (
    <SettingsProvider client={client}>
      <Shell engine={engine} />
    </SettingsProvider>
  );
}

function Shell({ engine }: { engine: EngineState }) {
  const { latest } = useSettings();
  const devices = useMemo(() => settingsAudio(latest), [latest]);
  const [current, setCurrent] = useState<ViewId>('ask');
  const heading = useRef<HTMLHeadingElement>(null);
  const moveFocus = useRef(false);
  const calendar = useCalendarStatus(engine.phase === 'ready' ? engine.client : undefined);
  const views = useMemo(() => availableViews(calendar?.configured ?? false), [calendar]);
  const view = views.find((v) => v.id === current) ?? VIEWS[0];

  const select = (id: ViewId): void => {
    moveFocus.current = true;
    setCurrent(id);
  };
  // Talking from another view brings the conversation up, where the answer appears.
  const showConversation = useCallback(() => setCurrent('ask'), []);
  // "Open the calculators", said or typed: the engine carried the command out, the window shows it.
  const client = engine.phase === 'ready' ? engine.client : undefined;
  useEffect(
    () =>
      client?.on('assistant.command', (e) => {
        // Only a view this workstation offers (no Calendar without Nextcloud: no dead end).
        const target = views.find((v) => v.id === e.view);
        if (e.command !== 'open' || !target) return;
        moveFocus.current = true;
        setCurrent(target.id);
      }),
    [client, views],
  );

  useEffect(() => {
    if (moveFocus.current) heading.current?.focus(); // screen readers announce the new view
    moveFocus.current = false;
  }, [current]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const target = views[Number(event.key) - 1];
      if (!target) return;
      event.preventDefault();
      select(target.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [views]);

  const engineView = engineStatus(engine);
  return (
    <IdentityGate client={engine.phase === 'ready' ? engine.client : undefined}>
      <VoiceProvider
        client={engine.phase === 'ready' ? engine.client : undefined}
        devices={devices}
      >
        <PushToTalkKey onTalk={showConversation} />
        <div className="shell">
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="topbar">
            <div className="brand">
              <span className="brand__mark" aria-hidden="true" />
              <span className="brand__name">VoiceAssist</span>
              <span className="brand__sub">Workstation</span>
            </div>
            <section
              className="statuses"
              aria-label="System status"
              role="status"
              aria-live="polite"
            >
              <StatusBadge name="Engine" status={engineView} testId="engine-status" />
              <StatusBadge name="Server" status={serverStatus(engine)} testId="server-status" />
            </section>
            <SignedInUser />
          </header>
          <div className="frame">
            <Navigation current={current} onSelect={select} views={views} />
            <main id="main" className={`content content--${view.id}`} tabIndex={-1}>
              {engineView.tone === 'bad' && (
                <div className="problem problem--error content__banner" role="alert">
                  <span className="problem__icon" aria-hidden="true" />
                  <p className="problem__text">
                    <strong>{engineView.label}.</strong> {engineView.detail}
                  </p>
                </div>
              )}
              <div className="content__head">
                <h1 ref={heading} tabIndex={-1} className="content__title">
                  {view.title}
                </h1>
                <p className="content__summary">{view.summary}</p>
              </div>
              <ViewBody view={view} engine={engine} calendar={calendar} />
            </main>
          </div>
        </div>
      </VoiceProvider>
    </IdentityGate>
  );
}

/** The push-to-talk key (Settings) held anywhere in the window talks, whichever view is shown. */
function PushToTalkKey({ onTalk }: { onTalk: () => void }) {
  const { settings } = useSettings();
  usePushToTalkKey(useVoice()?.controller, onTalk, settings.pushToTalkKey);
  return null;
}

function ViewBody({
  view,
  engine,
  calendar,
}: {
  view: View;
  engine: EngineState;
  calendar: CalendarStatusDto | undefined;
}) {
  switch (view.id) {
    case 'ask':
      return <AskView />;
    case 'knowledge':
      return <KnowledgeView client={engine.phase === 'ready' ? engine.client : undefined} />;
    case 'diagnostics':
      return (
        <div className="page">
          <Diagnostics engine={engine} />
          <VoiceDiagnostics />
          <EgressAudit />
        </div>
      );
    case 'settings':
      return <SettingsView />;
    case 'calculators':
      return <CalculatorsView client={engine.phase === 'ready' ? engine.client : undefined} />;
    case 'calendar':
      return calendar ? (
        <CalendarView
          client={engine.phase === 'ready' ? engine.client : undefined}
          status={calendar}
        />
      ) : null;
  }
}
