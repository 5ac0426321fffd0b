import type { ServerProviderDto, SpeechCapabilitiesDto } from '../../shared/speech.js';
import type { StageTimings } from '../../shared/voice-turn.js';
import { formatMs } from '../conversation/stages.js';

const WHERE: Record<SpeechCapabilitiesDto['paths'][number]['where'], string> = {
  'on-device': 'This computer',
  server: 'Sync server',
  renderer: 'This window',
};

/**
 * A row per way speech can be recognised or spoken (speech.capabilities): where it runs, whether
 * it works here, and why not in words; then the sync server's providers with their circuit state
 * and the last turn's latency for that kind of call.
 */
export function SpeechPaths({
  speech,
  lastTurn,
}: {
  speech: SpeechCapabilitiesDto | null;
  /** The newest turn's stage timings, when there is one. */
  lastTurn?: StageTimings | undefined;
}) {
  if (!speech) return <p className="diag-section__text">Asking the engine…</p>;
  return (
    <>
      <p className="diag-section__text" data-testid="speech-policy">
        {speech.talk.sentence} Policy: {speech.policy}. Answers are spoken by: {speech.speech}.
      </p>
      <table className="diag" data-testid="speech-paths">
        <caption className="visually-hidden">Speech recognition and speech output paths</caption>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Runs on</th>
            <th scope="col">Works here</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {speech.paths.map((p) => (
            <tr key={`${p.kind}:${p.id}`} data-path={`${p.kind}:${p.id}`}>
              <th scope="row">
                {p.kind === 'stt' ? 'Recognition' : 'Speech'}: {p.label}
              </th>
              <td>{WHERE[p.where]}</td>
              <td>{p.available ? 'Yes' : 'No'}</td>
              <td>{p.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {speech.providers && <ServerProviders providers={speech.providers} lastTurn={lastTurn} />}
    </>
  );
}

const KIND: Record<ServerProviderDto['kind'], string> = {
  llm: 'Answers (LLM)',
  stt: 'Recognition',
  tts: 'Speech',
};

const CIRCUIT: Record<ServerProviderDto['circuit'], string> = {
  closed: 'Working',
  open: 'Failing: calls stop at once until it recovers',
  half_open: 'Recovering: being tried again',
};

/** The stage of a turn that waits on each kind of provider. */
const LATENCY: Record<ServerProviderDto['kind'], keyof StageTimings> = {
  llm: 'llmFirstToken',
  stt: 'sttFinalize',
  tts: 'ttsFirstByte',
};

function ServerProviders({
  providers,
  lastTurn,
}: {
  providers: readonly ServerProviderDto[];
  lastTurn: StageTimings | undefined;
}) {
  if (providers.length === 0)
    return (
      <p className="diag-section__text" data-testid="server-providers">
        The sync server relays to no cloud provider.
      </p>
    );
  return (
    <table className="diag" data-testid="server-providers">
      <caption className="visually-hidden">The sync server’s providers</caption>
      <thead>
        <tr>
          <th scope="col">Provider (sync server)</th>
          <th scope="col">Role</th>
          <th scope="col">Circuit</th>
          <th scope="col">Last turn</th>
        </tr>
      </thead>
      <tbody>
        {providers.map((p) => {
          const ms = lastTurn?.[LATENCY[p.kind]];
          return (
            <tr
              key={`${p.kind}:${p.role}:${p.name}`}
              data-provider={`${p.kind}:${p.name}`}
              data-circuit={p.circuit}
            >
              <th scope="row">
                {KIND[p.kind]}: {p.name}
              </th>
              <td>{p.role}</td>
              <td>{CIRCUIT[p.circuit]}</td>
              <td>{ms === null || ms === undefined ? '—' : formatMs(ms)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
