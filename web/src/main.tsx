import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initBackend } from './api/current';
import { adoptTokenFromLocation } from './lib/storage';
import './styles.css';

adoptTokenFromLocation();

const root = document.getElementById('root') as HTMLElement;
initBackend().then(
  () =>
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  (e: unknown) => {
    root.textContent = `Hyv could not start: ${e instanceof Error ? e.message : String(e)}`;
  },
);
