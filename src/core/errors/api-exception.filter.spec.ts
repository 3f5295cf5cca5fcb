import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { toErrorResponse } from './api-exception.filter.js';
import { DomainError } from './domain-error.js';

describe('error responses', () => {
  it('maps a domain error to its status with code, message and details', () => {
    expect(toErrorResponse(new DomainError('conflict', 'Taken', { field: 'email' }))).toEqual({
      status: 409,
      body: { code: 'conflict', message: 'Taken', details: { field: 'email' } },
    });
  });

  it('hides the details of unexpected errors', () => {
    expect(toErrorResponse(new Error('relation "app_user" does not exist'))).toEqual({
      status: 500,
      body: { code: 'internal_error', message: 'Something went wrong on our side' },
    });
  });

  it('recognises body-parser failures wrapped by Nest', () => {
    const parseFailure = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(toErrorResponse(new BadRequestException('x', { cause: parseFailure })).body.code).toBe('invalid_json');
  });

  it('names an unknown route', () => {
    expect(toErrorResponse(new NotFoundException('Cannot DELETE /v1/x'))).toEqual({
      status: 404,
      body: { code: 'route_not_found', message: 'No route for DELETE /v1/x' },
    });
  });

  it('answers 503 with Retry-After when PostgreSQL cannot be reached, and only then', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    for (const error of [new Error('driver failed', { cause: refused }), shuttingDown, new Error('Connection terminated unexpectedly')]) {
      expect(toErrorResponse(error)).toEqual({
        status: 503,
        body: { code: 'database_unavailable', message: expect.any(String) },
        headers: { 'Retry-After': '5' },
      });
    }
    const failedQuery = Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });
    expect(toErrorResponse(failedQuery).status).toBe(500);
    // What PostgreSQL answers to a NUL inside a query's text: the query's fault, not an outage.
    const malformed = Object.assign(new Error('insufficient data left in message'), { code: '08P01' });
    expect(toErrorResponse(malformed).status).toBe(500);
  });
});
