import { contractViolation, type RawAnswer, type RawRequest } from './raw-request';

/** A request that broke the error contract, with what it takes to send it again. */
export interface Violation {
  readonly endpoint: string;
  readonly label: string;
  readonly problem: string;
  readonly contentType: string | undefined;
  readonly headers: Record<string, string> | undefined;
  /** The body as sent, cut to a readable length (its full length is given). */
  readonly body: string;
  readonly bodyLength: number;
  readonly answer: string;
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** Counts answers by status (overall, per endpoint, per body kind) and keeps the contract violations. */
export class StatusTally {
  private readonly byStatus = new Map<number, number>();
  private readonly byEndpoint = new Map<string, Map<number, number>>();
  private readonly byLabel = new Map<string, Map<number, number>>();
  readonly violations: Violation[] = [];
  total = 0;

  record(request: RawRequest, answer: RawAnswer): string | undefined {
    this.total++;
    bump(this.byStatus, answer.status);
    bump(getOrNew(this.byEndpoint, request.endpoint), answer.status);
    bump(getOrNew(this.byLabel, request.label.split(':')[0]!), answer.status);
    const problem = contractViolation(answer);
    if (problem !== undefined) {
      this.violations.push({
        endpoint: request.endpoint,
        label: request.label,
        problem,
        contentType: request.contentType,
        headers: request.headers,
        body: cut(request.body, 300),
        bodyLength: request.body.length,
        answer: cut(answer.text, 300),
      });
    }
    return problem;
  }

  /** Count of answers with this status. */
  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }

  /** The tables for the test output: statuses overall, then per endpoint and per body kind. */
  format(): string {
    const statuses = [...this.byStatus.keys()].sort((a, b) => a - b);
    const lines = [`${this.total} requests by status:`, ...statuses.map((s) => `  ${s}  ${this.byStatus.get(s)}`)];
    const table = (title: string, rows: Map<string, Map<number, number>>) => {
      lines.push(`${title.padEnd(34)} ${statuses.map((s) => String(s).padStart(5)).join('')}`);
      for (const [name, counts] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`  ${name.padEnd(32)} ${statuses.map((s) => String(counts.get(s) ?? 0).padStart(5)).join('')}`);
      }
    };
    table('by endpoint', this.byEndpoint);
    table('by body kind', this.byLabel);
    return lines.join('\n');
  }

  /** The violations, as reproductions a failure message can show. */
  describeViolations(max = 25): string {
    const shown = this.violations.slice(0, max).map(
      (v) =>
        `${v.problem}: POST /${v.endpoint} [${v.label}] content-type=${v.contentType ?? '(none)'}${v.headers ? ` headers=${JSON.stringify(v.headers)}` : ''} body(${v.bodyLength})=${v.body}\n    → ${v.answer}`,
    );
    const more = this.violations.length > max ? [`… and ${this.violations.length - max} more`] : [];
    return [...shown, ...more].join('\n');
  }
}

function bump(counts: Map<number, number>, status: number): void {
  counts.set(status, (counts.get(status) ?? 0) + 1);
}

function getOrNew(map: Map<string, Map<number, number>>, key: string): Map<number, number> {
  let value = map.get(key);
  if (value === undefined) {
    value = new Map();
    map.set(key, value);
  }
  return value;
}
