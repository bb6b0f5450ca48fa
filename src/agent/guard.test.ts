import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { isOperationalError } from './guard.js';

const run = promisify(execFile);

// A real process: the guard is installed, then a rejection nobody handles and a socket error
// nobody listens for happen; the process must go on (its timer prints "alive") and log both.
// A TypeError thrown from a callback is a programming error: logged as fatal, fatal() called.
const SCRIPT = `
import { installProcessGuard } from '${process.cwd()}/src/agent/guard.ts';
import dgram from 'node:dgram';
installProcessGuard((event, f) => console.log(JSON.stringify({ event, ...f })), () => { console.log('fatal called'); process.exit(2); });
void Promise.reject(new Error('nobody handles this'));
const s = dgram.createSocket('udp4');
s.bind(0, () => { setTimeout(() => s.send(Buffer.from('x'), () => {}), 10); });
setTimeout(() => { console.log('alive'); s.close(); if (process.env.THEN_BUG) setTimeout(() => { undefined.x; }, 10); }, 300);
`;

describe('installProcessGuard', () => {
  it('keeps the process serving after an unhandled rejection and a socket error, and logs both', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { timeout: 20_000 });
    expect(stdout).toContain('"event":"agent.unhandled-rejection","name":"Error","message":"nobody handles this"');
    expect(stdout).toContain('"event":"agent.uncaught-exception"');
    expect(stdout).toContain('ERR_SOCKET_BAD_PORT');
    expect(stdout).toContain('alive');
  });

  it('stops on a programming error (fatal), after logging it', async () => {
    const e = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { timeout: 20_000, env: { ...process.env, THEN_BUG: '1' } })
      .catch((err: { code: number; stdout: string }) => err);
    expect(e).toMatchObject({ code: 2 });
    expect((e as { stdout: string }).stdout).toMatch(/"event":"agent.fatal","name":"TypeError"[^\n]*\nfatal called/);
  });

  it('tells operational errors (a code from the system or a socket) from bugs', () => {
    expect(isOperationalError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isOperationalError(Object.assign(new Error('x'), { code: 'ERR_SOCKET_BAD_PORT' }))).toBe(true);
    expect(isOperationalError(new TypeError('x'))).toBe(false);
    expect(isOperationalError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
  });
});
