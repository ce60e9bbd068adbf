// One model: its metadata, files and checksums, Make default and Delete.
import { useState } from 'react';
import { backend } from '../../api/current';
import type { Model } from '../../api/types';
import { formatBytes, formatCount, formatTime } from '../../lib/format';

export function ModelCard({
  model,
  isDefault,
  onChanged,
}: {
  model: Model;
  isDefault: boolean;
  onChanged: (e?: unknown) => void;
}) {
  const [busy, setBusy] = useState(false);
  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await f();
      onChanged();
    } catch (e) {
      onChanged(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = () => {
    if (window.confirm(`Delete the model "${model.name || model.id}"?`))
      act(() => backend.deleteModel(model.id));
  };
  return (
    <li className="card" data-model-id={model.id}>
      <div>
        <h3>
          {model.name || model.id}{' '}
          {isDefault && <span className="badge succeeded">default for {model.data_type}</span>}{' '}
          {model.bundled && <span className="badge">bundled</span>}
        </h3>
        <div className="meta">
          <span>{model.id}</span>
          <span>{model.data_type}</span>
          <span>{model.architecture}</span>
          <span>{formatCount(model.parameter_count, true)} parameters</span>
          <span>{formatBytes(model.size_bytes)}</span>
          {model.license && <span>license: {model.license}</span>}
        </div>
        {model.description && <p style={{ margin: '0.3rem 0' }}>{model.description}</p>}
        <details>
          <summary>Files and checksums</summary>
          <div className="table-scroll">
            <table className="simple">
              <thead>
                <tr>
                  <th>File</th>
                  <th>Size</th>
                  <th>sha256</th>
                </tr>
              </thead>
              <tbody>
                {(model.files ?? []).map((f) => (
                  <tr key={f.name}>
                    <td>{f.name}</td>
                    <td>{formatBytes(f.size)}</td>
                    <td className="mono">{f.sha256}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {model.created_at_ms > 0 && (
            <p className="muted">Added {formatTime(model.created_at_ms)}</p>
          )}
        </details>
      </div>
      <div className="side row" style={{ alignItems: 'flex-start' }}>
        {!isDefault && backend.capabilities.setDefaultModel && (
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => backend.setDefaultModel(model.data_type, model.id))}
          >
            Make default
          </button>
        )}
        {!model.bundled && backend.capabilities.deleteModel && (
          <button
            type="button"
            className="danger"
            disabled={busy || isDefault}
            onClick={remove}
            title={isDefault ? 'Choose another default first' : undefined}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  );
}
