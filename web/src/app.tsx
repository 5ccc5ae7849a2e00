/**
 * The shell: auth gate (setup / sign in / app), top bar with navigation, theme and shortcut help,
 * the task sidebar (behind a "Tasks" button on a narrow screen) and the routed page — preact-iso's
 * `LocationProvider` + `Router` over the table in lib/router.ts. The pages are in the initial JS
 * (their big parts are lazy chunks); opening a task starts the diff viewer's chunk at once.
 */
import { useEffect } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation, useRoute } from 'preact-iso';
import { errorMessage } from './lib/api.ts';
import { ROUTES } from './lib/router.ts';
import { loadSession, session, signOut } from './state/session.ts';
import { helpOpen, sidebarOpen } from './state/shell.ts';
import { AppShortcuts } from './components/app-shortcuts.tsx';
import { Link } from './components/link.tsx';
import { ShortcutHelp } from './components/shortcut-help.tsx';
import { TaskList } from './components/task-list.tsx';
import { ThemeToggle } from './components/theme-toggle.tsx';
import { Loading } from './components/ui.tsx';
import { AuthPage } from './pages/auth-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import { NewTaskPage } from './pages/new-task-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { TaskPage } from './pages/task-page.tsx';

export function App() {
  return <LocationProvider><Shell /></LocationProvider>;
}

function Shell() {
  const { path } = useLocation();
  const s = session.value;
  if (s.kind === 'loading') return <main class="auth" id="main"><Loading what="Starting dursor…" /></main>;
  if (s.kind === 'error') {
    return (
      <main class="auth" id="main">
        <div class="card auth-card" role="alert">
          <h1>dursor is not reachable</h1>
          <p>{s.message}</p>
          <button type="button" onClick={() => void loadSession()}>Try again</button>
        </div>
      </main>
    );
  }
  if (s.kind === 'setup') return <AuthPage mode="setup" />;
  if (s.kind === 'signed-out') return <AuthPage mode="signin" notice={s.notice} />;

  const open = sidebarOpen.value;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">Skip to content</a>
      <AppShortcuts />
      <header class="topbar">
        <button type="button" class="secondary small menu-button" aria-expanded={open} aria-controls="task-sidebar"
          onClick={() => { sidebarOpen.value = !open; }}>Tasks</button>
        <Link href="/" class="brand">dursor</Link>
        <nav class="main-nav" aria-label="Main">
          <Link href="/tasks/new" navLink>New task</Link>
          <Link href="/settings" current={path === '/settings' || path.startsWith('/settings/')}>Settings</Link>
        </nav>
        <div class="account">
          <span class="user-email" data-testid="user-email">{s.user.email}</span>
          <button type="button" class="secondary small icon-button help-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"
            onClick={() => { helpOpen.value = true; }}><span aria-hidden="true">?</span></button>
          <ThemeToggle />
          <SignOutButton />
        </div>
      </header>
      <div class="layout">
        <aside id="task-sidebar" class={`sidebar${open ? ' open' : ''}`}><TaskList /></aside>
        <main id="main" class="content" tabIndex={-1}>
          <Router>
            <Route path={ROUTES.home} component={HomePage} />
            <Route path={ROUTES.settings} component={SettingsPage} />
            <Route path={ROUTES.newTask} component={NewTaskPage} />
            <Route path={ROUTES.task} component={TaskRoute} />
            <Route default component={NotFound} />
          </Router>
        </main>
      </div>
      <ShortcutHelp />
      <CloseSidebarOnNavigate />
    </div>
  );
}

/** On a phone the sidebar covers the page; following a link in it (or anywhere) closes it. */
function CloseSidebarOnNavigate() {
  const { path } = useLocation();
  useEffect(() => {
    sidebarOpen.value = false;
  }, [path]);
  return null;
}

/** One TaskPage (and so one TaskStore and live socket) per task: another task's address remounts it. */
function TaskRoute() {
  const { id } = useRoute().params;
  return <TaskPage key={id} id={id!} />;
}

function NotFound() {
  const { path } = useLocation();
  return (
    <div class="page">
      <h1>Page not found</h1>
      <p>Nothing lives at <code>{path}</code>. <Link href="/">Go to the start page</Link>.</p>
    </div>
  );
}

function SignOutButton() {
  const onClick = () => {
    signOut().catch((err: unknown) => console.warn('sign out:', errorMessage(err)));
  };
  return <button type="button" class="secondary small" onClick={onClick}>Sign out</button>;
}
