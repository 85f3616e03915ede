/**
 * State stores of the admin application (app id `admin`), each logged to
 * `admin-v<version>-<store>-changelog`:
 * - `channels`: channel id → the channel record and its channel-subject metadata facts
 *   (fed by the channels and metadata topics, co-partitioned by channel id);
 * - `channel-metadata-index`: metadata record id → channel id, so a metadata tombstone (which
 *   carries no subject) finds the channel it deletes a fact of;
 * - `tags`: tag id → tag (one partition);
 * - `templates`: template id → template (one partition).
 */
export const AdminStores = {
  channels: 'channels',
  channelMetadataIndex: 'channel-metadata-index',
  tags: 'tags',
  templates: 'templates',
} as const;

export const ADMIN_APPLICATION_ID = 'admin';
