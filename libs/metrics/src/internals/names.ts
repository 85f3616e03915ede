import { MetricsError } from '../errors';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws unless `name` is a valid Prometheus metric name. */
export function validateMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new MetricsError(`invalid metric name ${JSON.stringify(name)}: must match ${METRIC_NAME.source}`);
  }
}

/** Prefix given to a registry: empty, or itself the start of a valid metric name. */
export function validatePrefix(prefix: string): void {
  if (prefix !== '' && !METRIC_NAME.test(prefix)) {
    throw new MetricsError(`invalid metric prefix ${JSON.stringify(prefix)}: must match ${METRIC_NAME.source}`);
  }
}

/**
 * Throws unless every label name is valid, unique and not reserved (`__*` is reserved by
 * Prometheus; `reserved` adds per-type names such as `le` for histograms).
 */
export function validateLabelNames(metric: string, labelNames: readonly string[], reserved: readonly string[] = []): void {
  const seen = new Set<string>();
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) {
      throw new MetricsError(`invalid label name ${JSON.stringify(label)} on ${metric}: must match ${LABEL_NAME.source} and not start with __`);
    }
    if (reserved.includes(label)) throw new MetricsError(`label name ${JSON.stringify(label)} is reserved on ${metric}`);
    if (seen.has(label)) throw new MetricsError(`duplicate label name ${JSON.stringify(label)} on ${metric}`);
    seen.add(label);
  }
}
