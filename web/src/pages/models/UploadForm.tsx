// Uploading a Hugging Face model folder: metadata, file selection, progress, Stop.
import { useId, useMemo, useRef, useState } from 'react';
import { backend } from '../../api/current';
import type { Model } from '../../api/types';
import { ErrorBox } from '../../components/ErrorBox';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes } from '../../lib/format';
import { selectModelFiles, type UploadProgress } from '../../lib/upload';

export function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const uid = useId();
  const [files, setFiles] = useState<File[]>([]);
  const [modelId, setModelId] = useState('');
  const [name, setName] = useState('');
  const [dataType, setDataType] = useState<'text' | 'code'>('text');
  const [license, setLicense] = useState('');
  const [description, setDescription] = useState('');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Model | null>(null);
  const abort = useRef<AbortController | null>(null);
  const selection = useMemo(() => selectModelFiles(files), [files]);
  const idOk = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(modelId);
  const busy = progress !== null && progress.phase !== 'done';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!idOk || selection.missing.length) return;
    abort.current = new AbortController();
    try {
      const model = await backend.uploadModel(
        { model_id: modelId, name: name || modelId, data_type: dataType, license, description },
        selection.accepted,
        setProgress,
        abort.current.signal,
      );
      setDone(model);
      setFiles([]);
      onUploaded();
    } catch (err) {
      setError(err);
      setProgress(null);
    }
  };

  const phaseText: Record<UploadProgress['phase'], string> = {
    hashing: 'Computing checksums',
    uploading: 'Uploading',
    finishing: 'Checking and loading the model',
    done: 'Done',
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`} style={{ marginTop: 0 }}>
        Upload a model
      </h2>
      <p className="muted">
        A GPT-2 model folder in Hugging Face form: config.json, model.safetensors and a tokenizer
        (tokenizer.json, or vocab.json and merges.txt).
      </p>
      {backend.kind === 'ic' && (
        <p className="notice" data-testid="ic-upload-notice">
          On the Internet Computer the files go to every engine of the generator&apos;s pool, which
          then loads the model with 8-bit weights (q8) and adds it to the catalog. Uploading needs a
          controller or an authorised uploader of the engines, loading and cataloguing a controller
          of the generator; you are asked to sign in first.
        </p>
      )}
      <div className="grid-form">
        <div className="field">
          <label htmlFor={`${uid}-files`}>Files</label>
          <input
            id={`${uid}-files`}
            type="file"
            multiple
            onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
            aria-describedby={`${uid}-files-help`}
          />
          <span className="help" id={`${uid}-files-help`}>
            Select every file of the folder.
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-folder`}>…or a whole folder</label>
          <input
            id={`${uid}-folder`}
            type="file"
            // Chromium, Firefox and Safari all take a folder with this (non-standard) attribute.
            {...{ webkitdirectory: '' }}
            onChange={(e) => {
              const picked = Array.from(e.target.files ?? []);
              // Only the folder's own files: a nested folder's config.json is not this model's.
              setFiles(picked.filter((f) => f.webkitRelativePath.split('/').length <= 2));
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-id`}>Model id</label>
          <input
            id={`${uid}-id`}
            type="text"
            value={modelId}
            onChange={(e) => setModelId(e.target.value)}
            aria-invalid={modelId !== '' && !idOk}
            aria-describedby={`${uid}-id-help`}
          />
          <span className="help" id={`${uid}-id-help`}>
            Letters, digits, . _ - (up to 64).
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-name`}>Name</label>
          <input
            id={`${uid}-name`}
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-type`}>Data type</label>
          <select
            id={`${uid}-type`}
            value={dataType}
            onChange={(e) => setDataType(e.target.value as 'text' | 'code')}
          >
            <option value="text">Text</option>
            <option value="code">Code</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${uid}-license`}>License</label>
          <input
            id={`${uid}-license`}
            type="text"
            value={license}
            onChange={(e) => setLicense(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-desc`}>Description</label>
          <input
            id={`${uid}-desc`}
            type="text"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
      </div>
      {files.length > 0 && (
        <ul className="muted">
          {selection.accepted.map((f) => (
            <li key={f.name}>
              {f.name} — {formatBytes(f.size)}
            </li>
          ))}
          {selection.ignored.length > 0 && (
            <li>Ignored (not part of a model folder): {selection.ignored.join(', ')}</li>
          )}
        </ul>
      )}
      {files.length > 0 && selection.missing.length > 0 && (
        <p className="error-text">Missing: {selection.missing.join(', ')}</p>
      )}
      {progress && (
        <div aria-live="polite" data-testid="upload-progress">
          <p>
            {phaseText[progress.phase]}
            {progress.file ? ` (${progress.file})` : ''}: {formatBytes(progress.bytesDone)} of{' '}
            {formatBytes(progress.bytesTotal)}
          </p>
          <ProgressBar
            done={progress.bytesDone}
            total={progress.bytesTotal}
            label="Upload progress"
            state={progress.phase === 'done' ? 'done' : 'running'}
          />
        </div>
      )}
      <ErrorBox error={error} />
      {done && (
        <p className="notice" role="status">
          Model {done.id} is ready.
        </p>
      )}
      <div className="row" style={{ marginTop: '0.75rem' }}>
        <button
          type="submit"
          className="primary"
          disabled={busy || !idOk || files.length === 0 || selection.missing.length > 0}
        >
          Upload
        </button>
        {busy && (
          <button type="button" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        )}
      </div>
    </form>
  );
}
