import { checkBackwardCompatibility } from './compatibility';

const v1 = {
  type: 'record',
  name: 'Thing',
  namespace: 'platform.avro',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'BLUE'] } },
  ],
};
const withField = (field: object) => ({ ...v1, fields: [...v1.fields, field] });

describe('checkBackwardCompatibility', () => {
  it('passes when a field is added with a default', () => {
    expect(checkBackwardCompatibility(withField({ name: 'note', type: ['null', 'string'], default: null }), v1)).toEqual({ compatible: true });
  });

  it('fails when a field is added without a default', () => {
    const result = checkBackwardCompatibility(withField({ name: 'note', type: 'string' }), v1);
    expect(result.compatible).toBe(false);
  });

  it('passes when a field is removed and when int is promoted to long', () => {
    const removed = { ...v1, fields: [v1.fields[0]] };
    expect(checkBackwardCompatibility(removed, v1)).toEqual({ compatible: true });
    const intV1 = withField({ name: 'n', type: 'int' });
    const longV2 = withField({ name: 'n', type: 'long' });
    expect(checkBackwardCompatibility(longV2, intV1)).toEqual({ compatible: true });
  });

  it('fails when an enum symbol disappears or a type changes incompatibly', () => {
    const shrunk = { ...v1, fields: [v1.fields[0], { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED'] } }] };
    expect(checkBackwardCompatibility(shrunk, v1).compatible).toBe(false);
    const changed = { ...v1, fields: [{ name: 'id', type: 'long' }, v1.fields[1]] };
    expect(checkBackwardCompatibility(changed, v1).compatible).toBe(false);
  });

  it('reports a schema that does not parse', () => {
    expect(checkBackwardCompatibility({ type: 'record' }, v1)).toEqual({ compatible: false, reason: expect.stringContaining('does not parse') });
  });
});
