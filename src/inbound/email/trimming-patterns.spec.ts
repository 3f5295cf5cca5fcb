import { describe, expect, it } from '@jest/globals';
import { REPLY_SAMPLES } from '../../../test/fixtures/mail/replies.js';
import { anyOf, INTRODUCTION, SIGNATURE } from './trimming-patterns.js';

describe('anyOf', () => {
  const lines = [
    ...REPLY_SAMPLES.flatMap((sample) => sample.text.split('\n')),
    'Envoyé de mon iPhone',
    'Sent from my Galaxy',
    '发自我的iPhone',
    '-----Original Message-----',
    'Le 24 nov. 2026 à 09:12, Permanence <accueil@permanence.test> a écrit :',
    // Only the unanchored introduction pattern matches these.
    'Max <max@example.com> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:',
    'Permanence <a@b.test> wrote on Tuesday:',
    '2016-03-03 17:21 GMT+01:00 Some One <some@one.test>:',
    'Mme Petit a appelé à 9 h : elle rappellera.',
    '',
  ];

  it.each([
    ['signature', SIGNATURE],
    ['introduction', INTRODUCTION],
  ])('answers as the %s patterns one by one do', (_, list) => {
    const joined = anyOf(list);
    for (const line of lines) expect([line, joined(line)]).toEqual([line, list.some((re) => re.test(line))]);
    expect(lines.some((line) => joined(line))).toBe(true);
    expect(lines.some((line) => !joined(line))).toBe(true);
  });

  it('refuses patterns whose groups would be renumbered once joined', () => {
    for (const re of [/^(a)b/, /^([-_])\1+$/, /^(?<name>a)/u, /^(?<x>a)\k<x>/u]) expect(() => anyOf([re])).toThrow(/capture group or a back-reference/);
  });

  it('accepts groups that capture nothing, escaped parentheses and parentheses in classes', () => {
    const joined = anyOf([/^(?:on|le) /i, /^napisał(?:\(a\)|a)?:/u, /^[(<]*sent /i, /(?<!\p{L})wrote(?!\p{L})/u]);
    expect(['On Tuesday', 'napisał(a):', '(sent from', 'she wrote'].map(joined)).toEqual([true, true, true, true]);
    expect(['Only', 'napisałx', 'resent', 'rewrote'].map(joined)).toEqual([false, false, false, false]);
  });
});
