import { describe, expect, it } from '@jest/globals';
import { copySubject, frenchDateTime, frenchDay } from './copy-wording.js';

describe('copy wording', () => {
  it('prints calendar dates as j/mm/aaaa', () => {
    expect(frenchDay('2026-12-04')).toBe('4/12/2026');
    expect(frenchDay('2027-01-15')).toBe('15/01/2027');
  });

  it('prints instants in Paris time, winter and summer, across midnight', () => {
    expect(frenchDateTime(new Date('2026-12-04T13:30:00Z'))).toBe('4/12/2026 à 14:30');
    expect(frenchDateTime('2026-07-01T08:05:00Z')).toBe('1/07/2026 à 10:05');
    expect(frenchDateTime('2026-12-31T23:30:00Z')).toBe('1/01/2027 à 00:30');
  });

  it('keeps a subject, and makes one from the type and first words when there is none', () => {
    const base = { body: 'Rappeler Mme Petit', vad: false, task: false };
    expect(copySubject({ ...base, subject: '  Appel  de Mme Petit ' })).toBe('Appel de Mme Petit');
    expect(copySubject({ ...base, subject: '' })).toBe('Message : Rappeler Mme Petit');
    expect(copySubject({ ...base, subject: '', task: true })).toBe('Tâche : Rappeler Mme Petit');
    expect(copySubject({ ...base, subject: '', vad: true, task: true })).toBe('Demande de VAD : Rappeler Mme Petit');
    expect(copySubject({ ...base, subject: '', body: ' \n ' })).toBe('Message');
    const long = copySubject({ ...base, subject: '', body: 'Mme Petit a rappelé au sujet de son rendez-vous de jeudi prochain,\nelle souhaite le décaler' });
    expect(long).toBe('Message : Mme Petit a rappelé au sujet de son rendez-vous de jeudi…');
  });
});
