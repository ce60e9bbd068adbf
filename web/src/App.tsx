import { useEffect, useRef } from 'react';
import { BrowserRouter, Link, NavLink, Route, Routes, useLocation, useParams } from 'react-router';
import { backend } from './api/current';
import { SignIn } from './components/SignIn';
import { DatasetPage } from './pages/DatasetPage';
import { GeneratePage } from './pages/GeneratePage';
import { LibraryPage } from './pages/LibraryPage';
import { ModelsPage } from './pages/ModelsPage';
import { getToken } from './lib/storage';
import { useAsync } from './lib/useAsync';

function Header() {
  const status = useAsync(() => backend.status(), []);
  const token = backend.kind === 'rest' ? getToken() : null;
  const unreachable = backend.kind === 'ic' ? 'canisters unreachable' : 'server unreachable';
  return (
    <header className="top">
      <Link className="brand" to="/">
        Hyv Studio
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <NavLink to="/" end>
              Generate
            </NavLink>
          </li>
          <li>
            <NavLink to="/library">Library</NavLink>
          </li>
          <li>
            <NavLink to="/models">Models</NavLink>
          </li>
        </ul>
      </nav>
      <span className="status" aria-live="polite">
        {status.error ? unreachable : (status.value ?? '')}
        {token ? ' · signed in' : ''}
      </span>
      {backend.auth && <SignIn auth={backend.auth} />}
    </header>
  );
}

// Moves focus to the page's heading after navigation, so keyboard and screen-reader users land on
// the new page instead of the link they left.
function FocusOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = document.querySelector('main h1') as HTMLElement | null;
    if (h1) {
      h1.tabIndex = -1;
      h1.focus({ preventScroll: false });
    }
  }, [pathname]);
  return null;
}

// A fresh page per dataset, so nothing of the previous one (its rows, a regenerate job) lingers
// while the next one loads.
function DatasetRoute() {
  const { id = '' } = useParams();
  return <DatasetPage key={id} />;
}

function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page here. <Link to="/">Generate a dataset</Link> or open the{' '}
        <Link to="/library">library</Link>.
      </p>
    </>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <FocusOnNavigate />
      <main id="main">
        <Routes>
          <Route path="/" element={<GeneratePage />} />
          <Route path="/library" element={<LibraryPage />} />
          <Route path="/models" element={<ModelsPage />} />
          <Route path="/datasets/:id" element={<DatasetRoute />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </BrowserRouter>
  );
}
