import { describe, expect, it } from 'vitest';
import { ProbeClient } from './client.js';

describe('ProbeClient.open', () => {
  it('refuses a source address this host does not have, instead of waiting forever', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here: bind fails with EADDRNOTAVAIL.
    await expect(ProbeClient.open(Buffer.from('k'.repeat(16)), '127.0.0.1', 7, '192.0.2.1')).rejects.toMatchObject({ code: 'E_PROBE_SOURCE' });
  });
  it('opens from a local source', async () => {
    const c = await ProbeClient.open(Buffer.from('k'.repeat(16)), '127.0.0.1', 7, '127.0.0.1');
    c.close();
  });
});
