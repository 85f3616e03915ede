/**
 * Addresses of the broker and registry under test. `npm test` (and the Jest global setup when run directly)
 * put them into the environment; these helpers are the only place specs read them.
 */
export function kafkaBrokers(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new Error('KAFKA_BROKERS is not set — run tests with `npm test`, or through a jest config using jest.preset.cjs');
  }
  return brokers;
}

/** Confluent-compatible registry base URL, e.g. http://127.0.0.1:8080/apis/ccompat/v7 */
export function registryUrl(): string {
  const url = process.env.SCHEMA_REGISTRY_URL;
  if (!url) {
    throw new Error('SCHEMA_REGISTRY_URL is not set — run tests with `npm test`, or through a jest config using jest.preset.cjs');
  }
  return url.replace(/\/+$/, '');
}
