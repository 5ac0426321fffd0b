import type { CalcEvaluationDto } from '../../shared/calculators.js';
import { PROVENANCE_LABEL } from './form.js';

/** The engine's answer: the result with band, source and inputs, or what it needs, or why not. */
export function ResultCard({ outcome }: { outcome: CalcEvaluationDto }) {
  if (outcome.status === 'needs-input')
    return (
      <div className="calc-result calc-result--ask" role="status" data-testid="calc-questions">
        <p>{outcome.prompt}</p>
      </div>
    );
  if (outcome.status === 'error')
    return (
      <p className="kb-error" role="alert">
        {outcome.error.message} <span className="kb-code">({outcome.error.code})</span>
      </p>
    );
  const r = outcome.result;
  return (
    <div className="calc-result" role="status" data-testid="calc-result">
      <p className="calc-result__value">
        {r.display} <span className="calc-result__unit">{r.unit}</span>
      </p>
      <p className="calc-result__band">{r.interpretation}</p>
      <p className="calc-result__source">
        Source: <cite>{r.source}</cite>
      </p>
      <table className="kb-table calc-result__inputs">
        <caption>Inputs used</caption>
        <thead>
          <tr>
            <th scope="col">Input</th>
            <th scope="col">Value</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {r.inputs.map((i) => (
            <tr key={i.name}>
              <th scope="row">{i.label}</th>
              <td>
                {typeof i.value === 'boolean' ? (i.value ? 'yes' : 'no') : String(i.value)} {i.unit}
                {i.given ? ` (given as ${String(i.given.value)} ${i.given.unit})` : ''}
                {i.unitAssumed ? ' — unit assumed' : ''}
              </td>
              <td>{PROVENANCE_LABEL[i.provenance]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
