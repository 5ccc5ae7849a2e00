/**
 * Vite build for the web app: root is web/, output web/dist (served by the Worker's static
 * assets with SPA fallback). In dev, /v1 (REST and the live WebSocket) is proxied to a local
 * `wrangler dev` on 127.0.0.1:8787 so the UI talks to the real API on the same origin.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/v1': { target: 'http://127.0.0.1:8787', ws: true },
    },
  },
});
