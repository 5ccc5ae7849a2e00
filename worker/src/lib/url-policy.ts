/**
 * Which outbound URLs the Worker accepts (repository clone URLs, model base URLs, the GitHub API
 * and web roots) and fetches. The rule itself is shared with the runner:
 * protocol/src/outbound-url.ts. What the Worker cannot check — which addresses a host *name*
 * resolves to — and who checks it instead: worker/README.md, "Outbound URLs".
 */
import { checkOutboundUrl as check } from '../../../protocol/src/outbound-url.ts';

export { addressRefusal, hostRefusal } from '../../../protocol/src/outbound-url.ts';

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The shared rule, answering with the Workers runtime's own URL. */
export function checkOutboundUrl(raw: string, allowPrivate: boolean): UrlCheck {
  const r = check(raw, allowPrivate);
  return r.ok ? { ok: true, url: new URL(r.url.href) } : r;
}

/** The deployment's choice; also handed to runners in every assignment (`allowPrivateAddresses`). */
export function allowPrivateUrls(env: { DURSOR_ALLOW_PRIVATE_URLS?: string }): boolean {
  return env.DURSOR_ALLOW_PRIVATE_URLS === 'true';
}
