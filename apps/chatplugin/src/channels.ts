import type { GlobalTable } from '@platform/chat-streams';
import type { Channel } from '@platform/schemas';
import { CHATPLUGIN_SOURCE } from './streams/router';

/** The chat plugin channels, from a GlobalTable of the channels topic (every instance holds all of them). */
export class ChannelDirectory {
  constructor(private readonly table: Pick<GlobalTable<Channel>, 'get' | 'waitForPosition'>) {}

  /** The chat plugin channel with this id (connected or not); undefined for unknown or other sources. */
  chatpluginChannel(id: string): Channel | undefined {
    const channel = this.table.get(id);
    return channel?.source === CHATPLUGIN_SOURCE ? channel : undefined;
  }

  /** True when visitors may use the channel: a chat plugin channel, connected. */
  isOpen(id: string): boolean {
    return this.chatpluginChannel(id)?.connectionState === 'CONNECTED';
  }

  /** Waits until this instance's table has applied a channel write (read-your-writes for connect/disconnect). */
  waitFor(partition: number, offset: string, timeoutMs: number): Promise<boolean> {
    return this.table.waitForPosition(partition, offset, timeoutMs);
  }
}
