import { describe, expect, it } from '@jest/globals';
import type { AuthContext } from '../core/auth/auth-context.js';
import type { Permission } from '../rights/permissions.js';
import { assertMayAct, eventTypeShownTo, isSubcontractorOf, type MessageAct } from './message-acts.js';

const COMPANY = 'company-a';
const viewer = (kind: AuthContext['kind'], companyId = COMPANY): AuthContext => ({
  userId: 'u',
  companyId,
  credential: { type: 'token', id: 't' },
  kind,
  role: kind === 'collaborator' ? 'operator' : null,
  clientId: kind === 'collaborator' ? null : 'client',
  permissions: new Set<Permission>(),
});
const ACTS: MessageAct[] = ['reply', 'task.set', 'task.change', 'vad', 'list'];
const allowed = (who: AuthContext) =>
  ACTS.filter((act) => {
    try {
      assertMayAct(who, { companyId: COMPANY }, act);
      return true;
    } catch {
      return false;
    }
  });

describe('who may act on a message they can see', () => {
  it('lets the company’s collaborators do everything', () => {
    expect(allowed(viewer('collaborator'))).toEqual(ACTS);
  });

  it('lets a subcontractor (collaborator of another company) reply and set as task only', () => {
    const subcontractor = viewer('collaborator', 'company-b');
    expect(isSubcontractorOf(subcontractor, { companyId: COMPANY })).toBe(true);
    expect(allowed(subcontractor)).toEqual(['reply', 'task.set']);
  });

  it('lets client and secretary accounts reply and keep their own lists, nothing else', () => {
    expect(allowed(viewer('client'))).toEqual(['reply', 'list']);
    expect(allowed(viewer('secretary'))).toEqual(['reply', 'list']);
  });

  it('refuses with 403 permission_denied, naming the act', () => {
    expect(() => assertMayAct(viewer('client'), { companyId: COMPANY }, 'vad')).toThrow(expect.objectContaining({ code: 'permission_denied', status: 403, details: { act: 'vad' } }));
  });

  it('keeps VAD events from client-side streams only', () => {
    expect(eventTypeShownTo(viewer('client'), 'message.vad')).toBe(false);
    expect(eventTypeShownTo(viewer('secretary'), 'message.created')).toBe(true);
    expect(eventTypeShownTo(viewer('collaborator'), 'message.vad')).toBe(true);
  });
});
