import { describe, expect, it } from '@jest/globals';
import { smsSegments } from './sms-segments.js';

describe('SMS segment counting', () => {
  it('counts GSM-7 septets: 160 in one part, 153 per part beyond', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsSegments('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('keeps é, è, à, ù in GSM-7 and counts the extension table (€, [, ]) as two septets', () => {
    expect(smsSegments('Rendez-vous à 9 h, café réglé')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('€'.repeat(81))).toMatchObject({ segments: 2 });
  });

  it('switches the whole text to UCS-2 for ê, ç, œ: 70 units in one part, 67 per part beyond', () => {
    for (const char of ['ê', 'ç', 'œ']) expect(smsSegments(`Merci ${char}`)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsSegments(`ç${'a'.repeat(69)}`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments(`ç${'a'.repeat(70)}`)).toMatchObject({ segments: 2 });
    expect(smsSegments(`ç${'a'.repeat(134)}`)).toMatchObject({ units: 135, segments: 3 });
  });
});
