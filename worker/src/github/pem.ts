/**
 * GitHub hands out app private keys as PKCS#1 (`BEGIN RSA PRIVATE KEY`); WebCrypto — and so
 * universal-github-app-jwt inside @octokit/app on Workers — only imports PKCS#8. Wrapping the
 * PKCS#1 DER in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, the key as an OCTET STRING)
 * is all the conversion there is. Keys are normalised once, when the connection is saved.
 */
import { fromBase64, toBase64 } from '../lib/base64.ts';

const RSA_ALGORITHM = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

const tlv = (tag: number, body: ArrayLike<number>): number[] => [tag, ...derLength(body.length), ...Array.from(body)];

function pemBody(pem: string, label: string): Uint8Array | null {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  if (!m) return null;
  try {
    return fromBase64(m[1].replace(/\s+/g, ''));
  } catch {
    return null;
  }
}

function toPem(der: Uint8Array, label: string): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A PKCS#8 PEM for a PKCS#1 or PKCS#8 RSA private key PEM; null when it is neither. */
export function toPkcs8Pem(pem: string): string | null {
  const pkcs8 = pemBody(pem, 'PRIVATE KEY');
  if (pkcs8) return toPem(pkcs8, 'PRIVATE KEY');
  const pkcs1 = pemBody(pem, 'RSA PRIVATE KEY');
  if (!pkcs1) return null;
  const info = tlv(0x30, [0x02, 0x01, 0x00, ...RSA_ALGORITHM, ...tlv(0x04, pkcs1)]);
  return toPem(Uint8Array.from(info), 'PRIVATE KEY');
}

/** True when WebCrypto can sign with the key (a PEM that only looks right fails here, at save time). */
export async function canSignWith(pkcs8Pem: string): Promise<boolean> {
  const der = pemBody(pkcs8Pem, 'PRIVATE KEY');
  if (!der) return false;
  try {
    await crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    return true;
  } catch {
    return false;
  }
}
