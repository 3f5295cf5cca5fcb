import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { DomainError } from '../errors/domain-error.js';

/** A route parameter that must be a UUID: anything else is 400 `invalid_id`, never a 500 or a 404. */
export const IdParam = (name = 'id'): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => new DomainError('invalid_id', `The ${name} in the path is not a valid id`) }),
  );

/** `?limit=&cursor=` of every list: ids are UUIDv7, so "after this id" is "created after". */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cuts one page out of rows fetched with `limit + 1` (the extra row tells whether more exist). */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

export function pageWindow(query: PageQuery): { limit: number; after: { id?: { $gt: string } } } {
  return { limit: query.limit ?? 50, after: query.cursor ? { id: { $gt: query.cursor } } : {} };
}

/** A user's search text as an ILIKE "contains" pattern, its own % and _ matched literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
