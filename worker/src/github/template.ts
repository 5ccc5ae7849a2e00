/** The repository's pull request template, where GitHub looks for one (first found wins). */
import { ownerRepo, type Kit } from './client.ts';
import { githubStatus } from './errors.ts';

export const TEMPLATE_PATHS = [
  '.github/pull_request_template.md', '.github/PULL_REQUEST_TEMPLATE.md',
  'pull_request_template.md', 'PULL_REQUEST_TEMPLATE.md', 'docs/pull_request_template.md',
];

const MAX_TEMPLATE_CHARS = 8_000;

function decodeBase64Utf8(b64: string): string {
  const bin = atob(b64.replace(/\s+/g, ''));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export async function readTemplate(kit: Kit, fullName: string, ref: string): Promise<string | null> {
  for (const path of TEMPLATE_PATHS) {
    try {
      const res = await kit.request('GET /repos/{owner}/{repo}/contents/{path}', { ...ownerRepo(fullName), path, ref });
      const file = res.data as { type?: string; encoding?: string; content?: string };
      if (file.type === 'file' && file.encoding === 'base64' && file.content) return decodeBase64Utf8(file.content).slice(0, MAX_TEMPLATE_CHARS);
    } catch (err) {
      if (githubStatus(err) !== 404) return null; // a template is a nicety: never fail the draft over it
    }
  }
  return null;
}
