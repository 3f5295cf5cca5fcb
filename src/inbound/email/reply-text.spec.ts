import { describe, expect, it } from '@jest/globals';
import { buildBounce, buildMail } from '../../../test/fixtures/mail/builder.js';
import { HTML_SAMPLES, REPLY_SAMPLES } from '../../../test/fixtures/mail/replies.js';
import { classify } from './classify.js';
import { parseMail } from './parse-mail.js';
import { replyText } from './reply-text.js';
import { trimReply } from './reply-trimmer.js';

describe('reply text', () => {
  it.each(REPLY_SAMPLES)('trims $name', ({ text, expected }) => {
    expect(trimReply(text).text).toBe(expected);
  });

  it.each(HTML_SAMPLES)('cuts the quoted part of HTML mail: $name', async ({ html, expected }) => {
    const mail = await parseMail(buildMail({ contentType: 'text/html; charset=utf-8', text: html }));
    const text = replyText(mail);
    expect(text.body).toBe(expected);
    expect(text.original).toContain('Mme Petit a appelé');
  });

  it.each([
    ['iso-8859-1', 'text/plain; charset=iso-8859-1'],
    ['windows-1252', 'text/plain; charset=windows-1252'],
    ['undeclared', 'text/plain'],
    ['unknown', 'text/plain; charset=x-unknown-charset'],
  ])('decodes %s text', async (_, contentType) => {
    // windows-1252 bytes: é è à, an em dash (0x97) and Œ (0x8C), which ISO-8859-1 labels also carry in practice.
    const mail = await parseMail(buildMail({ contentType, rawBody: Buffer.from('Caf\xe9 cr\xe8me \xe0 9 h, merci \x97 \x8cuvre', 'latin1') }));
    expect(mail.text.trim()).toBe('Café crème à 9 h, merci — Œuvre');
  });

  it('keeps UTF-8 undeclared text as is', async () => {
    const mail = await parseMail(buildMail({ contentType: 'text/plain', text: 'Déjà vu, ça marche' }));
    expect(mail.text.trim()).toBe('Déjà vu, ça marche');
  });

  it('classifies out-of-office replies by header and by subject (FR/EN), bounces, and people', async () => {
    const kinds = await Promise.all(
      [
        buildMail({ headers: { 'Auto-Submitted': 'auto-replied' } }),
        buildMail({ headers: { 'X-Autoreply': 'yes' } }),
        buildMail({ headers: { Precedence: 'bulk' } }),
        buildMail({ headers: { 'X-Auto-Response-Suppress': 'All' } }),
        buildMail({ subject: 'Réponse automatique : Appel de Mme Petit' }),
        buildMail({ subject: 'Absence du bureau' }),
        buildMail({ subject: 'Out of Office: Call from Mrs Petit' }),
        buildBounce('abc@relais.test', 'contact@durand.test'),
        buildMail({ subject: 'Re: Appel de Mme Petit' }),
      ].map(async (raw) => classify(await parseMail(raw)).kind),
    );
    expect(kinds).toEqual(['automatic', 'automatic', 'automatic', 'automatic', 'automatic', 'automatic', 'automatic', 'bounce', 'reply']);
    const bounce = classify(await parseMail(buildBounce('abc@relais.test', 'contact@durand.test')));
    expect(bounce).toMatchObject({ kind: 'bounce', originalMessageIds: ['abc@relais.test'], diagnostic: 'smtp; 550 5.1.1 User unknown' });
  });
});
