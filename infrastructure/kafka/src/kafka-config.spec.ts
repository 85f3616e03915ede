import { kafkaServerProperties, newClusterId } from './kafka-config';

const parse = (text: string) => Object.fromEntries(text.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));

describe('kafkaServerProperties', () => {
  const props = parse(kafkaServerProperties({ dataDir: '/data/k', port: 19092, controllerPort: 19093 }));

  it('describes a single combined broker/controller with a static quorum on loopback', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props['log.dirs']).toBe('/data/k');
  });

  it('uses single-replica, one-partition internal topics and no auto-creation', () => {
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['offsets.topic.num.partitions']).toBe('1');
    expect(props['transaction.state.log.num.partitions']).toBe('1');
    expect(props['auto.create.topics.enable']).toBe('false');
    expect(props['group.initial.rebalance.delay.ms']).toBe('0');
  });

  it('lets extra properties override defaults', () => {
    const custom = parse(kafkaServerProperties({ dataDir: '/d', port: 1, controllerPort: 2, extra: { 'num.partitions': 3, 'auto.create.topics.enable': true } }));
    expect(custom['num.partitions']).toBe('3');
    expect(custom['auto.create.topics.enable']).toBe('true');
  });
});

describe('newClusterId', () => {
  it('is 22 base64url characters and never starts with a dash', () => {
    let calls = 0;
    const random = (size: number) => (++calls === 1 ? Buffer.alloc(size, 0xfb) : Buffer.alloc(size, 7));
    const id = newClusterId(random);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(calls).toBe(2);
  });
});
