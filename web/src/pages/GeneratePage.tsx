// Generate: choose a data type, a model and parameters (or a table schema / CSV sample), start a
// job and watch it run.
import { useEffect, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { DataType, Job, ModelList } from '../api/types';
import { ErrorBox } from '../components/ErrorBox';
import { JobMonitor } from '../components/JobMonitor';
import { formatCount, formatTime } from '../lib/format';
import {
  buildTableJob,
  buildTextJob,
  defaultTextValues,
  previewCsv,
  TABLE_ROWS,
  TEXT_PARAMS,
  type FieldErrors,
} from '../lib/params';
import { checkSchemaText } from '../lib/schemaCheck';
import { TEMPLATES, templateText } from '../lib/templates';
import { useAsync } from '../lib/useAsync';

const TYPES: { id: DataType; label: string; help: string }[] = [
  { id: 'text', label: 'Text', help: 'Free text written by a language model from your prompt.' },
  { id: 'code', label: 'Code', help: 'Python code written by the code model.' },
  {
    id: 'table',
    label: 'Table',
    help: 'Rows from a schema you describe, or learned from a CSV sample.',
  },
];

function Field(props: {
  id: string;
  label: string;
  help?: string;
  error?: string;
  children: (describedBy: string | undefined) => React.ReactNode;
}) {
  const helpId = props.help ? `${props.id}-help` : undefined;
  const errId = props.error ? `${props.id}-error` : undefined;
  const describedBy = [helpId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children(describedBy)}
      {props.help && (
        <span className="help" id={helpId}>
          {props.help}
        </span>
      )}
      {props.error && (
        <span className="error" id={errId}>
          {props.error}
        </span>
      )}
    </div>
  );
}

