import type { Consumer } from 'kafkajs';

/**
 * What the runtime's pausing and rewinding needs from whatever reads the input: the kafkajs consumer,
 * or the engine's own InputFetcher (`fetchPath: 'lean'`), which has the same signatures.
 */
export type InputControl = Pick<Consumer, 'pause' | 'resume' | 'seek'>;
