import { describe, expect, it } from 'vitest';
import { explainExit, lastErrorLine } from '../dev/exit-reason.ts';

describe('why a process of npm start stopped', () => {
  it("names wrangler 4.124's proxy crash instead of its empty [ERROR]", () => {
    const out = 'Error: Network connection lost.\n    at async ProxyWorker.fetch\nError in ProxyController: Error inside ProxyWorker\n\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \n🪵  Logs were written to "/root/.config/x.log"\n';
    expect(explainExit(1, null, out)).toBe("exited with code 1: wrangler's dev proxy lost its connection to the Worker runtime (workerd)");
  });

  it('says when the port is taken, when it was killed, and falls back to its last error line', () => {
    expect(explainExit(1, null, 'listen EADDRINUSE: address already in use 127.0.0.1:8787')).toMatch(/port is already in use/);
    expect(explainExit(null, 'SIGKILL', '')).toBe('was stopped by SIGKILL — killed by hand or by the system when memory ran out');
    expect(explainExit(2, null, 'starting\nTypeError: cannot read x\n    at foo (a.js:1)\n')).toBe('exited with code 2; its last error: TypeError: cannot read x');
    expect(explainExit(3, null, 'bye\n')).toBe('exited with code 3 without saying why');
  });

  it('skips stack frames and log-file pointers when looking for the last error', () => {
    expect(lastErrorLine('Error: first\n    at x\nLogs were written to "/tmp/a.log"\n')).toBe('Error: first');
    expect(lastErrorLine('all good\n')).toBeNull();
  });
});
