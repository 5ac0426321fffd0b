import { useCallback, useEffect, useMemo, useState, type SyntheticEvent } from 'react';
import type {
  CalcEvaluationDto,
  CalcHistoryEntryDto,
  CalcInputDef,
  CalcSummaryDto,
} from '../../shared/calculators.js';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { Problem } from '../Problem.js';
import { ResultCard } from './ResultCard.js';
import {
  edit,
  emptyForm,
  formFrom,
  PROVENANCE_LABEL,
  search,
  toInputs,
  type Form,
} from './form.js';
import './calculators.css';

/**
 * The Calculators view: find a calculator (by name, or by typing the request as you would say
 * it), fill the form with units, run it in the engine, see the result with its interpretation,
 * source and each input's provenance, and the history kept in the encrypted store.
 */
export function CalculatorsView({ client }: { client: RpcClient | undefined }) {
  const [list, setList] = useState<readonly CalcSummaryDto[]>([]);
  const [error, setError] = useState<ErrorInfo>();
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<CalcSummaryDto>();
  const [form, setForm] = useState<Form>({});
  const [note, setNote] = useState<string>();
  const [outcome, setOutcome] = useState<CalcEvaluationDto>();
  const [history, setHistory] = useState<readonly CalcHistoryEntryDto[]>();
  const [historyError, setHistoryError] = useState<ErrorInfo>();

  const refreshHistory = useCallback(() => {
    if (!client) return;
    void client.call('calc.history', { limit: 20 }).then((r) => {
      if (r.ok) {
        setHistory(r.value);
        setHistoryError(undefined);
      } else setHistoryError(r.error);
    });
  }, [client]);

  useEffect(() => {
    if (!client) return;
    void client.call('calc.list', {}).then((r) => {
      if (r.ok) setList(r.value);
      else setError(r.error);
    });
    refreshHistory();
  }, [client, refreshHistory]);

  const found = useMemo(() => search(list, query), [list, query]);

  const choose = (def: CalcSummaryDto): void => {
    setSelected(def);
    setForm(emptyForm(def));
    setOutcome(undefined);
    setNote(undefined);
  };

  /** "CKD-EPI for creatinine 1.4, 67-year-old woman": the engine reads it into the form. */
  const readRequest = (event: SyntheticEvent): void => {
    event.preventDefault();
    const text = query.trim();
    if (!client || text === '') return;
    if (found.length === 1 && found[0]) return choose(found[0]);
    void client.call('calc.parse', { text, said: 'typed' }).then((r) => {
      if (!r.ok) return setError(r.error);
      setError(undefined);
      const parsed = r.value;
      if (parsed.kind === 'no-calculator')
        return setNote('No calculator is named there: pick one from the list.');
      if (parsed.kind === 'which-calculator') return setNote(parsed.question);
      const def = list.find((c) => c.id === parsed.calculatorId);
      if (!def) return;
      setSelected(def);
      setForm(formFrom(def, parsed.inputs));
      setOutcome(undefined);
      setNote(undefined);
    });
  };

  const run = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (!client || !selected) return;
    void client
      .call('calc.run', { calculatorId: selected.id, inputs: toInputs(selected, form) })
      .then((r) => {
        if (!r.ok) return setError(r.error);
        setError(undefined);
        setOutcome(r.value);
        if (r.value.status === 'ok') refreshHistory();
      });
  };

  if (!client)
    return (
      <div className="notice" role="status">
        Waiting for the engine to connect…
      </div>
    );

  return (
    <div className="calc">
      <section className="kb-card" aria-labelledby="calc-find-title">
        <h2 id="calc-find-title" className="kb-card__title">
          Find a calculator
          <span className="kb-card__meta">{list.length} calculators</span>
        </h2>
        <form className="kb-form" onSubmit={readRequest} role="search">
          <label htmlFor="calc-query">Name, or the request as you would say it</label>
          <div className="kb-form__row">
            <input
              id="calc-query"
              className="kb-input"
              value={query}
              placeholder="CKD-EPI for creatinine 1.4, 67-year-old woman"
              onChange={(e) => setQuery(e.target.value)}
            />
            <button type="submit" className="kb-button">
              Fill the form
            </button>
          </div>
        </form>
        {note && (
          <p className="kb-help" role="status">
            {note}
          </p>
        )}
        <Problem error={error} />
        <ul className="calc-list" aria-label="Calculators">
          {found.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className={`calc-list__item${selected?.id === c.id ? ' calc-list__item--on' : ''}`}
                aria-pressed={selected?.id === c.id}
                onClick={() => choose(c)}
              >
                {c.name}
              </button>
            </li>
          ))}
        </ul>
      </section>

      {selected && (
        <section className="kb-card" aria-labelledby="calc-form-title">
          <h2 id="calc-form-title" className="kb-card__title">
            {selected.name}
            <span className="kb-card__meta">{selected.source}</span>
          </h2>
          <form className="calc-form" onSubmit={run}>
            {selected.inputs.map((input) => (
              <InputRow
                key={input.name}
                input={input}
                form={form}
                onChange={(change) => setForm(edit(form, input.name, change))}
              />
            ))}
            <button type="submit" className="kb-button">
              Calculate
            </button>
          </form>
          {outcome && <ResultCard outcome={outcome} />}
        </section>
      )}

      <section className="kb-card" aria-labelledby="calc-history-title">
        <h2 id="calc-history-title" className="kb-card__title">
          History
        </h2>
        <Problem error={historyError} />
        {history?.length === 0 && <p className="kb-help">No calculations yet.</p>}
        {history && history.length > 0 && (
          <ol className="calc-history" data-testid="calc-history">
            {history.map((h) => (
              <li key={h.id}>
                <time dateTime={h.at}>{new Date(h.at).toLocaleString()}</time>{' '}
                <strong>{h.result.name}</strong>: {h.result.display} {h.result.unit} —{' '}
                {h.result.interpretation}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function InputRow({
  input,
  form,
  onChange,
}: {
  input: CalcInputDef;
  form: Form;
  onChange: (change: { text?: string; unit?: string }) => void;
}) {
  const field = form[input.name];
  const id = `calc-input-${input.name}`;
  const filled = (field?.text ?? '') !== '';
  return (
    <div className="calc-form__row">
      <label htmlFor={id}>
        {input.label}
        {input.optional ? ' (optional)' : ''}
      </label>
      {input.kind === 'number' && (
        <input
          id={id}
          className="kb-input calc-form__number"
          inputMode="decimal"
          value={field?.text ?? ''}
          onChange={(e) => onChange({ text: e.target.value })}
        />
      )}
      {input.kind === 'number' && input.units.length > 1 && (
        <select
          aria-label={`${input.label} unit`}
          value={field?.unit ?? ''}
          onChange={(e) => onChange({ unit: e.target.value })}
        >
          {input.units.map((u) => (
            <option key={u}>{u}</option>
          ))}
        </select>
      )}
      {input.kind === 'number' && input.units.length === 1 && (
        <span className="calc-form__unit">{input.units[0]}</span>
      )}
      {input.kind !== 'number' && (
        <select
          id={id}
          value={field?.text ?? ''}
          onChange={(e) => onChange({ text: e.target.value })}
        >
          <option value="">—</option>
          {input.kind === 'boolean' ? (
            <>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </>
          ) : (
            input.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))
          )}
        </select>
      )}
      {filled && field && (
        <span className="calc-provenance" data-testid={`provenance-${input.name}`}>
          {PROVENANCE_LABEL[field.provenance]}
        </span>
      )}
      {input.range && (
        <span className="calc-form__range">
          {input.range[0]}–{input.range[1]} {input.units[0] ?? ''}
        </span>
      )}
    </div>
  );
}
