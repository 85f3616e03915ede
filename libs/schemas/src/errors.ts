import { PlatformError, PlatformErrorOptions } from '@platform/common';

/** Root of the schemas library's errors. */
export class SchemasError extends PlatformError {}

/** A value could not be turned into bytes (it does not match the schema, or the codec failed). */
export class SerializationError extends SchemasError {
  constructor(
    message: string,
    readonly topic: string,
    options: PlatformErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** Bytes could not be turned into a value (bad framing, unknown schema id, incompatible writer schema). */
export class DeserializationError extends SchemasError {
  constructor(
    message: string,
    readonly topic: string,
    options: PlatformErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** The schema registry refused or could not be reached; retriable when the failure was transport-level. */
export class SchemaRegistryError extends SchemasError {
  constructor(
    message: string,
    readonly subject: string,
    options: PlatformErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** An `.avsc` change is not BACKWARD compatible with the previous version. */
export class SchemaCompatibilityError extends SchemasError {}
