import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { toErrorResponse } from './api-exception.filter.js';
import { CORE_ERRORS, DomainError, type ErrorCode, registerErrorCodes, registeredStatus } from './domain-error.js';

describe('error code registry', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('knows the generic codes of core from the start', () => {
    for (const [code, status] of Object.entries(CORE_ERRORS)) expect(registeredStatus(code)).toBe(status);
  });

  it('registers a module’s codes, and again with the same status harmlessly', () => {
    registerErrorCodes({ spec_teapot: 418 });
    registerErrorCodes({ spec_teapot: 418 });
    expect(registeredStatus('spec_teapot')).toBe(418);
    expect(toErrorResponse(new DomainError('spec_teapot' as ErrorCode, 'Short and stout'))).toEqual({
      status: 418,
      body: { code: 'spec_teapot', message: 'Short and stout' },
    });
  });

  it('refuses a code registered twice with different statuses, so the process fails at start', () => {
    registerErrorCodes({ spec_twice: 409 });
    expect(() => registerErrorCodes({ spec_twice: 422 })).toThrow('Error code "spec_twice" is registered twice, with status 409 and 422');
    expect(() => registerErrorCodes({ conflict: 400 })).toThrow(/"conflict" is registered twice/);
    expect(registeredStatus('spec_twice')).toBe(409);
  });

  it('refuses a status that is not an HTTP error status', () => {
    expect(() => registerErrorCodes({ spec_fine: 200 })).toThrow(/not an HTTP error status/);
    expect(registeredStatus('spec_fine')).toBeUndefined();
  });

  it('answers an unregistered code as 500 internal_error, hiding its message, and logs it', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // Only a cast gets here: new DomainError('spec_nobody', …) does not compile.
    const error = new DomainError('spec_nobody' as ErrorCode, 'Internal detail', { secret: true });
    expect(error.status).toBe(500);
    expect(toErrorResponse(error)).toEqual({ status: 500, body: { code: 'internal_error', message: 'Something went wrong on our side' } });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('DomainError code "spec_nobody" is not registered'));
  });
});
