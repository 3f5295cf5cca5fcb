import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/**
 * What the API answers is a view: a class of its own in the module's `dto/`, named in the OpenAPI
 * document as the resource is (`@ApiSchema({ name: 'Client' })`), never an entity. A column added
 * to a table reaches no client until a view says so, and nothing an entity carries besides its
 * columns (sealed secrets, relations, the unit of work) is ever serialised.
 */

/** The key under which @nestjs/swagger lists a class's documented properties (`:name`, inherited ones included). */
const DOCUMENTED = 'swagger/apiModelPropertiesArray';
const keysOf = new WeakMap<Type, readonly string[]>();

function documented(view: Type): readonly string[] {
  let keys = keysOf.get(view);
  if (!keys) {
    const names = (Reflect.getMetadata(DOCUMENTED, view.prototype as object) as string[] | undefined) ?? [];
    keys = [...new Set(names.map((name) => name.slice(1)))];
    if (keys.length === 0) throw new Error(`${view.name} documents no property: it cannot be a view`);
    keysOf.set(view, keys);
  }
  return keys;
}

/** The view `View` of `source`: exactly the properties `View` documents, copied from `source`. */
export function toView<T extends object>(View: Type<T>, source: object): T {
  const view: Record<string, unknown> = {};
  for (const key of documented(View)) view[key] = (source as Record<string, unknown>)[key];
  return view as T;
}

/** `toView` of each. */
export function toViews<T extends object>(View: Type<T>, sources: readonly object[]): T[] {
  return sources.map((source) => toView(View, source));
}

/** The columns every row has (see core/database/base.entity.ts). */
export abstract class EntityView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

/** A company's row (see core/tenancy/company-owned.entity.ts). */
export abstract class CompanyOwnedView extends EntityView {
  @ApiProperty({ format: 'uuid' }) companyId!: string;
}

/** A page of views: `toView` of each item, the cursor kept. */
export function toViewPage<T extends object>(View: Type<T>, page: { items: readonly object[]; nextCursor: string | null }): { items: T[]; nextCursor: string | null } {
  return { items: toViews(View, page.items), nextCursor: page.nextCursor };
}
