import { StreamsError } from '../../errors';

/** A compression codec cannot be used: its package is not installed, or the name is unknown. Never retriable. */
export class CompressionConfigError extends StreamsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, cause: options.cause });
  }
}

/** Compressed record-batch bytes could not be decompressed (corrupt, truncated, or a framing we do not know). */
export class DecompressionError extends StreamsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retriable: false, cause: options.cause });
  }
}
