/**
 * GitHub's app-manifest flow: dursor describes the app it needs (permissions, events, webhook
 * and redirect URLs on this deployment), the browser posts that manifest to GitHub, the user
 * confirms there, and GitHub redirects back with a one-time code that dursor exchanges for the
 * app's id, private key and webhook secret (`POST /app-manifests/{code}/conversions`).
 */
import type { Endpoints } from './connection.ts';
import { anonymousKit } from './client.ts';

export const APP_PERMISSIONS = {
  contents: 'write', pull_requests: 'write', issues: 'write', checks: 'read', statuses: 'read', metadata: 'read',
} as const;
export const APP_EVENTS = ['issue_comment', 'pull_request', 'pull_request_review_comment', 'check_run', 'status'] as const;

export function manifestFor(origin: string, host: string) {
  return {
    name: `dursor ${host}`.slice(0, 34),
    url: origin,
    hook_attributes: { url: `${origin}/v1/github/webhook`, active: true },
    redirect_url: `${origin}/v1/github/manifest/callback`,
    setup_url: `${origin}/settings?github=installed`,
    setup_on_update: true,
    public: false,
    default_permissions: APP_PERMISSIONS,
    default_events: APP_EVENTS,
  };
}

export function manifestPostUrl(where: Endpoints, state: string, org?: string): string {
  const path = org ? `/organizations/${encodeURIComponent(org)}/settings/apps/new` : '/settings/apps/new';
  return `${where.webUrl}${path}?state=${encodeURIComponent(state)}`;
}

export interface ConvertedApp {
  id: number;
  slug: string;
  pem: string;
  webhook_secret: string | null;
  client_secret: string;
  owner?: { login?: string } | null;
}

export async function convertManifestCode(apiBaseUrl: string, code: string): Promise<ConvertedApp> {
  const res = await anonymousKit(apiBaseUrl).request('POST /app-manifests/{code}/conversions', { code });
  return res.data as unknown as ConvertedApp;
}
