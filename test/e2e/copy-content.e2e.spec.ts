import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { waitFor } from '../harness/services.js';
import { type CapturedMail, startSmtpListener, type SmtpListener } from '../harness/smtp-listener.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

/** What the client reads in the email copy of a message: the subject, the dates, the home visit. */
describe('email copies say what the message says', () => {
  let ctx: TestContext;
  let api: TestApi;
  let smtp: SmtpListener;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;

  beforeAll(async () => {
    smtp = await startSmtpListener({ failFirst: 0 });
    ctx = await TestContext.create((c) => ({
      ...c,
      smtp: { url: `smtp://127.0.0.1:${smtp.port}`, poolMax: 2, timeoutMs: 5_000 },
      outbound: { ...c.outbound, ratePerSecond: { email: 0, sms: 0, fax: 0 }, relayIntervalMs: 100, reconcileIntervalMs: 2_000 },
    }));
    api = await ctx.startApi();
    await ctx.startWorker();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Copies');
    as = callerOf(api.http);
    await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@copies.test', name: 'Permanence Copies' }).expect(200);
  });
  afterAll(async () => {
    await ctx.close();
    await smtp.close();
  });

  /** The client's email copy of a message composed with `input`. */
  const copyOf = async (input: object): Promise<CapturedMail['parsed']> => {
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { ...input, copies: ['email'] });
    expect(res.status).toBe(201);
    let rows: { emailMessageId: string | null; status: string }[] = [];
    await waitFor(
      async () => {
        rows = (await as(world.manager).get(`/v1/deliveries?messageId=${res.body.id as string}`)).body.items as typeof rows;
        return rows.length === 1 && rows[0].status === 'sent';
      },
      15_000,
      'the email copy sent',
    );
    return smtp.messages.find((m) => m.parsed.messageId === `<${rows[0].emailMessageId}>`)!.parsed;
  };

  it('gives a VAD copy its address and planned date, in French and in Paris time', async () => {
    const mail = await copyOf({
      subject: 'Visite demandée',
      body: 'Mme Petit souhaite une visite.',
      contactId: world.contactId,
      vad: true,
      vadPlannedAt: '2026-12-04T13:30:00Z',
      vadStreet: '12 rue des Lilas',
      vadPostalCode: '69003',
    });
    for (const part of [mail.text!, mail.html as string]) {
      expect(part).toContain('12 rue des Lilas');
      expect(part).toContain('69003 Lyon');
      expect(part).toContain('4/12/2026 à 14:30');
      expect(part).not.toContain('2026-12-04');
    }
  });

  it('prints a day task’s due date as j/mm/aaaa, never ISO', async () => {
    const mail = await copyOf({ subject: 'Rappeler le labo', body: 'Avant midi.', dayTask: true, dueDate: '2026-12-04' });
    expect(mail.text).toContain('À faire le 4/12/2026');
    expect(mail.html).toContain('À faire le 4/12/2026');
    expect(mail.text).not.toContain('2026-12-04');
    expect(mail.text).not.toContain('04/12/2026');
  });

  it('gives a message without a subject a meaningful one before the tag: its type and first words', async () => {
    const plain = await copyOf({ body: 'Mme Petit a rappelé au sujet de son rendez-vous de jeudi prochain, elle souhaite le décaler' });
    expect(plain.subject).toMatch(/^Message : Mme Petit a rappelé au sujet de son rendez-vous de jeudi… \[R-[2-9A-Z]{5}\]$/);
    const vad = await copyOf({ subject: '   ', body: 'Visite à prévoir', vad: true, vadPlannedAt: '2026-12-05T08:00:00Z', contactId: world.contactId });
    expect(vad.subject).toMatch(/^Demande de VAD : Visite à prévoir \[R-[2-9A-Z]{5}\]$/);
  });

  it('ships SMS and fax templates that print the home visit and the due date too', async () => {
    for (const name of ['sms.copy', 'fax.copy']) {
      const preview = await as(world.manager).post(`/v1/outbound-templates/${name}/preview`, {});
      expect(preview.status).toBe(200);
      expect(preview.body.output).toContain('4/12/2026 à 14:30');
      expect(preview.body.output).toContain('12 rue des Lilas');
      expect(preview.body.output).toContain('faire le 4/12/2026');
    }
  });

  it('previews every shipped template with sample data for each variable it uses, so an admin sees no false "missing"', async () => {
    const list = await as(world.manager).get('/v1/outbound-templates');
    const names = (list.body as { name: string }[]).map((template) => template.name);
    expect(names).toEqual(expect.arrayContaining(['email.discussion.text', 'email.exchange.subject', 'sms.exchange', 'email.invitation.text']));
    for (const name of names) {
      const preview = await as(world.manager).post(`/v1/outbound-templates/${name}/preview`, {});
      expect([name, preview.status, preview.body.missing]).toEqual([name, 200, []]);
    }
  });
});
