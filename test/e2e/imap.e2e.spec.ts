import { randomBytes } from 'node:crypto';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { baseConfig, IMAP } from '../harness/services.js';
import { REACH_TIMEOUT_MS } from '../../src/channels/imap/imapflow-mailbox.client.js';

const settings = { host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password };

function aMail(subject: string, body: string): string {
  return [
    'From: Marie Dupont <marie@example.test>',
    'To: reponses+abc@relais.test',
    `Subject: ${subject}`,
    `Message-ID: <${randomBytes(6).toString('hex')}@example.test>`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ].join('\r\n');
}

describe('IMAP adapter against Dovecot', () => {
  const client = new ImapFlowMailboxClient();
  const folder = `spec-${randomBytes(4).toString('hex')}`;
  let session: MailboxSession;

  beforeAll(async () => {
    session = await client.connect(settings);
    await session.ensureFolder(folder);
  });
  afterAll(async () => {
    await session.deleteFolder(folder);
    await session.close();
  });

  it('appends mail and fetches it back byte for byte, after a UID cursor', async () => {
    const first = aMail('Re: Rappel rendez-vous', 'Bien reçu, merci. Je serai là à 14 h.');
    const second = aMail('Re: Intervention chaudière', 'Le technicien peut passer jeudi ?');
    const a = await session.append(folder, first, ['\\Seen']);
    const b = await session.append(folder, second);
    expect(a.uid).not.toBeNull();
    expect(b.uid).toBeGreaterThan(a.uid!);

    const all = await session.fetchAfter(folder, 0, 10);
    expect(all.map((mail) => mail.uid)).toEqual([a.uid, b.uid]);
    expect(all[0].source.toString('utf8')).toBe(first);
    expect(all[1].source.toString('utf8')).toContain('Le technicien peut passer jeudi ?');

    const state = await session.folderState(folder);
    expect(state.messages).toBe(2);
    expect(state.uidNext).toBe(b.uid! + 1);
    expect(all[0].uidValidity).toBe(state.uidValidity);

    expect((await session.fetchAfter(folder, a.uid!, 10)).map((mail) => mail.uid)).toEqual([b.uid]);
    // "N:*" matches the last message even past the end; the adapter must not return it again.
    expect(await session.fetchAfter(folder, b.uid!, 10)).toEqual([]);
  });

  it('refuses wrong credentials with a clear error instead of hanging', async () => {
    await expect(client.connect({ ...settings, password: 'wrong' })).rejects.toMatchObject({
      code: 'unprocessable',
      message: expect.stringContaining(`Could not connect to ${IMAP.host}:${IMAP.port}`),
    });
  });

  it('answers the same for an open port that is not IMAP (Redis, PostgreSQL) and a closed one, within the deadline', async () => {
    const config = baseConfig();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closed = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const ports = [Number(new URL(config.redis.url).port) || 6379, Number(new URL(config.database.url).port) || 5432, closed];
    const started = Date.now();
    const errors = await Promise.all(ports.map((port) => client.connect({ ...settings, port }).then(() => null, (error: unknown) => error)));
    expect(Date.now() - started).toBeLessThan(REACH_TIMEOUT_MS + 1_000);
    for (const error of errors) expect(error).toMatchObject({ code: 'mailbox_unreachable', message: (errors[0] as Error).message });
  });

  it('waits past the deadline for a server that greeted and logs in slowly (Dovecot delays logins after a failure)', async () => {
    // Between us and Dovecot: the greeting goes through at once, our first command 1.5 s after the deadline.
    const sockets: Socket[] = [];
    const proxy = createServer((inbound) => {
      const upstream = connectTcp(IMAP.port, IMAP.host);
      sockets.push(inbound, upstream);
      upstream.on('data', (chunk) => inbound.write(chunk));
      let held = true;
      inbound.on('data', (chunk) => (held ? setTimeout(() => upstream.write(chunk), REACH_TIMEOUT_MS + 1_500) : upstream.write(chunk)));
      setTimeout(() => (held = false), REACH_TIMEOUT_MS + 1_500);
      for (const socket of [inbound, upstream]) socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const slow = await client.connect({ ...settings, port: (proxy.address() as { port: number }).port });
      expect(Date.now() - started).toBeGreaterThan(REACH_TIMEOUT_MS);
      expect((await slow.folderState(folder)).messages).toBeGreaterThanOrEqual(0);
      await slow.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
