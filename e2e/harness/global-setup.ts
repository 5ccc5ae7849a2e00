/** The e2e suite's global setup: the web app built once, so `wrangler dev` serves the real UI. */
import { buildWeb } from '../../testkit/src/stack/build-web.ts';

export default function setup(): void {
  buildWeb();
}
