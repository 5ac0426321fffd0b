import type { SpeechCapabilitiesDto } from '../../shared/speech.js';

const WHERE: Record<SpeechCapabilitiesDto['paths'][number]['where'], string> = {
  'on-device': 'This computer',
  server: 'Sync server',
  renderer: 'This window',
};

/**
 * A row per way speech can be recognised or spoken (speech.capabilities): where it runs, whether
 * it works here, and why not in words. The server's circuit state and last latency are not in
 * this list yet (the engine reports only whether the server's provider is usable).
 */
export function SpeechPaths({ speech }: { speech: SpeechCapabilitiesDto | null }) {
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
    </>
  );
}
