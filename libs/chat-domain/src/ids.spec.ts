import { channelId, conversationId, isUuid, messageId, metadataRecordId, nameUuid } from './ids';

describe('nameUuid (Airy UUIDv5)', () => {
  it('matches the vectors of Airy UUIDv5Test', () => {
    expect(nameUuid('test', 'test')).toBe('51abb963-6078-5efb-b888-d8457a7c76f8');
    expect(nameUuid('source', '98ce13ef-5469-4db3-af62-579be61cfaa4')).toBe('e5fc97f1-2f2d-53c5-85c7-97a83b17e9ff');
  });

  it('hashes the plain concatenation (not RFC 4122 namespaced)', () => {
    expect(nameUuid('te', 'sttest')).toBe(nameUuid('test', 'test'));
    expect(nameUuid('', 'testtest')).toBe('51abb963-6078-5efb-b888-d8457a7c76f8');
  });

  it('sets version 5 and the IETF variant', () => {
    for (const name of ['a', 'b', 'ü', '☃', 'x'.repeat(1000)]) {
      const id = nameUuid('ns', name);
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('5');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
  });

  it('hashes UTF-8 bytes', () => {
    expect(nameUuid('ns', 'ü')).not.toBe(nameUuid('ns', 'u'));
    expect(nameUuid('ns', 'ü')).toBe(nameUuid('nsü', ''));
  });

  it('is deterministic and distinct for distinct inputs', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = nameUuid('channel', String(i));
      expect(nameUuid('channel', String(i))).toBe(id);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });
});

describe('entity ids', () => {
  const twilio = channelId('twilio.sms', '+4915112345678');

  it('derives channel ids from source + source channel id', () => {
    expect(twilio).toBe(nameUuid('twilio.sms', '+4915112345678'));
    expect(channelId('twilio.whatsapp', 'whatsapp:+4915112345678')).not.toBe(twilio);
  });

  it('derives conversation ids from channel + contact id at the source', () => {
    const a = conversationId(twilio, '+4917000000001');
    expect(a).toBe(nameUuid(twilio, '+4917000000001'));
    expect(conversationId(twilio, '+4917000000001')).toBe(a);
    expect(conversationId(channelId('twilio.sms', '+491510000000'), '+4917000000001')).not.toBe(a);
  });

  it('derives message ids from channel + source message id', () => {
    expect(messageId(twilio, 'SM123')).toBe(nameUuid(twilio, 'SM123'));
    expect(messageId(twilio, 'SM124')).not.toBe(messageId(twilio, 'SM123'));
  });

  it('derives metadata record ids from subject:identifier + key (Airy subject string)', () => {
    const conv = conversationId(twilio, '+4917000000001');
    const id = metadataRecordId('conversation', conv, 'contact.display_name');
    expect(id).toBe(nameUuid(`conversation:${conv}`, 'contact.display_name'));
    expect(metadataRecordId('conversation', conv, 'state')).not.toBe(id);
    expect(metadataRecordId('message', conv, 'contact.display_name')).not.toBe(id);
  });
});

describe('isUuid', () => {
  it('accepts canonical UUIDs only', () => {
    expect(isUuid('51abb963-6078-5efb-b888-d8457a7c76f8')).toBe(true);
    expect(isUuid('51ABB963-6078-5EFB-B888-D8457A7C76F8')).toBe(true);
    expect(isUuid('51abb9636078-5efb-b888-d8457a7c76f8')).toBe(false);
    expect(isUuid('')).toBe(false);
  });
});
