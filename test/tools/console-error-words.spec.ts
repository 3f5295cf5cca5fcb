import { describe, expect, it } from '@jest/globals';
import { ERROR_TEXT, errorText } from '../../console/src/ui/error-words.js';
import { registeredErrorCodes } from '../../src/core/errors/domain-error.js';
// Loading the application's modules is what registers their codes, as in the api and worker.
import '../../src/app.module.js';

/** Codes the API has that the console never meets, and why: each needs no French text. */
const NOT_IN_CONSOLE: Record<string, string> = {
  invalid_token: 'bearer tokens only: the console sends its session cookie, never an Authorization header',
  token_revoked: 'bearer tokens only, as invalid_token',
};

/** Codes of the console's own (not the API's). */
const CONSOLE_CODES = ['http_error'];

describe('the console’s French error texts', () => {
  it('cover every code the API answers with that a console user can meet (else add it to console/src/ui/error-words.ts)', () => {
    const api = [...registeredErrorCodes().keys()];
    expect(api.length).toBeGreaterThan(40);
    const missing = api.filter((code) => !(code in NOT_IN_CONSOLE) && !Object.hasOwn(ERROR_TEXT, code));
    expect(missing).toEqual([]);
  });

  it('name no code the API does not have (a renamed code would leave its French text unused)', () => {
    const api = new Set(registeredErrorCodes().keys());
    expect(Object.keys(NOT_IN_CONSOLE).filter((code) => !api.has(code))).toEqual([]);
    expect(Object.keys(ERROR_TEXT).filter((code) => !api.has(code) && !CONSOLE_CODES.includes(code))).toEqual([]);
  });

  it('choose the text by code, and keep the API’s message for a code the console does not know', () => {
    expect(errorText('permission_denied', 'Missing permission quarantine.triage')).toBe('Votre compte n’a pas le droit de faire cela.');
    expect(errorText('a_future_code', 'Something new went wrong')).toBe('Something new went wrong');
    expect(errorText('constructor', 'Not a code of ours')).toBe('Not a code of ours');
    expect(errorText(undefined, undefined)).toBe('Une erreur est survenue.');
  });
});
