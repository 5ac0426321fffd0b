import { useId } from 'react';
import type { StageTimings } from '../../shared/voice-turn.js';
import { formatMs, STAGES } from '../conversation/stages.js';
import { histogram, summarize, type Summary } from './histogram.js';

const W = 560;
const H = 96;
const PAD = { left: 8, right: 12, top: 18, bottom: 22 };

/**
 * Latency per stage over recent turns: one small histogram per stage (its own time axis, since
 * a privacy filter takes milliseconds and a whole turn a second), with the median and 95th
 * percentile marked by line style and label, not colour alone. Each plot is an image whose
 * accessible name is its summary, and the same summary is printed beneath it.
 */
export function LatencyHistogram({ timings }: { timings: readonly StageTimings[] }) {
  const rows = STAGES.flatMap((stage) => {
    const values = timings
      .map((t) => t[stage.key])
      .filter((v): v is number => v !== null && Number.isFinite(v));
    const summary = summarize(values);
    return summary ? [{ stage, values, summary }] : [];
  });
  if (rows.length === 0)
    return (
      <p className="placeholder__text" data-testid="latency-empty">
        No voice turns yet. Ask a question; its stage timings appear here.
      </p>
    );
  return (
    <div className="hist" data-testid="latency-histogram">
      {rows.map(({ stage, values, summary }) => (
        <StagePlot
          key={stage.key}
          label={stage.label}
          hint={stage.hint}
          values={values}
          summary={summary}
        />
      ))}
    </div>
  );
}

export function describe(label: string, s: Summary): string {
  return `${label}: ${s.count} ${s.count === 1 ? 'turn' : 'turns'}, median ${formatMs(s.p50)}, 95th percentile ${formatMs(s.p95)}, range ${formatMs(s.min)} to ${formatMs(s.max)}.`;
}

function StagePlot({
  label,
  hint,
  values,
  summary,
}: {
  label: string;
  hint: string;
  values: readonly number[];
  summary: Summary;
}) {
  const id = useId();
  const h = histogram(values);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const peak = Math.max(1, ...h.counts);
  const x = (ms: number): number => PAD.left + (ms / h.axisMax) * plotW;
  const barW = plotW / h.counts.length;
  const text = describe(label, summary);
  const ticks = [0, h.axisMax / 4, h.axisMax / 2, (3 * h.axisMax) / 4, h.axisMax];
  return (
    <figure className="hist__row" data-testid="latency-stage">
      <figcaption className="hist__label">
        <span className="hist__name">{label}</span>
        <span className="hist__hint">{hint}</span>
      </figcaption>
      <svg
        className="hist__plot"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-t`}
        preserveAspectRatio="xMinYMid meet"
      >
        <title id={`${id}-t`}>{`Histogram of ${text}`}</title>
        <line
          className="hist__axis"
          x1={PAD.left}
          x2={W - PAD.right}
          y1={H - PAD.bottom}
          y2={H - PAD.bottom}
        />
        {h.counts.map((c, i) =>
          c === 0 ? null : (
            <rect
              key={i}
              className="hist__bar"
              x={PAD.left + i * barW + 1}
              width={Math.max(1, barW - 2)}
              y={H - PAD.bottom - (c / peak) * plotH}
              height={(c / peak) * plotH}
            >
              <title>{`${formatMs(i * h.binWidth)}–${formatMs((i + 1) * h.binWidth)}: ${c} ${c === 1 ? 'turn' : 'turns'}`}</title>
            </rect>
          ),
        )}
        {ticks.map((t, i) => (
          <text
            key={i}
            className="hist__tick"
            x={x(t)}
            y={H - 6}
            textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
          >
            {formatMs(t)}
          </text>
        ))}
        <Marker
          x={x(summary.p50)}
          label={`p50 ${formatMs(summary.p50)}`}
          dashed={false}
          top={PAD.top}
          bottom={H - PAD.bottom}
        />
        <Marker
          x={x(summary.p95)}
          label={`p95 ${formatMs(summary.p95)}`}
          dashed
          top={PAD.top}
          bottom={H - PAD.bottom}
        />
      </svg>
      <p className="hist__summary">{text}</p>
    </figure>
  );
}

function Marker({
  x,
  label,
  dashed,
  top,
  bottom,
}: {
  x: number;
  label: string;
  dashed: boolean;
  top: number;
  bottom: number;
}) {
  const anchor = x > W * 0.8 ? 'end' : 'start';
  return (
    <g className={dashed ? 'hist__mark hist__mark--p95' : 'hist__mark hist__mark--p50'}>
      <line x1={x} x2={x} y1={top - 4} y2={bottom} strokeDasharray={dashed ? '4 3' : undefined} />
      <text
        x={anchor === 'start' ? x + 3 : x - 3}
        y={dashed ? top - 7 + 10 : top - 7}
        textAnchor={anchor}
      >
        {label}
      </text>
    </g>
  );
}
