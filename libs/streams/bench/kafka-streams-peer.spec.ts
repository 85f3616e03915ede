import { kafkaVersionOf, peerKafkaVersions } from './kafka-streams-peer';

describe('Kafka Streams peer of the bench', () => {
  it("is built against the broker's Kafka version (kafka-streams-peer/pom.xml and infrastructure/kafka/pom.xml agree)", () => {
    const { peer, broker } = peerKafkaVersions();
    expect(broker).toMatch(/^\d+\.\d+\.\d+/);
    expect(peer).toBe(broker);
  });

  it('reads kafka.version from the properties of a pom', () => {
    expect(kafkaVersionOf('<properties>\n  <kafka.version> 4.3.1 </kafka.version>\n</properties>')).toBe('4.3.1');
    expect(kafkaVersionOf('<project><version>1</version></project>')).toBeUndefined();
  });
});
