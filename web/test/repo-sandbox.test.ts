import { describe, expect, it } from 'vitest';
import { fromForm, summary, toForm } from '../src/lib/repo-sandbox.ts';

describe('repository sandbox form', () => {
  it('round-trips hosts (one per line, commas too) and caps (blank = the runner default)', () => {
    const s = { allowedHosts: ['registry.npmjs.org', '*.pypi.org:443'], limits: { maxProcesses: 64 } };
    const form = toForm(s);
    expect(form).toEqual({ hosts: 'registry.npmjs.org\n*.pypi.org:443', limits: { wallClockSecs: '', maxProcesses: '64', maxMemoryMb: '', maxDiskMb: '', maxOutputMb: '' } });
    expect(fromForm(form)).toEqual({ ok: true, sandbox: s });
    expect(fromForm({ hosts: ' Registry.NPMjs.org,  github.com \n', limits: {} })).toEqual({ ok: true, sandbox: { allowedHosts: ['registry.npmjs.org', 'github.com'], limits: {} } });
  });

  it('says what is wrong the way the API would refuse it', () => {
    expect(fromForm({ hosts: 'https://evil.example/', limits: {} })).toMatchObject({ ok: false, message: expect.stringMatching(/^“https:\/\/evil\.example\/” is not a host/) });
    expect(fromForm({ hosts: '', limits: { maxDiskMb: '2.5' } })).toEqual({ ok: false, message: "Disk: a whole number, or blank for the runner's default." });
    expect(fromForm({ hosts: '', limits: { maxProcesses: '3' } })).toMatchObject({ ok: false, message: expect.stringMatching(/^Processes at once: /) });
  });

  it('sums the settings up in one line', () => {
    expect(summary({ allowedHosts: [], limits: {} })).toBe('gateway only');
    expect(summary({ allowedHosts: ['a.example'], limits: { maxProcesses: 64, maxDiskMb: 200 } })).toBe('1 host · processes at once 64 · disk 200 MB');
  });
});
