// Models: the bundled and uploaded language models, the default per data type, deleting, and
// uploading a Hugging Face model folder (hashed in the browser, sent in resumable 2 MiB chunks).
import { useState } from 'react';
import { backend } from '../api/current';
import { ErrorBox } from '../components/ErrorBox';
import { useAsync } from '../lib/useAsync';
import { ModelCard } from './models/ModelCard';
import { UploadForm } from './models/UploadForm';

export function ModelsPage() {
  const list = useAsync(() => backend.models(), []);
  const [error, setError] = useState<unknown>(null);
  const changed = (e?: unknown) => {
    setError(e ?? null);
    list.reload();
  };
  const defaults = list.value?.defaults ?? {};
  return (
    <>
      <h1>Models</h1>
      {backend.kind === 'ic' && (
        <p className="notice" data-testid="ic-models-notice">
          The generator&apos;s catalog on the Internet Computer: each model with the engines that
          hold it. Choosing the default model and deleting models are not available here.
        </p>
      )}
      <ErrorBox error={list.error ?? error} />
      {list.loading && !list.value && <p aria-live="polite">Loading…</p>}
      <ul className="cards" style={{ listStyle: 'none', padding: 0 }} data-testid="model-list">
        {(list.value?.models ?? []).map((m) => (
          <ModelCard
            key={m.id}
            model={m}
            isDefault={defaults[m.data_type] === m.id}
            onChanged={changed}
          />
        ))}
      </ul>
      <UploadForm onUploaded={() => list.reload()} />
    </>
  );
}
