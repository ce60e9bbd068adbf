// One dataset: its content (samples, code or a table grid), quality report charts, manifest,
// downloads, the user's star rating, regenerate and delete.
import { useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { backend } from '../api/current';
import type { DownloadFormat, Job } from '../api/types';
import { DataGrid } from '../components/DataGrid';
import { ErrorBox } from '../components/ErrorBox';
import { JobMonitor } from '../components/JobMonitor';
import { DownloadLink } from '../components/DownloadLink';
import { StarRating } from '../components/StarRating';
import { formatBytes, formatCount, formatDecimal, formatScore, formatTime } from '../lib/format';
import { Quality } from './dataset/Quality';
import { Samples } from './dataset/Samples';
import { useAsync } from '../lib/useAsync';
import { useAuthState } from '../lib/useAuth';

function formatsFor(type: string): DownloadFormat[] {
  return type === 'table' ? ['csv', 'json', 'jsonl'] : ['txt', 'jsonl', 'json', 'csv'];
}

export function DatasetPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const principal = useAuthState(backend.auth).principal;
  const ds = useAsync(() => backend.dataset(id), [id]);
  const mine = useAsync(() => backend.myRating(id), [id, principal]);
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
        const updated = await backend.rate(m.id, sending);
        if (st.want === null) {
          ds.setValue(updated);
          // What was sent is the user's rating now, also when signing in (which the IC asks for
          // first) reloaded the remembered one meanwhile.
          mine.setValue({ stars: sending });
        }
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
      await backend.deleteDataset(m.id);
      navigate('/library');
    } catch (e) {
      setActionError(e);
    }
  };
  const regenerate = async () => {
    try {
      setJob(await backend.regenerate(m.id));
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
            <DownloadLink
              key={f}
              datasetId={m.id}
              format={f}
              table={dataset.tables.length > 1 ? table?.name : undefined}
              onError={setActionError}
            >
              {f.toUpperCase()}
              {dataset.tables.length > 1 && table ? ` (${table.name})` : ''}
            </DownloadLink>
          ))}
          <span style={{ flex: 1 }} />
          <button
            type="button"
            onClick={regenerate}
            title="Make the same dataset again from its manifest (same seed: identical bytes)"
          >
            Regenerate
          </button>
          {backend.capabilities.deleteDataset && (
            <button type="button" className="danger" onClick={remove}>
              Delete
            </button>
          )}
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
