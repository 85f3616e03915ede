import type { ApiClient } from './api';

/**
 * Normal traffic while a hostile load runs: an agent sends a message to one conversation and reads
 * `conversations.list`, over and over, and every app's readiness probe is polled. Whatever is not
 * answered correctly is kept for the assertions.
 */
export class BackgroundTraffic {
  readonly sentTexts: string[] = [];
  readonly sentIds: string[] = [];
  readonly failures: string[] = [];
  rounds = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly agent: ApiClient,
    private readonly conversationId: string,
    private readonly probes: Readonly<Record<string, string>>,
    private readonly pauseMs = 250,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the round in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const round = this.rounds++;
      await this.step(`send #${round}`, async () => {
        const text = `background message ${round}`;
        const answer = await this.agent.post<{ id?: unknown; message?: unknown }>('messages.send', { conversation_id: this.conversationId, message: { text } });
        if (answer.status !== 200 || typeof answer.body.id !== 'string') return `messages.send answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`;
        this.sentTexts.push(text);
        this.sentIds.push(answer.body.id);
        return undefined;
      });
      await this.step(`list #${round}`, async () => {
        const answer = await this.agent.post<{ data?: Array<{ id: string }> }>('conversations.list', { page_size: 50 });
        if (answer.status !== 200 || !Array.isArray(answer.body.data)) return `conversations.list answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`;
        return answer.body.data.some((c) => c.id === this.conversationId) ? undefined : 'conversations.list lost the background conversation';
      });
      for (const [name, url] of Object.entries(this.probes)) {
        await this.step(`ready ${name} #${round}`, async () => {
          const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(10_000) });
          return response.status === 200 ? undefined : `${name} /health/ready answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
        });
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }

  private async step(what: string, check: () => Promise<string | undefined>): Promise<void> {
    try {
      const problem = await check();
      if (problem !== undefined) this.failures.push(`${what}: ${problem}`);
    } catch (error) {
      this.failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
