import type { KafkaMessage } from 'kafkajs';
import type { SchemaRegistryClient } from '@platform/schemas';

/** A record made readable: key as text, value decoded through the registry (Avro), as JSON, or as text. */
export interface DecodedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: string;
  readonly key: string | null;
  /** `avro` (decoded with the writer schema from the registry), `json`, `text`, `binary` (base64), `null` or `undecodable` (base64 + reason). */
  readonly format: 'avro' | 'json' | 'text' | 'binary' | 'null' | 'undecodable';
  readonly value: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly error?: string;
}

/** Headers as text (a header given several times keeps its last value); prototype-free. */
export function headersText(headers: KafkaMessage['headers']): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    out[name] = value === undefined ? '' : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return out;
}

const isConfluentFrame = (value: Buffer) => value.length > 5 && value[0] === 0;

export async function decodeRecord(registry: SchemaRegistryClient, record: { topic: string; partition: number; offset: number; message: KafkaMessage }): Promise<DecodedRecord> {
  const { message } = record;
  const base = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    key: message.key ? message.key.toString('utf8') : null,
    headers: headersText(message.headers),
  };
  const value = message.value;
  if (!value) return { ...base, format: 'null', value: null };
  if (isConfluentFrame(value)) {
    try {
      return { ...base, format: 'avro', value: await registry.decode(value) };
    } catch (error) {
      return { ...base, format: 'undecodable', value: value.toString('base64'), error: (error as Error).message };
    }
  }
  const text = value.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(value)) return { ...base, format: 'binary', value: value.toString('base64') };
  try {
    return { ...base, format: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { ...base, format: 'text', value: text };
  }
}
