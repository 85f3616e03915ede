import { TopicDeclaration } from '../declaration';
import { rawEventsTopic } from './defaults';

const rawEvents = (provider: string, format: 'json' | 'string', meaning: string): TopicDeclaration => ({
  ...rawEventsTopic,
  name: `source.${provider}.events`,
  description: `Untouched ${provider} webhook payloads, written before any mapping (replayable).`,
  value: format === 'json' ? { format: 'json', meaning } : { format: 'string', meaning },
  owner: `connector-${provider}`,
});

/** Raw ingress per provider: one writer (the connector's webhook endpoint), one reader (its router). */
export const sourceTopics: readonly TopicDeclaration[] = [
  rawEvents('chatplugin', 'json', 'chat widget event (visitor message, typing…)'),
  rawEvents('twilio', 'string', 'form-urlencoded Twilio webhook body'),
  rawEvents('facebook', 'json', 'Meta webhook body (Messenger and Instagram)'),
  rawEvents('whatsapp', 'json', 'WhatsApp Cloud API webhook body'),
  rawEvents('viber', 'json', 'Viber webhook body'),
];
