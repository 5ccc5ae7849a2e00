/**
 * Made-up secrets of every well-known shape (right prefix, right length, random body) for tests of
 * the shared secret patterns (protocol/src/secrets.ts): redaction, the file policy's content scan,
 * the e2e secret scan. None of them opens anything.
 */
export const WELL_KNOWN = {
  github: 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5',
  githubFine: 'github_pat_' + '11ABCDEFG0123456789_' + 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab',
  openai: 'sk-proj-' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA',
  anthropic: 'sk-ant-api03-' + 'QwErTyUiOpAsDfGhJkLzXcVbNm1234567890_-abc',
  google: 'AIza' + 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  aws: 'AKIA' + 'IOSFODNN7EXAMPLE',
  dursorRun: 'drt_' + 'eyJydW4iOiJyMSJ9.c2lnbmF0dXJlLXZhbHVl',
  dursorCred: 'drc_' + 'Qm9vbS1ib29tLWJvb20tYm9vbS1ib29t',
  npm: 'npm_' + 'abcdefghijklmnopqrstuvwxyz0123456789',
  pem: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
};
