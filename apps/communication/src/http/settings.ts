import type { ChatTopics } from '@platform/chat-streams';

/** Injection token of the settings the controllers and routing share. */
export const COMMUNICATION_SETTINGS = Symbol('communication-settings');

export interface CommunicationSettings {
  readonly topics: ChatTopics;
  readonly retryAfterSeconds: number;
  /** Timeout of one call to another replica (gathering a list, locating a message, forwarding). */
  readonly peerTimeoutMs: number;
  /** Authorization of calls a replica makes on its own behalf (stamp watches): the system token. */
  readonly peerAuthorization: string;
}
