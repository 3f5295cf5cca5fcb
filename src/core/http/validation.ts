import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

export interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Where @nestjs/swagger keeps each DTO property's options (those of @ApiProperty). */
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

/**
 * An optional field skips its validators when null, so a PATCH could write null into a column
 * that cannot hold it. The OpenAPI schema already says which fields are nullable: null is
 * accepted for those only, and refused for the others with the answer every invalid field gets.
 */
function refuseUndeclaredNulls(value: unknown, metadata: ArgumentMetadata): void {
  if (metadata.type !== 'body' || !metadata.metatype || !value || typeof value !== 'object' || Array.isArray(value)) return;
  const prototype: object = metadata.metatype.prototype as object;
  const details: FieldProblem[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (field !== null) continue;
    // A field typed `unknown` (design:type Object) is left to its service, which answers any value.
    if (Reflect.getMetadata('design:type', prototype, key) === Object) continue;
    const options = Reflect.getMetadata(SWAGGER_PROPERTY, prototype, key) as { nullable?: boolean } | undefined;
    // Unknown fields are refused by the whitelist below, with their own message.
    if (options && !options.nullable) details.push({ field: key, problems: [`${key} cannot be null`] });
  }
  if (details.length > 0) {
    const fields = details.map((d) => d.field).join(', ');
    throw new DomainError('validation_failed', `The request is invalid (${fields})`, details);
  }
}

/**
 * DTO classes declare their optional fields, so a transformed body has them as own `undefined`
 * properties; dropping those keeps "absent" distinct from "set to null" for partial updates.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    refuseUndeclaredNulls(value, metadata);
    const result: unknown = await super.transform(value, metadata);
    if (result && typeof result === 'object' && !Array.isArray(result)) {
      for (const [key, field] of Object.entries(result)) {
        if (field === undefined) delete (result as Record<string, unknown>)[key];
      }
    }
    return result;
  }
}

/**
 * Request bodies and queries are validated against their DTO; unknown fields are refused rather
 * than silently dropped, so a typo in a field name is an error the caller sees.
 */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const fields = details.map((d) => d.field).join(', ');
      return new DomainError('validation_failed', `The request is invalid (${fields})`, details);
    },
  });
}
