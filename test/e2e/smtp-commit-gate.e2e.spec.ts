import { afterEach, describe, expect, it } from '@jest/globals';
import { type AddressInfo, createServer } from 'node:net';
import { loadConfig } from '../../src/config/load-config.js';
import { CommitRefused, type OutgoingEmail } from '../../src/outbound/email/email.port.js';
import { SmtpEmailTransport } from '../../src/outbound/email/smtp-email.transport.js';
import { ProviderError } from '../../src/channels/provider-error.js';
import { startSmtpListener, type SmtpListener, type SmtpListenerOptions } from '../harness/smtp-listener.js';

const email = (n: number): OutgoingEmail => ({
  from: { address: 'accueil@gate.test', name: 'Gate' },
  to: 'client@gate.test',
  replyTo: null,
  subject: `Gate ${n}`,
  html: null,
  text: `Body ${n}\n`.repeat(50),
  messageId: `gate-${n}@relais.test`,
  inReplyTo: null,
  references: [],
  attachments: [],
});

/**
 * The SMTP adapter's point of no return: a send's gate runs once the relay took envelope and
 * content, before the final dot. A worker killed before the gate committed leaves nothing at the
 * relay (so the copy may be sent again); after it, a lost answer is "outcome unknown", not a retry.
 */
describe('SMTP transport: the commit gate before the final dot', () => {
  const open: { transport: SmtpEmailTransport; listener: SmtpListener }[] = [];
  const start = async (options: SmtpListenerOptions = {}, timeoutMs = 5_000) => {
    const listener = await startSmtpListener(options);
    const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
    const transport = new SmtpEmailTransport({ ...base, smtp: { url: `smtp://127.0.0.1:${listener.port}`, poolMax: 1, timeoutMs } });
    open.push({ transport, listener });
    return { transport, listener };
  };
  afterEach(async () => {
    for (const { transport, listener } of open.splice(0)) {
      transport.onApplicationShutdown();
      await listener.close();
    }
  });

  it('runs the gate once per message, after the relay began taking the data and before it has the message', async () => {
    const { transport, listener } = await start();
    const seen: { started: number; received: number }[] = [];
    const gate = () => {
      seen.push({ started: listener.dataStarted(), received: listener.messages.length });
      return Promise.resolve(true);
    };
    await transport.send(email(1), gate);
    await transport.send(email(2), gate);
    expect(seen).toEqual([
      { started: 1, received: 0 },
      { started: 2, received: 1 },
    ]);
    expect(listener.messages.map((m) => m.parsed.messageId)).toEqual(['<gate-1@relais.test>', '<gate-2@relais.test>']);
    expect(listener.messages[0].parsed.text).toBe(`Body 1\n`.repeat(50));
  });

  it('a gate that says no: the relay discards the unfinished message, the send rejects CommitRefused, the next send goes through', async () => {
    const { transport, listener } = await start();
    await expect(transport.send(email(1), () => Promise.resolve(false))).rejects.toBeInstanceOf(CommitRefused);
    expect(listener.dataStarted()).toBe(1);
    await transport.send(email(2), () => Promise.resolve(true));
    expect(listener.messages.map((m) => m.parsed.messageId)).toEqual(['<gate-2@relais.test>']);
  });

  it('a 4xx answer to the committed message is transient: the relay said it does not have it', async () => {
    const { transport, listener } = await start({ failFirst: 1 });
    let gated = 0;
    const error = await transport.send(email(1), () => Promise.resolve(++gated > 0)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ failure: 'transient', providerCode: '451' });
    // The 451 answers the final dot: the gate did run, and the relay's answer says it does not have it.
    expect(gated).toBe(1);
    expect(listener.messages).toHaveLength(0);
  });

  it('no answer after the commit: outcome_unknown (the relay may have it), never transient', async () => {
    const { transport, listener } = await start({ silentFirst: 1 }, 600);
    const error = await transport.send(email(1), () => Promise.resolve(true)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ failure: 'outcome_unknown' });
    expect(listener.silenced()).toBe(1);
  });

  it('no answer before the commit (the relay went silent on connect): transient, the gate never ran', async () => {
    const silent = await new Promise<{ port: number; close: () => void }>((resolve) => {
      const server = createServer(() => undefined); // accepts, never greets
      server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, close: () => server.close() }));
    });
    const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
    const mute = new SmtpEmailTransport({ ...base, smtp: { url: `smtp://127.0.0.1:${silent.port}`, poolMax: 1, timeoutMs: 600 } });
    let gated = 0;
    const error = await mute.send(email(1), () => Promise.resolve(++gated > 0)).catch((e: unknown) => e);
    mute.onApplicationShutdown();
    silent.close();
    expect(error).toMatchObject({ failure: 'transient' });
    expect(gated).toBe(0);
  });
});
