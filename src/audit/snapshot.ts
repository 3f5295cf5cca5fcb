import { wrap } from '@mikro-orm/core';
import type { Snapshot } from './audit.service.js';

/** A plain copy of an entity's own columns, for the audit log's before/after. */
export function snapshot(entity: object): Snapshot {
  const plain = wrap(entity).toObject() as Record<string, unknown>;
  delete plain.createdAt;
  delete plain.updatedAt;
  return plain;
}
