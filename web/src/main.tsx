/** Entry point: styles, theme, session, and the app (with its router) mounted on #app. */
import { render } from 'preact';
import { App } from './app.tsx';
import { startTheme } from './lib/theme.ts';
import { startSession } from './state/session.ts';
import './styles.css';

startTheme();
startSession();
render(<App />, document.getElementById('app')!);
