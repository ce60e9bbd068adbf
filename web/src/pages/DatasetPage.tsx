// One dataset: its content (samples, code or a table grid), quality report charts, manifest,
// downloads, the user's star rating, regenerate and delete.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import type { Cell, Dataset, DownloadFormat, Job } from '../api/types';
import { CodeBlock } from '../components/CodeBlock';
import { CorrelationCharts, DistributionChart, ScoreGauge } from '../components/Charts';
import { DataGrid } from '../components/DataGrid';
import { ErrorBox } from '../components/ErrorBox';
import { JobMonitor } from '../components/JobMonitor';
import { StarRating } from '../components/StarRating';
import { formatBytes, formatCount, formatDecimal, formatScore, formatTime } from '../lib/format';
import {
  columnScores,
  datetimeColumns,
  qualityCharts,
  qualityGauges,
  textStats,
} from '../lib/quality';
import { getUserId } from '../lib/storage';
import { useAsync } from '../lib/useAsync';

const SAMPLE_PAGE = 50;

function Samples({ dataset }: { dataset: Dataset }) {
  const table = dataset.tables[0];
  const [shown, setShown] = useState(SAMPLE_PAGE);
  const [rows, setRows] = useState<Cell[][]>([]);
  const [columns, setColumns] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const id = dataset.manifest.id;
  useEffect(() => {
    if (!table || rows.length >= Math.min(shown, table.rows)) return;
    let live = true;
    api.rows(id, table.name, rows.length, shown - rows.length).then(
      (p) => {
        if (!live) return;
        setColumns(p.columns);
        setRows((r) => r.concat(p.rows));
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, table, shown, rows.length]);
  if (!table) return <p className="muted">This dataset has no samples.</p>;
  const iPrompt = columns.indexOf('prompt');
  const iText = columns.indexOf('text');
  const code = dataset.manifest.type === 'code';
  return (
    <>
      <ErrorBox error={error} />
      <div className="samples" data-testid="samples">
        {rows.map((r, n) => {
          const prompt = iPrompt >= 0 ? String(r[iPrompt] ?? '') : '';
          const text = iText >= 0 ? String(r[iText] ?? '') : '';
          return (
            <article className="sample" key={n} aria-label={`Sample ${n + 1}`}>
              <span className="muted">Sample {n + 1}</span>
              {code ? (
                <CodeBlock code={text} label={`Sample ${n + 1}`} />
              ) : (
                // The text holds the whole sample, prompt included; the prompt part is shown bold.
                <pre>
                  {prompt && text.startsWith(prompt) ? (
                    <>
                      <span className="prompt">{prompt}</span>
                      {text.slice(prompt.length)}
                    </>
                  ) : (
                    text
                  )}
                </pre>
              )}
            </article>
          );
        })}
      </div>
      {rows.length < table.rows && (
        <button
          type="button"
          onClick={() => setShown((s) => s + SAMPLE_PAGE)}
          style={{ marginTop: '0.5rem' }}
        >
          Show more ({formatCount(table.rows - rows.length)} left)
        </button>
      )}
    </>
  );
}

function Quality({ dataset }: { dataset: Dataset }) {
  const m = dataset.manifest;
  const gauges = useMemo(() => qualityGauges(m.type, m.quality), [m]);
  const charts = useMemo(() => qualityCharts(m.quality), [m]);
  const stats = useMemo(() => textStats(m.quality), [m]);
  const scores = useMemo(() => columnScores(m.quality), [m]);
  const dates = useMemo(() => datetimeColumns(m), [m]);
  if (!m.quality) return <p className="muted">No quality report for this dataset.</p>;
  return (
    <>
      <div className="gauges">
        {gauges.map((g) => (
          <ScoreGauge key={g.label} label={g.label} score={g.score} />
        ))}
      </div>
      {stats.length > 0 && (
        <dl className="kv">
          {stats.map((s) => (
            <div key={s.label} style={{ display: 'contents' }}>
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {charts && charts.columns.length > 0 && (
        <>
          <h3>Column distributions</h3>
          <div className="charts">
            {charts.columns.map((c) => (
              <DistributionChart key={c.name} chart={c} dates={dates.has(c.name)} />
            ))}
          </div>
        </>
      )}
      {charts?.correlation && charts.correlation.columns.length > 1 && (
        <>
          <h3>Correlations</h3>
          <CorrelationCharts chart={charts.correlation} />
        </>
      )}
      {scores.length > 0 && (
        <details>
          <summary>Column shape scores</summary>
          <table className="simple">
            <thead>
              <tr>
                <th>Column</th>
                <th>Metric</th>
                <th>Score</th>
              </tr>
            </thead>
            <tbody>
              {scores.map((s) => (
                <tr key={s.column}>
                  <td>{s.column}</td>
                  <td>{s.metric}</td>
                  <td>{formatScore(s.score)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}

function formatsFor(type: string): DownloadFormat[] {
  return type === 'table' ? ['csv', 'json', 'jsonl'] : ['txt', 'jsonl', 'json', 'csv'];
}

export function DatasetPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const user = useMemo(() => getUserId(), []);
  const ds = useAsync(() => api.dataset(id), [id]);
  const mine = useAsync(() => api.myRating(id, user), [id, user]);
  const [tableName, setTableName] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const rating = useRef<{ inFlight: boolean; want: number | null }>({
    inFlight: false,
    want: null,
  });
  const [job, setJob] = useState<Job | null>(null);

  const dataset = ds.value;
  if (ds.error) {
    return (
      <>
        <h1>Dataset</h1>
        <ErrorBox error={ds.error} />
        <Link to="/library">Back to the library</Link>
      </>
    );
  }
  if (!dataset) return <p aria-live="polite">Loading…</p>;
  const m = dataset.manifest;
  const table = dataset.tables.find((t) => t.name === tableName) ?? dataset.tables[0];

  // Arrow keys in the radio group rate at every step. One request at a time, then the latest
  // choice if it changed meanwhile: parallel requests could reach the server out of order and
  // leave an older rating in place.
  const rate = async (stars: number) => {
    const st = rating.current;
    mine.setValue({ stars }); // shown at once; the server's answer follows
    setActionError(null);
    st.want = stars;
    if (st.inFlight) return;
    st.inFlight = true;
    try {
      while (st.want !== null) {
        const sending = st.want;
        st.want = null;
        const updated = await api.rate(m.id, user, sending);
        if (st.want === null) ds.setValue(updated);
      }
    } catch (e) {
      st.want = null;
      setActionError(e);
      mine.reload(); // show what the server kept
    } finally {
      st.inFlight = false;
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete the dataset "${m.name}"? This cannot be undone.`)) return;
    try {
      await api.deleteDataset(m.id);
      navigate('/library');
    } catch (e) {
      setActionError(e);
    }
  };
  const regenerate = async () => {
    try {
      setJob(await api.regenerate(m.id));
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <>
      <h1>{m.name}</h1>
      <section className="panel" aria-label="Summary">
        <div className="row" style={{ justifyContent: 'space-between', alignItems: 'flex-start' }}>
          <dl className="kv">
            <dt>Type</dt>
            <dd>{m.type}</dd>
            <dt>Model</dt>
            <dd>{m.model?.id || '—'}</dd>
            <dt>{m.type === 'table' ? 'Rows' : 'Samples'}</dt>
            <dd>{formatCount(m.item_count)}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(m.size_bytes)}</dd>
            <dt>Created</dt>
            <dd>{formatTime(m.created_at_ms)}</dd>
            <dt>Quality</dt>
            <dd>{formatScore(m.quality?.score)}</dd>
            <dt>Rating</dt>
            <dd data-testid="rating-summary">
              {dataset.ratings.count > 0
                ? `${formatDecimal(dataset.ratings.mean, 1)} ★ from ${dataset.ratings.count} rating${dataset.ratings.count === 1 ? '' : 's'}`
                : 'not rated yet'}
            </dd>
            <dt>Rank</dt>
            <dd>{formatDecimal(dataset.rank, 3)}</dd>
            {m.tags.length > 0 && (
              <>
                <dt>Tags</dt>
                <dd>{m.tags.join(', ')}</dd>
              </>
            )}
          </dl>
          <StarRating value={mine.value?.stars ?? null} onChange={rate} />
        </div>
        <h2>Download</h2>
        <div className="row">
          {formatsFor(m.type).map((f) => (
            <a
              key={f}
              className="button"
              href={api.downloadUrl(m.id, f, dataset.tables.length > 1 ? table?.name : undefined)}
              download
            >
              {f.toUpperCase()}
              {dataset.tables.length > 1 && table ? ` (${table.name})` : ''}
            </a>
          ))}
          <span style={{ flex: 1 }} />
          <button
            type="button"
            onClick={regenerate}
            title="Make the same dataset again from its manifest (same seed: identical bytes)"
          >
            Regenerate
          </button>
          <button type="button" className="danger" onClick={remove}>
            Delete
          </button>
        </div>
        <ErrorBox error={actionError} />
      </section>

      {job && <JobMonitor key={job.id} initial={job} />}

      <section className="panel" aria-labelledby="content-h">
        <h2 id="content-h" style={{ marginTop: 0 }}>
          {m.type === 'table' ? 'Rows' : 'Samples'}
        </h2>
        {m.type === 'table' ? (
          <>
            {dataset.tables.length > 1 && (
              <div className="tabs" role="group" aria-label="Tables">
                {dataset.tables.map((t) => (
                  <button
                    key={t.name}
                    type="button"
                    aria-pressed={t.name === table?.name}
                    onClick={() => setTableName(t.name)}
                  >
                    {t.name} ({formatCount(t.rows)})
                  </button>
                ))}
              </div>
            )}
            {table && <DataGrid key={table.name} datasetId={m.id} table={table} />}
          </>
        ) : (
          <Samples dataset={dataset} />
        )}
      </section>

      <section className="panel" aria-labelledby="quality-h">
        <h2 id="quality-h" style={{ marginTop: 0 }}>
          Quality
        </h2>
        <Quality dataset={dataset} />
      </section>

      <section className="panel" aria-labelledby="manifest-h">
        <h2 id="manifest-h" style={{ marginTop: 0 }}>
          Manifest
        </h2>
        <p className="muted">
          Everything needed to make this dataset again: model and its sha256, every parameter, the
          seed.
        </p>
        <details>
          <summary>Show the manifest JSON</summary>
          <pre className="code" tabIndex={0}>
            {JSON.stringify(m, null, 2)}
          </pre>
        </details>
      </section>
    </>
  );
}
