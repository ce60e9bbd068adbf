// Library: every dataset, best rank first (the server's order), with search and filters kept in
// the URL so a filtered view can be bookmarked.
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { backend } from '../api/current';
import type { DataType } from '../api/types';
import { ErrorBox } from '../components/ErrorBox';
import { formatBytes, formatCount, formatDecimal, formatScore, formatTime } from '../lib/format';
import { useAsync } from '../lib/useAsync';

const QUALITY_STEPS = [0, 0.5, 0.6, 0.7, 0.8, 0.9];

export function LibraryPage() {
  const uid = useId();
  const [params, setParams] = useSearchParams();
  const type = (params.get('type') ?? '') as DataType | '';
  const model = params.get('model') ?? '';
  const minQuality = Number(params.get('min_quality') ?? 0) || 0;
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);

  // From the latest parameters: the debounced search must not undo a filter chosen meanwhile.
  const latest = useRef(params);
  latest.current = params;
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(latest.current);
    if (value) next.set(key, value);
    else next.delete(key);
    latest.current = next;
    setParams(next, { replace: true });
  };

  // Searching as the user types, a moment after the last key.
  useEffect(() => {
    if (search === q) return;
    const t = setTimeout(() => update('q', search.trim()), 250);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  const models = useAsync(() => backend.models(), []);
  const list = useAsync(
    () => backend.datasets({ type, model, q, min_quality: minQuality > 0 ? minQuality : null }),
    [type, model, q, minQuality],
  );
  const datasets = list.value?.datasets ?? [];

  // Registered models, plus the generators of table datasets ("schema", learned models) and
  // models since deleted, as they appear in listings.
  const [seenModels, setSeenModels] = useState<string[]>([]);
  useEffect(() => {
    const ids = datasets.map((d) => d.manifest.model?.id).filter((id): id is string => !!id);
    setSeenModels((prev) =>
      ids.every((id) => prev.includes(id)) ? prev : [...new Set([...prev, ...ids])],
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [list.value]);
  const registered = models.value?.models ?? [];
  const modelChoices = [
    ...registered.map((m) => ({ id: m.id, label: m.name || m.id })),
    ...seenModels
      .filter((id) => !registered.some((m) => m.id === id))
      .map((id) => ({ id, label: id })),
  ];
  if (model && !modelChoices.some((m) => m.id === model))
    modelChoices.push({ id: model, label: model });

  return (
    <>
      <h1>Library</h1>
      <form
        className="panel grid-form"
        role="search"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Filter datasets"
      >
        <div className="field">
          <label htmlFor={`${uid}-q`}>Search</label>
          <input
            id={`${uid}-q`}
            type="search"
            value={search}
            placeholder="Name contains…"
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-type`}>Type</label>
          <select id={`${uid}-type`} value={type} onChange={(e) => update('type', e.target.value)}>
            <option value="">All types</option>
            <option value="text">Text</option>
            <option value="code">Code</option>
            <option value="table">Table</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-model`}>Model</label>
          <select
            id={`${uid}-model`}
            value={model}
            onChange={(e) => update('model', e.target.value)}
          >
            <option value="">All models</option>
            {modelChoices.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-quality`}>Minimum quality</label>
          <select
            id={`${uid}-quality`}
            value={minQuality}
            onChange={(e) => update('min_quality', e.target.value === '0' ? '' : e.target.value)}
          >
            {QUALITY_STEPS.map((v) => (
              <option key={v} value={v}>
                {v === 0 ? 'Any' : `${Math.round(v * 100)}% or more`}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorBox error={list.error} />
      <p className="muted" aria-live="polite">
        {list.loading
          ? 'Loading…'
          : `${formatCount(datasets.length)} dataset${datasets.length === 1 ? '' : 's'}, best ranked first`}
      </p>
      {!list.loading && datasets.length === 0 && (
        <p>
          No datasets{q || type || model || minQuality ? ' match these filters' : ' yet'}.{' '}
          <Link to="/">Generate one</Link>.
        </p>
      )}
      <ol className="cards" style={{ listStyle: 'none', padding: 0 }} data-testid="library-list">
        {datasets.map((d, i) => {
          const m = d.manifest;
          return (
            <li className="card" key={m.id} data-dataset-id={m.id}>
              <div>
                <h3>
                  <span className="muted">{i + 1}. </span>
                  <Link to={`/datasets/${encodeURIComponent(m.id)}`}>{m.name}</Link>
                </h3>
                <div className="meta">
                  <span className="badge">{m.type}</span>
                  {m.model?.id && <span>{m.model.id}</span>}
                  <span>
                    {formatCount(m.item_count)} {m.type === 'table' ? 'rows' : 'samples'}
                  </span>
                  <span>{formatBytes(m.size_bytes)}</span>
                  <span>{formatTime(m.created_at_ms)}</span>
                  {m.tags.map((t) => (
                    <span key={t} className="badge">
                      {t}
                    </span>
                  ))}
                </div>
              </div>
              <div className="side">
                <div>Quality {formatScore(m.quality?.score)}</div>
                <div>
                  {d.ratings.count > 0
                    ? `${formatDecimal(d.ratings.mean, 1)} ★ (${d.ratings.count})`
                    : 'no ratings'}
                </div>
                <div className="muted">rank {formatDecimal(d.rank, 3)}</div>
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}
