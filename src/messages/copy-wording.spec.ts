import { describe, expect, it } from '@jest/globals';
import { copySubject } from './copy-wording.js';

describe('copy subjects', () => {
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
