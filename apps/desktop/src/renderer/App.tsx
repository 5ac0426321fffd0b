import { useCallback, useEffect, useRef, useState } from 'react';
import { AskView } from './ask/AskView.js';
import { CalculatorsView } from './calculators/CalculatorsView.js';
import { usePushToTalkKey } from './ask/push-to-talk.js';
import { VoiceProvider, useVoice } from './ask/voice-context.js';
import { Diagnostics } from './Diagnostics.js';
import { VoiceDiagnostics } from './diagnostics/VoiceDiagnostics.js';
import { KnowledgeView } from './knowledge/KnowledgeView.js';
import { Navigation } from './Navigation.js';
import { SettingsView } from './settings/SettingsView.js';
import { StatusBadge } from './StatusBadge.js';
import { engineStatus, serverStatus } from './status.js';
import type { Transport } from './transport.js';
import { useEngine, type EngineState } from './use-engine.js';
import { VIEWS, type View, type ViewId } from './views.js';

/** The shell: banner with live statuses, navigation, and the current view in <main>. */
export function App({ transport }: { transport: Transport }) {
  const engine = useEngine(transport);
  const [current, setCurrent] = useState<ViewId>('ask');
  const heading = useRef<HTMLHeadingElement>(null);
  const moveFocus = useRef(false);
  const view = VIEWS.find((v) => v.id === current) ?? VIEWS[0];

  const select = (id: ViewId): void => {
    moveFocus.current = true;
    setCurrent(id);
  };
  // Talking from another view brings the conversation up, where the answer appears.
  const showConversation = useCallback(() => setCurrent('ask'), []);

  useEffect(() => {
    if (moveFocus.current) heading.current?.focus(); // screen readers announce the new view
    moveFocus.current = false;
  }, [current]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const target = VIEWS[Number(event.key) - 1];
      if (!target) return;
      event.preventDefault();
      select(target.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const engineView = engineStatus(engine);
  return (
    <VoiceProvider client={engine.phase === 'ready' ? engine.client : undefined}>
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
          <section className="statuses" aria-label="System status" role="status" aria-live="polite">
            <StatusBadge name="Engine" status={engineView} testId="engine-status" />
            <StatusBadge name="Server" status={serverStatus(engine)} testId="server-status" />
          </section>
        </header>
        <Navigation current={current} onSelect={select} />
        <main id="main" className="content" tabIndex={-1}>
          {engineView.tone === 'bad' && (
            <div className="notice notice--bad" role="alert">
              <strong>{engineView.label}.</strong> {engineView.detail}
            </div>
          )}
          <h1 ref={heading} tabIndex={-1} className="content__title">
            {view.title}
          </h1>
          <p className="content__summary">{view.summary}</p>
          <ViewBody view={view} engine={engine} />
        </main>
      </div>
    </VoiceProvider>
  );
}

/** Space held anywhere in the window talks (push-to-talk.ts), whichever view is shown. */
function PushToTalkKey({ onTalk }: { onTalk: () => void }) {
  usePushToTalkKey(useVoice()?.controller, onTalk);
  return null;
}

function ViewBody({ view, engine }: { view: View; engine: EngineState }) {
  if (view.id === 'diagnostics')
    return (
      <>
        <Diagnostics engine={engine} />
        <VoiceDiagnostics />
      </>
    );
  if (view.id === 'ask') return <AskView />;
  if (view.id === 'knowledge')
    return <KnowledgeView client={engine.phase === 'ready' ? engine.client : undefined} />;
  if (view.id === 'settings') return <SettingsView />;
  if (view.id === 'calculators')
    return <CalculatorsView client={engine.phase === 'ready' ? engine.client : undefined} />;
  return <Placeholder what={view.title} />;
}

function Placeholder({ what }: { what: string }) {
  return (
    <div className="placeholder">
      <p className="placeholder__title">{what}: coming in a later release.</p>
      <p className="placeholder__text">
        This version connects the app, the local engine and the sync server. Features arrive view by
        view.
      </p>
    </div>
  );
}
