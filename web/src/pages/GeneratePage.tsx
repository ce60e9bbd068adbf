// Generate: choose a data type, a model and parameters (or a table schema / CSV sample), start a
// job and watch it run. The data type lives in the URL (?type=code) so it can be linked to.
import { useEffect, useId, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { backend } from '../api/current';
import type { DataType, Job } from '../api/types';
import { ErrorBox } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { JobMonitor } from '../components/JobMonitor';
import { buildTableJob, buildTextJob, type FieldErrors } from '../lib/params';
import { checkSchemaText } from '../lib/schemaCheck';
import { useAsync } from '../lib/useAsync';
import { RecentJobs } from './generate/RecentJobs';
import { initialTableState, TableFields, type TableState } from './generate/TableFields';
import { initialTextState, ModelFields, TextFields, type TextState } from './generate/TextFields';

const TYPES: { id: DataType; label: string; help: string }[] = [
  { id: 'text', label: 'Text', help: 'Free text written by a language model from your prompt.' },
  { id: 'code', label: 'Code', help: 'Python code written by the code model.' },
  {
    id: 'table',
    label: 'Table',
    help: 'Rows from a schema you describe, or learned from a CSV sample.',
  },
];

export function GeneratePage() {
  const uid = useId();
  const f = (k: string) => `${uid}-${k}`;
  const [search, setSearch] = useSearchParams();
  const type = TYPES.find((t) => t.id === search.get('type'))?.id ?? 'text';
  const setType = (t: DataType) => setSearch({ type: t }, { replace: true });

  const models = useAsync(() => backend.models(), []);
  const jobs = useAsync(() => backend.jobs(), []);

  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  // Each data type keeps its own form, so switching back and forth loses nothing.
  const [text, setText] = useState({
    text: initialTextState('text'),
    code: initialTextState('code'),
  });
  const [table, setTable] = useState<TableState>(initialTableState);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [job, setJob] = useState<Job | null>(null);

  const schemaCheck = useMemo(() => checkSchemaText(table.schemaText), [table.schemaText]);
  useEffect(() => setErrors({}), [type, table.mode]);

  const textType = type === 'table' ? null : type;
  const patchText = (patch: Partial<TextState>) =>
    textType && setText((s) => ({ ...s, [textType]: { ...s[textType], ...patch } }));
  const patchTable = (patch: Partial<TableState>) => setTable((s) => ({ ...s, ...patch }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitError(null);
    const built = textType
      ? buildTextJob({ type: textType, name, tags, ...text[textType] })
      : buildTableJob({
          name,
          tags,
          ...table,
          schemaValue: schemaCheck.issues.length === 0 ? schemaCheck.value : null,
        });
    setErrors(built.errors);
    if (!built.request) return;
    setSubmitting(true);
    try {
      setJob(await backend.createJob(built.request));
      jobs.reload();
    } catch (err) {
      setSubmitError(err);
    } finally {
      setSubmitting(false);
    }
  };

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
            <ModelFields
              idPrefix={f(textType)}
              type={textType}
              models={models.value}
              state={text[textType]}
              onChange={patchText}
            />
          )}
        </div>

        {textType ? (
          <TextFields
            idPrefix={f(textType)}
            type={textType}
            models={models.value}
            state={text[textType]}
            onChange={patchText}
            errors={errors}
          />
        ) : (
          <TableFields
            idPrefix={f('table')}
            state={table}
            onChange={patchTable}
            schemaCheck={schemaCheck}
            errors={errors}
          />
        )}

        <ErrorBox error={submitError} />
        <div className="row" style={{ marginTop: '1rem' }}>
          <button type="submit" className="primary" disabled={submitting}>
            {submitting ? 'Starting…' : 'Generate'}
          </button>
        </div>
      </form>

      {job && <JobMonitor key={job.id} initial={job} onFinal={jobs.reload} />}

      <RecentJobs jobs={jobs.value?.jobs ?? null} error={jobs.error} onRefresh={jobs.reload} />
    </>
  );
}
