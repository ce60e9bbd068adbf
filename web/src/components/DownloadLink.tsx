// A dataset download. Where the backend has a URL for it (the studio), a plain link the browser
// follows; otherwise (the IC) a link that assembles the file from its pages in the page, then
// hands it to the browser as a download under the studio's file name.
import { useState, type ReactNode } from 'react';
import { backend } from '../api/current';
import type { DownloadFormat } from '../api/types';

interface Props {
  datasetId: string;
  format: DownloadFormat;
  table?: string;
  onError: (e: unknown) => void;
  children: ReactNode;
}

export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function DownloadLink({ datasetId, format, table, onError, children }: Props) {
  const [busy, setBusy] = useState(false);
  const url = backend.downloadUrl(datasetId, format, table);
  if (url !== null) {
    return (
      <a className="button" href={url} download>
        {children}
      </a>
    );
  }
  const start = async (e: React.MouseEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    onError(null);
    try {
      const file = await backend.download(datasetId, format, table);
      saveBlob(file.name, file.blob);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <a
      className="button"
      href={`#download-${format}`}
      onClick={start}
      aria-busy={busy}
      data-testid={`download-${format}`}
      title={busy ? 'Reading the dataset’s pages…' : undefined}
    >
      {children}
    </a>
  );
}
