// The newest jobs with their state and progress; finished ones link to their dataset.
import { useId } from 'react';
import { Link } from 'react-router';
import type { Job } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { formatCount, formatTime } from '../../lib/format';

interface Props {
  jobs: Job[] | null;
  error: unknown;
  onRefresh: () => void;
}

export function RecentJobs({ jobs, error, onRefresh }: Props) {
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id={headingId} style={{ margin: 0 }}>
          Recent jobs
        </h2>
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      <ErrorBox error={error} />
      {jobs && jobs.length === 0 && <p className="muted">No jobs yet.</p>}
      {jobs && jobs.length > 0 && (
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
              {jobs.slice(0, 20).map((j) => (
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
  );
}
