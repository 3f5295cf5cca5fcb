import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'superagent';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** The PDF's text as poppler reads it: proves the accents are real text, not boxes. */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'relais-pdf-'));
  try {
    writeFileSync(join(dir, 'digest.pdf'), pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'digest.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Collects a binary body (supertest would otherwise try to read the PDF as text). */
function binary(res: Response, done: (error: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('PDF digest of a client’s messages', () => {
  const env = useTestApi();
  const as = (token: string) => callerOf(env.api.http)(token);
  let w: CompanyWorld;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
    await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, {
      subject: 'Rendez-vous déplacé',
      body: 'Élodie a appelé : le rendez-vous est reporté à jeudi, « cœur » de l’après-midi.',
      urgent: true,
    }).expect(201);
    await as(w.clientAccount).post(`/v1/clients/${w.clientId}/messages`, { body: 'Message écrit par le client lui-même.' }).expect(201);
  });

  const digest = (token: string, query: string) =>
    as(token).get(`/v1/clients/${w.clientId}/messages/digest.pdf?${query}`).buffer(true).parse(binary);

  it('is a real PDF with readable French', async () => {
    const response = await digest(w.manager, `from=${today}&to=${today}`).expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Messages — Cabinet Médical Durand');
    expect(text).toContain('Rendez-vous déplacé');
    expect(text.replace(/\s+/g, ' ')).toContain('Élodie a appelé : le rendez-vous est reporté à jeudi, « cœur » de l’après-midi.');
    expect(text).toContain('URGENT');
    expect(text).toContain('Message écrit par le client lui-même.');
  });

  it('keeps to collaborators’ messages, or to unread ones, when asked', async () => {
    const collaborators = pdfText((await digest(w.manager, `from=${today}&to=${today}&authors=collaborators`).expect(200)).body as Buffer);
    expect(collaborators).toContain('Rendez-vous déplacé');
    expect(collaborators).not.toContain('écrit par le client');
    await as(w.operator).get(`/v1/clients/${w.clientId}/messages?limit=200`).expect(200);
    const unread = pdfText((await digest(w.operator, `from=${today}&to=${today}&scope=unread`).expect(200)).body as Buffer);
    expect(unread).toContain('écrit par le client');
    expect(unread).not.toContain('Rendez-vous déplacé');
  });

  it('refuses malformed dates, another company’s client, and callers without the permission', async () => {
    await digest(w.manager, 'from=yesterday&to=today').expect(400);
    await digest(w.clientAccount, `from=${today}&to=${today}`).expect(200);
    const other = await aCompanyWorld(env.api.app, env.api.http, 'Autre');
    await digest(other.manager, `from=${today}&to=${today}`).expect(404);
  });
});
