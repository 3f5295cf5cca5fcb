import { describe, expect, it } from '@jest/globals';
import { storableText } from '../../core/database/storable-text.js';
import { tagsInText } from '../../conversations/thread-tags.js';
import { toE164 } from '../../core/phone/phone-number.js';
import { keywordOf, storableParams } from './sms-text.js';

describe('SMS text', () => {
  it('reads numbers as E.164, French by default, and refuses what is no phone number', () => {
    expect(toE164('06 12 34 56 78')).toBe('+33612345678');
    expect(toE164('+33 6 12 34 56 78')).toBe('+33612345678');
    expect(toE164('+32470123456')).toBe('+32470123456');
    expect(toE164('ORANGE')).toBeNull();
    expect(toE164('36179')).toBeNull();
    expect(toE164('')).toBeNull();
  });

  it('recognises the keywords whatever their case, accents and punctuation, and only alone', () => {
    expect(['STOP', 'stop', ' Stop ! ', 'ARRET', 'Arrêt', 'arrêt.', 'STOPSMS', 'unsubscribe'].map(keywordOf)).toEqual(Array(8).fill('opt-out'));
    expect(['START', 'start', 'Unstop'].map(keywordOf)).toEqual(['opt-in', 'opt-in', 'opt-in']);
    expect(['HELP', 'aide', 'Aide ?'].map(keywordOf)).toEqual(['help', 'help', 'help']);
    expect(['Stop the visits please', 'arrêtez', 'je veux de l’aide', '', 'STOP STOP'].map(keywordOf)).toEqual([null, null, null, null, null]);
  });

  it('finds thread tags in the order written, upper-cased, with the pattern subjects use', () => {
    expect(tagsInText('Pour r-7k2qx et R-ABCDE, merci')).toEqual(['R-7K2QX', 'R-ABCDE']);
    expect(tagsInText('[R-7K2QX] ok')).toEqual(['R-7K2QX']);
    expect(tagsInText('BR-7K2QX, R-, rien')).toEqual([]);
    // Not a tag: letters outside the alphabet (0/O, 1/I/L, U/V) or another length, so no look-up is made for them.
    expect(tagsInText('R-0O1IL, R-7K2QXY, R-7K2Q')).toEqual([]);
  });

  it('makes text storable in PostgreSQL: NUL bytes and lone surrogates become U+FFFD, the rest is kept', () => {
    expect(storableText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    expect(storableText('x\uD83D y \uDE00')).toBe('x\uFFFD y \uFFFD');
    expect(storableText('Ça va 😀 ?')).toBe('Ça va 😀 ?');
    expect(storableParams({ 'Key\u0000': 'v\u0000', Body: 'ok' })).toEqual({ 'Key\uFFFD': 'v\uFFFD', Body: 'ok' });
    const usual = { Body: 'Merci 😀', From: '+33611000001' };
    expect(storableParams(usual)).toBe(usual); // nothing to replace: not copied
  });
});
