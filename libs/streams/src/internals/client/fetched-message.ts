import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { FetchedRecord } from '../fetch/record-batch';

/** kafkajs' message shape for a fetched record; headers in a null-prototype object, repeated names as arrays (as kafkajs). */
export function toKafkaMessage(record: FetchedRecord): KafkaMessage {
  let headers: IHeaders | undefined;
  if (record.headers) {
    headers = Object.create(null) as IHeaders;
    for (const [name, value] of record.headers) {
      if (value === null) continue;
      const seen = headers[name];
      headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
  }
  const message: KafkaMessage = {
    key: record.key,
    value: record.value,
    timestamp: String(record.timestamp),
    attributes: 0,
    offset: String(record.offset),
    headers: headers ?? {},
  };
  return message;
}
