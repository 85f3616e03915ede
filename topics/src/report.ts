import { TopicsError } from './errors';

/** A topic-level config whose live value differs from the declaration. `null` = not set at topic level. */
export interface ConfigDrift {
  topic: string;
  key: string;
  expected: string | null;
  actual: string | null;
}

export interface PartitionDrift {
  topic: string;
  declared: number;
  actual: number;
  /** `refused-shrink`: never done (also in `errors`); `grow-not-requested`: pass `growPartitions` to grow. */
  action: 'grown' | 'refused-shrink' | 'grow-not-requested';
}

export interface CoPartitionMismatch {
  group: string;
  /** Live partition count per topic of the group (after this apply). */
  partitions: Record<string, number>;
}

/** What `applyTopics` found and did; a value for the caller to print, assert or act on. */
export interface ApplyReport {
  namespace?: string;
  /** Topics absent when this apply listed them and present afterwards (possibly created by a concurrent apply). */
  created: string[];
  /** Existing topics matching their declaration exactly (configs and partitions). */
  unchanged: string[];
  drift: ConfigDrift[];
  /** Topics whose configs were rewritten to the declared set (`correctDrift`). */
  corrected: string[];
  partitions: PartitionDrift[];
  coPartitionMismatches: CoPartitionMismatch[];
  errors: TopicsError[];
}

/** True when the live cluster matches the declarations and nothing failed. */
export function isClean(report: ApplyReport): boolean {
  return (
    report.drift.length === 0 &&
    report.partitions.length === 0 &&
    report.coPartitionMismatches.length === 0 &&
    report.errors.length === 0
  );
}

/** JSON-friendly form (errors flattened to name, topic, message). */
export function reportToJson(report: ApplyReport): Record<string, unknown> {
  return {
    ...report,
    errors: report.errors.map((error) => ({ name: error.name, topic: error.topic, message: error.message, retriable: error.retriable })),
  };
}
