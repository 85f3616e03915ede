import { UnreachableError } from './errors';
import { checkKafkaReachable, checkRegistryReachable } from './external';
import { freePort } from './ports';

describe('reachability checks', () => {
  it('reports an unreachable broker as one line', async () => {
    const port = await freePort();
    const check = checkKafkaReachable({ brokers: [`127.0.0.1:${port}`] }, 2000);
    await expect(check).rejects.toBeInstanceOf(UnreachableError);
    await expect(checkKafkaReachable({ brokers: [`127.0.0.1:${port}`] }, 2000)).rejects.toThrow(/^Kafka at 127\.0\.0\.1:\d+ is unreachable \([^\n]*\) — check KAFKA_BROKERS[^\n]*$/);
  });

  it('reports an unreachable registry as one line', async () => {
    const port = await freePort();
    await expect(checkRegistryReachable({ url: `http://127.0.0.1:${port}/apis/ccompat/v7` }, 2000)).rejects.toThrow(
      /^schema registry at http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7 does not answer GET \/subjects \([^\n]*\) — check SCHEMA_REGISTRY_URL[^\n]*$/,
    );
  });
});
