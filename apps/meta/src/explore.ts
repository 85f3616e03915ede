import { bodySchema, isPlainObject, validateBody } from '@platform/chat-domain';
import { errorMessage } from '@platform/common';
import type { ChannelLookup } from '@platform/connector-kit';
import { GraphRefusedError, MetaRequestError } from './errors';
import { describeGraphError, type GraphClient } from './graph-client';
import { FACEBOOK, metaChannelId } from './meta-channels';
import { arrayOf, idOf, textOf } from './webhook-body';

export const exploreSchema = bodySchema({ auth_token: { type: 'string', required: true, maxLength: 4096 } });

export interface ExploredPage {
  readonly page_id: string;
  readonly name: string;
  readonly image_url: string | null;
  readonly access_token: string;
  readonly connected: boolean;
}

/**
 * `channels.facebook.explore {auth_token}`: the pages the user manages (`GET /me/accounts` with the
 * user token, first 100), each with its page token and whether its Messenger channel is connected here.
 */
export async function explorePages(graph: GraphClient, channels: ChannelLookup, body: unknown): Promise<{ data: ExploredPage[] }> {
  const checked = validateBody(body, exploreSchema);
  if (!checked.ok) throw new MetaRequestError(checked.message);
  let answer: Awaited<ReturnType<GraphClient['get']>>;
  try {
    answer = await graph.get('me/accounts', checked.value.auth_token, { fields: 'id,name,access_token,picture', limit: '100' });
  } catch (error) {
    throw new GraphRefusedError(`Graph API not reachable: ${errorMessage(error)}`, 502);
  }
  if (!answer.ok) throw new GraphRefusedError(describeGraphError('the user token', answer.status, answer.error), answer.status >= 400 && answer.status < 500 ? 400 : 502);
  const data: ExploredPage[] = [];
  for (const page of arrayOf(answer.body.data).slice(0, 100)) {
    if (!isPlainObject(page)) continue;
    const id = idOf(page.id);
    const token = textOf(page.access_token, 4096);
    if (id === undefined || token === undefined) continue;
    const picture = isPlainObject(page.picture) && isPlainObject(page.picture.data) ? textOf(page.picture.data.url, 2000) : undefined;
    data.push({ page_id: id, name: textOf(page.name, 200) ?? id, image_url: picture ?? null, access_token: token, connected: channels.get(metaChannelId(FACEBOOK, id))?.connectionState === 'CONNECTED' });
  }
  return { data };
}
