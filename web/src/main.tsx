/** Entry point: styles, theme, router, session, and the app mounted on #app. */
import { render } from 'preact';
import { App } from './app.tsx';
import { startRouter } from './lib/router.ts';
import { startTheme } from './lib/theme.ts';
import { startSession } from './state/session.ts';
import './styles.css';

startTheme();
startRouter();
startSession();
render(<App />, document.getElementById('app')!);
