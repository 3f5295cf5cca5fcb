import { describe, expect, it } from '@jest/globals';
import { firstFailure, type RoutableItem, ruleProblems } from './routing-rule.js';

const item = (over: Partial<RoutableItem> = {}): RoutableItem => ({
  channel: 'email',
  mailboxId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  toNumber: null,
  recipients: ['accueil@permanence.test'],
  sender: 'm.martin@plomberie-martin.fr',
  subject: 'Demande de devis',
  body: 'Bonjour, fuite d’eau URGENTE dans la salle de bain. Merci de rappeler.',
  attachments: 0,
  classification: 'new',
  // Tuesday 8 December 2026, 10:30 in Paris (09:30 UTC).
  receivedAt: new Date('2026-12-08T09:30:00Z'),
  ...over,
});
const none = { senderClientIds: [] };

describe('routing rules as written', () => {
  it('accepts a rule using every condition and each action', () => {
    const conditions = {
      channel: 'email',
      mailboxIds: ['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'],
      recipients: ['accueil@*', '*@urgences.permanence.test'],
      senders: ['*.plomberie-martin.fr', 'plomberie-martin.fr', 'a@b.fr', '+33612345678'],
      knownSender: true,
      subjectKeywords: ['devis'],
      bodyKeywords: ['fuite d’eau', 'leak'],
      hasAttachments: false,
      classifications: ['new', 'reply'],
      timeWindow: { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:30' },
    };
    for (const action of [{ type: 'open_message', urgent: true, taskDueInDays: 0 }, { type: 'append_latest' }, { type: 'quarantine', label: 'devis' }, { type: 'drop' }]) {
      expect(ruleProblems(conditions, action)).toEqual([]);
    }
  });

  it('refuses what cannot be evaluated, each problem with its field and the reason', () => {
    const problems = ruleProblems(
      {
        channel: 'fax',
        recipients: ['not an address'],
        senders: ['@@'],
        subjectKeywords: ['!!!'],
        timeWindow: { days: [0, 8], from: '25:00', to: '8h' },
        color: 'red',
      },
      { type: 'quarantine', label: '' },
    );
    expect(problems.map((p) => p.field)).toEqual([
      'conditions.color',
      'conditions.channel',
      'conditions.recipients[0]',
      'conditions.senders[0]',
      'conditions.subjectKeywords[0]',
      'conditions.timeWindow.days',
      'conditions.timeWindow.from',
      'conditions.timeWindow.to',
      'action.label',
    ]);
    expect(problems.find((p) => p.field === 'conditions.recipients[0]')!.reason).toMatch(/not an address or an address pattern/);
    expect(ruleProblems({}, { type: 'forward' })).toEqual([{ field: 'action.type', reason: 'must be one of open_message, append_latest, quarantine, drop' }]);
    expect(ruleProblems({}, { type: 'drop', label: 'x' })).toEqual([{ field: 'action.label', reason: 'is not a setting of drop' }]);
    expect(ruleProblems({ senders: [] }, { type: 'drop' })).toEqual([{ field: 'conditions.senders', reason: 'must be a non-empty list' }]);
  });
});

describe('routing conditions on an item', () => {
  it('holds when every condition holds', () => {
    expect(firstFailure({ channel: 'email', senders: ['plomberie-martin.fr'], bodyKeywords: ['urgente'], subjectKeywords: ['devis'] }, item(), none)).toBeNull();
  });

  it('matches keywords as whole words or phrases, case and accents ignored, French and English', () => {
    expect(firstFailure({ bodyKeywords: ['urgent'] }, item(), none)?.condition).toBe('bodyKeywords'); // "URGENTE" is another word
    expect(firstFailure({ bodyKeywords: ['Urgente'] }, item(), none)).toBeNull();
    expect(firstFailure({ bodyKeywords: ['fuite d eau'] }, item(), none)).toBeNull();
    expect(firstFailure({ bodyKeywords: ['salle de bains'] }, item(), none)?.condition).toBe('bodyKeywords');
    expect(firstFailure({ subjectKeywords: ['dévis'] }, item({ subject: 'DEVIS plomberie' }), none)).toBeNull();
    expect(firstFailure({ bodyKeywords: ['leak'] }, item({ body: 'There is a leak, please call.' }), none)).toBeNull();
    expect(firstFailure({ bodyKeywords: ['leak'] }, item({ body: 'Leaking tap.' }), none)?.reason).toBe('the text holds none of leak');
  });

  it('matches addresses, patterns, domains and numbers', () => {
    expect(firstFailure({ recipients: ['ACCUEIL@*'] }, item(), none)).toBeNull();
    expect(firstFailure({ recipients: ['sav@*'] }, item(), none)?.reason).toBe('none of its recipients (accueil@permanence.test) matches sav@*');
    expect(firstFailure({ senders: ['*.plomberie-martin.fr'] }, item({ sender: 'a@lyon.plomberie-martin.fr' }), none)).toBeNull();
    expect(firstFailure({ senders: ['*.plomberie-martin.fr'] }, item(), none)?.condition).toBe('senders');
    expect(firstFailure({ senders: ['+33612345678'] }, item({ channel: 'sms', sender: '+33612345678' }), none)).toBeNull();
  });

  it('tells a known sender, of which file, from an unknown one', () => {
    expect(firstFailure({ knownSender: true }, item(), none)?.reason).toBe('m.martin@plomberie-martin.fr is no contact of any client file');
    expect(firstFailure({ knownSender: false }, item(), { senderClientIds: ['c1'] })?.condition).toBe('knownSender');
    expect(firstFailure({ knownSender: 'c2' }, item(), { senderClientIds: ['c1'] })?.reason).toBe('m.martin@plomberie-martin.fr is no contact of client c2');
  });

  it('reads the time window in Paris time, across daylight saving and midnight', () => {
    const office = { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' };
    expect(firstFailure({ timeWindow: office }, item(), none)).toBeNull(); // Tuesday 10:30 in December (UTC+1)
    // Tuesday 7 July 2026 06:30 UTC is 08:30 in Paris (UTC+2): inside.
    expect(firstFailure({ timeWindow: office }, item({ receivedAt: new Date('2026-07-07T06:30:00Z') }), none)).toBeNull();
    // Tuesday 8 December 06:30 UTC is 07:30 in Paris: outside.
    expect(firstFailure({ timeWindow: office }, item({ receivedAt: new Date('2026-12-08T06:30:00Z') }), none)?.reason).toMatch(/outside 08:00–18:00/);
    // Saturday: outside; "outside" rules hold then.
    const saturday = item({ receivedAt: new Date('2026-12-12T10:00:00Z') });
    expect(firstFailure({ timeWindow: office }, saturday, none)?.condition).toBe('timeWindow');
    expect(firstFailure({ timeWindow: { ...office, outside: true } }, saturday, none)).toBeNull();
    // A night window from Friday 22:00 runs into Saturday 03:00.
    const night = { days: [5], from: '22:00', to: '06:00' };
    expect(firstFailure({ timeWindow: night }, item({ receivedAt: new Date('2026-12-12T02:00:00Z') }), none)).toBeNull();
    expect(firstFailure({ timeWindow: night }, item({ receivedAt: new Date('2026-12-13T02:00:00Z') }), none)?.condition).toBe('timeWindow');
  });

  it('names the first condition that fails, in the order conditions are listed', () => {
    expect(firstFailure({ channel: 'sms', bodyKeywords: ['rien'] }, item(), none)).toEqual({ condition: 'channel', reason: 'the item came by email, the rule wants sms' });
    expect(firstFailure({ hasAttachments: true, classifications: ['reply'] }, item(), none)).toEqual({ condition: 'hasAttachments', reason: 'it has no attachment' });
    expect(firstFailure({ classifications: ['reply'] }, item(), none)).toEqual({ condition: 'classifications', reason: 'it is classified new' });
  });
});