function ModelPicker(props: {
  id: string;
  type: 'text' | 'code';
  models: ModelList | null;
  value: string;
  onChange: (v: string) => void;
}) {
  const choices = (props.models?.models ?? []).filter((m) => m.data_type === props.type);
  const def = props.models?.defaults[props.type];
  return (
    <Field
      id={props.id}
      label="Model"
      help="The language model that writes the samples; manage models on the Models page."
    >
      {(d) => (
        <select
          id={props.id}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={d}
        >
          <option value="">Default{def ? ` (${def})` : ''}</option>
          {choices.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name || m.id} — {formatCount(m.parameter_count, true)} parameters
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function GeneratePage() {
  const uid = useId();
  const [search, setSearch] = useSearchParams();
  const type = (TYPES.find((t) => t.id === search.get('type'))?.id ?? 'text') as DataType;
  const setType = (t: DataType) => setSearch({ type: t }, { replace: true });

  const models = useAsync(() => api.models(), []);
  const jobs = useAsync(() => api.jobs(), []);

  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [seed, setSeed] = useState('');
  const [model, setModel] = useState<Record<'text' | 'code', string>>({ text: '', code: '' });
  const [prompts, setPrompts] = useState<Record<'text' | 'code', string>>({
    text: 'The',
    code: 'def ',
  });
  const [values, setValues] = useState({
    text: defaultTextValues('text'),
    code: defaultTextValues('code'),
  });
  const [stop, setStop] = useState('');
  const [mode, setMode] = useState<'schema' | 'learned'>('schema');
  const [templateId, setTemplateId] = useState(TEMPLATES[0].id);
  const [schemaText, setSchemaText] = useState(() => templateText(TEMPLATES[0]));
  const [sampleCsv, setSampleCsv] = useState('');
  const [rows, setRows] = useState(String(TABLE_ROWS.default));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [job, setJob] = useState<Job | null>(null);

  const schemaCheck = useMemo(() => checkSchemaText(schemaText), [schemaText]);
  const preview = useMemo(() => (sampleCsv ? previewCsv(sampleCsv) : null), [sampleCsv]);

  useEffect(() => setErrors({}), [type, mode]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitError(null);
    const built =
      type === 'table'
        ? buildTableJob({
            name,
            tags,
            mode,
            schemaValue: schemaCheck.issues.length === 0 ? schemaCheck.value : null,
            sampleCsv,
            rows,
            seed,
          })
        : buildTextJob({
            type,
            name,
            tags,
            model: model[type],
            prompts: prompts[type],
            values: values[type],
            stop,
            seed,
          });
    setErrors(built.errors);
    if (!built.request) return;
    setSubmitting(true);
    try {
      const created = await api.createJob(built.request);
      setJob(created);
      jobs.reload();
    } catch (err) {
      setSubmitError(err);
    } finally {
      setSubmitting(false);
    }
  };

  const loadCsvFile = async (file: File | undefined) => {
    if (!file) return;
    setSampleCsv(await file.text());
  };

  const f = (k: string) => `${uid}-${k}`;
  const textType = type === 'table' ? null : type;

  return (
    <>
      <h1>Generate</h1>
      <form className="panel" onSubmit={submit} noValidate aria-label="New dataset">
        <div className="field">
          <span className="label" id={f('type-label')}>
            Data type
          </span>
          <div className="segmented" role="group" aria-labelledby={f('type-label')}>
            {TYPES.map((t) => (
              <button
                key={t.id}
                type="button"
                aria-pressed={type === t.id}
                onClick={() => setType(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <span className="help">{TYPES.find((t) => t.id === type)?.help}</span>
        </div>

        <div className="grid-form" style={{ marginTop: '0.75rem' }}>
          <Field
            id={f('name')}
            label="Name"
            help="Shown in the library; a date is used when empty."
          >
            {(d) => (
              <input
                id={f('name')}
                type="text"
                value={name}
                onChange={(e) => setName(e.target.value)}
                aria-describedby={d}
                maxLength={200}
              />
            )}
          </Field>
          <Field id={f('tags')} label="Tags" help="Comma-separated, to find the dataset later.">
            {(d) => (
              <input
                id={f('tags')}
                type="text"
                value={tags}
                onChange={(e) => setTags(e.target.value)}
                aria-describedby={d}
              />
            )}
          </Field>
          {textType && (
            <ModelPicker
              id={f('model')}
              type={textType}
              models={models.value}
              value={model[textType]}
              onChange={(v) => setModel({ ...model, [textType]: v })}
            />
          )}
        </div>

        {textType && (
          <>
            <h2>Prompt</h2>
            <Field
              id={f('prompt')}
              label="Prompts"
              help="Each sample continues a prompt; with several lines, samples take them in turn. Empty: the model starts from nothing."
            >
              {(d) => (
                <textarea
                  id={f('prompt')}
                  rows={3}
                  value={prompts[textType]}
                  onChange={(e) => setPrompts({ ...prompts, [textType]: e.target.value })}
                  aria-describedby={d}
                />
              )}
            </Field>
            <h2>Parameters</h2>
            <div className="grid-form">
              {TEXT_PARAMS.map((p) => (
                <Field
                  key={p.key}
                  id={f(p.key)}
                  label={p.label}
                  help={p.help}
                  error={errors[p.key]}
                >
                  {(d) => (
                    <input
                      id={f(p.key)}
                      type="number"
                      min={p.min}
                      max={p.max}
                      step={p.step}
                      value={values[textType][p.key]}
                      onChange={(e) =>
                        setValues({
                          ...values,
                          [textType]: { ...values[textType], [p.key]: e.target.value },
                        })
                      }
                      aria-invalid={!!errors[p.key]}
                      aria-describedby={d}
                    />
                  )}
                </Field>
              ))}
              <Field
                id={f('stop')}
                label="Stop strings"
                help="One per line (\n for a newline): a sample ends where one appears."
              >
                {(d) => (
                  <textarea
                    id={f('stop')}
                    rows={2}
                    value={stop}
                    onChange={(e) => setStop(e.target.value)}
                    aria-describedby={d}
                  />
                )}
              </Field>
              <Field
                id={f('seed')}
                label="Seed"
                help="Same seed and parameters give the same samples; empty for a random one."
                error={errors.seed}
              >
                {(d) => (
                  <input
                    id={f('seed')}
                    type="text"
                    inputMode="numeric"
                    value={seed}
                    onChange={(e) => setSeed(e.target.value)}
                    aria-invalid={!!errors.seed}
                    aria-describedby={d}
                  />
                )}
              </Field>
            </div>
          </>
        )}

        {type === 'table' && (
          <>
            <h2>Table</h2>
            <div className="field">
              <span className="label" id={f('mode-label')}>
                Source
              </span>
              <div className="segmented" role="group" aria-labelledby={f('mode-label')}>
                <button
                  type="button"
                  aria-pressed={mode === 'schema'}
                  onClick={() => setMode('schema')}
                >
                  Describe columns (schema)
                </button>
                <button
                  type="button"
                  aria-pressed={mode === 'learned'}
                  onClick={() => setMode('learned')}
                >
                  Learn from a CSV sample
                </button>
              </div>
            </div>
            {mode === 'schema' ? (
              <>
                <div className="row" style={{ marginTop: '0.75rem' }}>
                  <Field
                    id={f('template')}
                    label="Template"
                    help={TEMPLATES.find((t) => t.id === templateId)?.description}
                  >
                    {(d) => (
                      <select
                        id={f('template')}
                        value={templateId}
                        onChange={(e) => setTemplateId(e.target.value)}
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
                  <button
                    type="button"
                    onClick={() =>
                      setSchemaText(
                        templateText(TEMPLATES.find((t) => t.id === templateId) ?? TEMPLATES[0]),
                      )
                    }
                  >
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
                      value={schemaText}
                      onChange={(e) => setSchemaText(e.target.value)}
                      aria-invalid={schemaCheck.issues.length > 0}
                      aria-describedby={`${d ?? ''} ${f('schema-check')}`.trim()}
                    />
                  )}
                </Field>
                <div id={f('schema-check')} aria-live="polite" data-testid="schema-check">
                  {schemaCheck.issues.length === 0 ? (
                    <p className="muted">
                      ✓ Valid schema: {schemaCheck.tables.length} table
                      {schemaCheck.tables.length === 1 ? '' : 's'} ({schemaCheck.tables.join(', ')})
                    </p>
                  ) : (
                    <ul className="error-text">
                      {schemaCheck.issues.slice(0, 8).map((i, n) => (
                        <li key={n}>
                          <code>{i.path}</code>: {i.message}
                        </li>
                      ))}
                      {schemaCheck.issues.length > 8 && (
                        <li>…and {schemaCheck.issues.length - 8} more</li>
                      )}
                    </ul>
                  )}
                </div>
              </>
            ) : (
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
                        onChange={(e) => loadCsvFile(e.target.files?.[0])}
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
                      value={sampleCsv}
                      onChange={(e) => setSampleCsv(e.target.value)}
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
            )}
            <div className="grid-form" style={{ marginTop: '0.75rem' }}>
              <Field
                id={f('rows')}
                label="Rows"
                help={
                  mode === 'schema'
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
                    value={rows}
                    onChange={(e) => setRows(e.target.value)}
                    aria-invalid={!!errors.rows}
                    aria-describedby={d}
                  />
                )}
              </Field>
              <Field
                id={f('tseed')}
                label="Seed"
                help="Same seed gives the same rows; empty for a random one."
                error={errors.seed}
              >
                {(d) => (
                  <input
                    id={f('tseed')}
                    type="text"
                    inputMode="numeric"
                    value={seed}
                    onChange={(e) => setSeed(e.target.value)}
                    aria-invalid={!!errors.seed}
                    aria-describedby={d}
                  />
                )}
              </Field>
            </div>
          </>
        )}

        <ErrorBox error={submitError} />
        <div className="row" style={{ marginTop: '1rem' }}>
          <button type="submit" className="primary" disabled={submitting}>
            {submitting ? 'Starting…' : 'Generate'}
          </button>
        </div>
      </form>

      {job && <JobMonitor key={job.id} initial={job} onFinal={jobs.reload} />}

      <section className="panel" aria-labelledby={f('jobs')}>
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h2 id={f('jobs')} style={{ margin: 0 }}>
            Recent jobs
          </h2>
          <button type="button" onClick={jobs.reload}>
            Refresh
          </button>
        </div>
        <ErrorBox error={jobs.error} />
        {jobs.value && jobs.value.jobs.length === 0 && <p className="muted">No jobs yet.</p>}
        {jobs.value && jobs.value.jobs.length > 0 && (
          <div className="table-scroll">
            <table className="simple">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>State</th>
                  <th>Progress</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {jobs.value.jobs.slice(0, 20).map((j) => (
                  <tr key={j.id}>
                    <td>
                      {j.dataset_id ? (
                        <Link to={`/datasets/${encodeURIComponent(j.dataset_id)}`}>{j.name}</Link>
                      ) : (
                        j.name
                      )}
                    </td>
                    <td>{j.type}</td>
                    <td>
                      <span className={`badge ${j.state}`}>{j.state}</span>
                    </td>
                    <td>
                      {formatCount(j.progress?.items_done ?? 0)} /{' '}
                      {formatCount(j.progress?.items_total ?? 0)}
                    </td>
                    <td>{formatTime(j.created_at_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
