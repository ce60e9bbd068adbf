// Live status of one job: state, progress bar, the text being written (text and code), Cancel, and
// a link to the dataset once it succeeded. Follows the job through the backend: the studio's SSE
// stream (polling the job if it breaks), or the IC's job_events polled once a second.
import { useEffect, useReducer, useState } from 'react';
import { Link } from 'react-router';
import { backend } from '../api/current';
import type { JobEvent } from '../api/sse';
import type { Job } from '../api/types';
import { applyJobEvent, EMPTY_LIVE, isFinal, type LiveJob } from '../lib/jobState';
import { formatCount, formatDuration } from '../lib/format';
import { ErrorBox } from './ErrorBox';
import { ProgressBar } from './ProgressBar';

// Samples shown while they are written: re-rendering hundreds on every token would stall the page.
const LIVE_SAMPLES = 6;

type Action = JobEvent | { type: 'reset'; job: Job };

function reducer(s: LiveJob, a: Action): LiveJob {
  if (a.type === 'reset') return { ...EMPTY_LIVE, job: a.job, progress: a.job.progress };
  return applyJobEvent(s, a);
}

// The parent keys it by job id, so a new job starts with fresh state.
export function JobMonitor({ initial, onFinal }: { initial: Job; onFinal?: (job: Job) => void }) {
  const [live, dispatch] = useReducer(reducer, {
    ...EMPTY_LIVE,
    job: initial,
    progress: initial.progress,
  });
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const id = initial.id;

  // Bumped by Retry: the job keeps its id, and its stream is followed again.
  const [round, setRound] = useState(0);

  useEffect(() => {
    const ctl = new AbortController();
    backend.followJob(id, dispatch, ctl.signal).catch((e) => {
      if (!ctl.signal.aborted) setError(e);
    });
    return () => ctl.abort();
  }, [id, round]);

  const job = live.job ?? initial;
  const finalState = isFinal(job) ? job.state : null;
  useEffect(() => {
    if (finalState) onFinal?.(job);
    // Once per final state; `job` and `onFinal` change identity on every event.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finalState]);
  const p = live.progress;
  const final = isFinal(job);
  const cancel = async () => {
    setCancelling(true);
    try {
      dispatch({ type: 'job', job: await backend.cancelJob(id) });
    } catch (e) {
      setError(e);
    } finally {
      setCancelling(false);
    }
  };
  const unit = job.type === 'table' ? 'rows' : 'samples';
  const elapsed = (job.finished_at_ms || Date.now()) - (job.started_at_ms || job.created_at_ms);
  const barState = job.state === 'succeeded' ? 'done' : final ? 'failed' : 'running';

  return (
    <section
      className="panel"
      aria-labelledby={`job-${id}`}
      data-testid="job-monitor"
      data-job-id={id}
      data-state={job.state}
    >
      <h2 id={`job-${id}`}>
        {job.name} <span className={`badge ${job.state}`}>{job.state}</span>
      </h2>
      <ProgressBar
        done={p.items_done}
        total={p.items_total}
        label={`Progress of ${job.name}`}
        state={barState}
      />
      <p className="muted" aria-live="polite">
        {formatCount(p.items_done)} of {formatCount(p.items_total)} {unit}
        {job.type !== 'table' && ` · ${formatCount(p.tokens_done)} tokens`}
        {job.started_at_ms ? ` · ${formatDuration(elapsed)}` : ''}
      </p>
      {job.error && (
        <div className="error-box" role="alert">
          {job.error}
        </div>
      )}
      <ErrorBox error={error} />
      <div className="row">
        {!final && (
          <button type="button" className="danger" onClick={cancel} disabled={cancelling}>
            Cancel
          </button>
        )}
        {job.state === 'succeeded' && job.dataset_id && (
          <Link className="button primary" to={`/datasets/${encodeURIComponent(job.dataset_id)}`}>
            Open dataset
          </Link>
        )}
        {(job.state === 'failed' || job.state === 'interrupted' || job.state === 'cancelled') && (
          <button
            type="button"
            onClick={() =>
              backend.retryJob(id).then((j) => {
                dispatch({ type: 'reset', job: j });
                setRound((r) => r + 1);
              }, setError)
            }
          >
            Retry
          </button>
        )}
      </div>
      {live.texts.length > 0 && (
        <div className="live" aria-label="Text as it is written" data-testid="live-text">
          {live.texts.length > LIVE_SAMPLES && (
            <p className="muted">
              The last {LIVE_SAMPLES} of {formatCount(live.texts.length)} samples; open the dataset
              for all of them.
            </p>
          )}
          {live.texts.slice(-LIVE_SAMPLES).map((t, i, shown) => {
            const n = live.texts.length - shown.length + i;
            return (
              <div className="sample" key={n}>
                <span className="muted">Sample {n + 1}</span>
                <pre>{t}</pre>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
