/** Entry point: styles, router, session, and the app mounted on #app. */
import { render } from 'preact';
import { App } from './app.tsx';
import { startRouter } from './lib/router.ts';
import { startSession } from './state/session.ts';
import './styles.css';

startRouter();
startSession();
render(<App />, document.getElementById('app')!);
