// The Generate form's part for tables: a schema (from a template, checked as it is typed) or a
// CSV sample to learn from, the row count and the seed.
import { useMemo } from 'react';
import { Field } from '../../components/Field';
import { SeedField } from '../../components/SeedField';
import { formatCount } from '../../lib/format';
import { previewCsv, TABLE_ROWS, type FieldErrors } from '../../lib/params';
import type { SchemaCheck } from '../../lib/schemaCheck';
import { TEMPLATES, templateText } from '../../lib/templates';

export interface TableState {
  mode: 'schema' | 'learned';
  templateId: string;
  schemaText: string;
  sampleCsv: string;
  rows: string;
  seed: string;
}

export function initialTableState(): TableState {
  return {
    mode: 'schema',
    templateId: TEMPLATES[0].id,
    schemaText: templateText(TEMPLATES[0]),
    sampleCsv: '',
    rows: String(TABLE_ROWS.default),
    seed: '',
  };
}

interface Props {
  idPrefix: string;
  state: TableState;
  onChange: (patch: Partial<TableState>) => void;
  schemaCheck: SchemaCheck;
  errors: FieldErrors;
}

function SchemaFields({ idPrefix, state, onChange, schemaCheck, errors }: Props) {
  const f = (k: string) => `${idPrefix}-${k}`;
  const template = TEMPLATES.find((t) => t.id === state.templateId) ?? TEMPLATES[0];
  const issues = schemaCheck.issues;
  return (
    <>
      <div className="row" style={{ marginTop: '0.75rem' }}>
        <Field id={f('template')} label="Template" help={template.description}>
          {(d) => (
            <select
              id={f('template')}
              value={state.templateId}
              onChange={(e) => onChange({ templateId: e.target.value })}
              aria-describedby={d}
            >
              {TEMPLATES.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" onClick={() => onChange({ schemaText: templateText(template) })}>
          Use template
        </button>
      </div>
      <Field
        id={f('schema')}
        label="Schema (JSON)"
        help="Columns, types and rules as in docs/schema.md. Checked as you type."
        error={errors.schema}
      >
        {(d) => (
          <textarea
            id={f('schema')}
            className="schema"
            spellCheck={false}
            value={state.schemaText}
            onChange={(e) => onChange({ schemaText: e.target.value })}
            aria-invalid={issues.length > 0}
            aria-describedby={`${d ?? ''} ${f('schema-check')}`.trim()}
          />
        )}
      </Field>
      <div id={f('schema-check')} aria-live="polite" data-testid="schema-check">
        {issues.length === 0 ? (
          <p className="muted">
            ✓ Valid schema: {schemaCheck.tables.length} table
            {schemaCheck.tables.length === 1 ? '' : 's'} ({schemaCheck.tables.join(', ')})
          </p>
        ) : (
          <ul className="error-text">
            {issues.slice(0, 8).map((i, n) => (
              <li key={n}>
                <code>{i.path}</code>: {i.message}
              </li>
            ))}
            {issues.length > 8 && <li>…and {issues.length - 8} more</li>}
          </ul>
        )}
      </div>
    </>
  );
}

function SampleFields({ idPrefix, state, onChange, errors }: Omit<Props, 'schemaCheck'>) {
  const f = (k: string) => `${idPrefix}-${k}`;
  const preview = useMemo(
    () => (state.sampleCsv ? previewCsv(state.sampleCsv) : null),
    [state.sampleCsv],
  );
  const loadFile = async (file: File | undefined) => {
    if (file) onChange({ sampleCsv: await file.text() });
  };
  return (
    <>
      <div className="grid-form" style={{ marginTop: '0.75rem' }}>
        <Field
          id={f('csvfile')}
          label="CSV file"
          help="A sample of real rows with a header; the model keeps no raw rows."
        >
          {(d) => (
            <input
              id={f('csvfile')}
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => loadFile(e.target.files?.[0])}
              aria-describedby={d}
            />
          )}
        </Field>
      </div>
      <Field id={f('csv')} label="…or paste CSV" error={errors.sample_csv}>
        {(d) => (
          <textarea
            id={f('csv')}
            rows={8}
            spellCheck={false}
            value={state.sampleCsv}
            onChange={(e) => onChange({ sampleCsv: e.target.value })}
            aria-invalid={!!errors.sample_csv}
            aria-describedby={d}
            placeholder={'age,city,income\n34,Paris,52000\n...'}
          />
        )}
      </Field>
      {preview && preview.header.length > 0 && (
        <div className="table-scroll">
          <p className="muted">
            {formatCount(preview.total)} rows × {preview.header.length} columns
          </p>
          <table className="simple">
            <thead>
              <tr>
                {preview.header.map((h, i) => (
                  <th key={i}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r, i) => (
                <tr key={i}>
                  {r.map((c, j) => (
                    <td key={j}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function TableFields(props: Props) {
  const { idPrefix, state, onChange, errors } = props;
  const f = (k: string) => `${idPrefix}-${k}`;
  return (
    <>
      <h2>Table</h2>
      <div className="field">
        <span className="label" id={f('mode-label')}>
          Source
        </span>
        <div className="segmented" role="group" aria-labelledby={f('mode-label')}>
          <button
            type="button"
            aria-pressed={state.mode === 'schema'}
            onClick={() => onChange({ mode: 'schema' })}
          >
            Describe columns (schema)
          </button>
          <button
            type="button"
            aria-pressed={state.mode === 'learned'}
            onClick={() => onChange({ mode: 'learned' })}
          >
            Learn from a CSV sample
          </button>
        </div>
      </div>
      {state.mode === 'schema' ? <SchemaFields {...props} /> : <SampleFields {...props} />}
      <div className="grid-form" style={{ marginTop: '0.75rem' }}>
        <Field
          id={f('rows')}
          label="Rows"
          help={
            state.mode === 'schema'
              ? 'Rows of each top-level table (child tables follow their parents).'
              : 'Rows to generate.'
          }
          error={errors.rows}
        >
          {(d) => (
            <input
              id={f('rows')}
              type="number"
              min={TABLE_ROWS.min}
              max={TABLE_ROWS.max}
              value={state.rows}
              onChange={(e) => onChange({ rows: e.target.value })}
              aria-invalid={!!errors.rows}
              aria-describedby={d}
            />
          )}
        </Field>
        <SeedField
          id={f('seed')}
          help="Same seed gives the same rows; empty for a random one."
          value={state.seed}
          error={errors.seed}
          onChange={(seed) => onChange({ seed })}
        />
      </div>
    </>
  );
}
