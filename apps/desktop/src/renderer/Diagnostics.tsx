import { StatusBadge } from './StatusBadge.js';
import { componentStatus, engineStatus, serverStatus } from './status.js';
import type { EngineState } from './use-engine.js';

/** What the engine reports about itself; voice-turn timings join this view in a later release. */
export function Diagnostics({ engine }: { engine: EngineState }) {
  const rows =
    engine.phase === 'ready'
      ? [
          {
            name: 'Engine',
            status: engineStatus(engine),
            extra: `version ${engine.health.version}, up ${formatUptime(engine.health.uptimeSeconds)}`,
          },
          { name: 'Sync server', status: serverStatus(engine), extra: engine.health.server.detail },
          {
            name: 'Local store',
            status: componentStatus(engine.health.store),
            extra: engine.health.store.detail,
          },
          {
            name: 'Models',
            status: componentStatus(engine.health.models),
            extra: engine.health.models.detail,
          },
        ]
      : [{ name: 'Engine', status: engineStatus(engine), extra: engineStatus(engine).detail }];
  return (
    <table className="diag">
      <caption className="visually-hidden">Component health</caption>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col">Status</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name}>
            <th scope="row">{row.name}</th>
            <td>
              <StatusBadge
                showName={false}
                name={row.name}
                status={row.status}
                testId={`diag-${row.name.toLowerCase().replace(' ', '-')}`}
              />
            </td>
            <td>{row.extra}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function formatUptime(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
