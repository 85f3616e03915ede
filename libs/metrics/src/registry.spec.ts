import { contentType, MetricsError, MetricsRegistry } from './index';
import { PlatformError } from '@platform/common';

describe('MetricsRegistry', () => {
  it('exposes the 0.0.4 content type', async () => {
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('returns the existing metric for the same definition', async () => {
    const registry = new MetricsRegistry();
    const a = registry.counter({ name: 'c_total', help: 'h', labelNames: ['topic'] });
    const b = registry.counter({ name: 'c_total', help: 'h', labelNames: ['topic'] });
    expect(b).toBe(a);
    const h = registry.histogram({ name: 'h', help: 'h', buckets: [1, 2] });
    expect(registry.histogram({ name: 'h', help: 'h', buckets: [1, 2] })).toBe(h);
    expect(registry.get('c_total')).toBe(a);
  });

  it('rejects a conflicting definition under the same name', async () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: 'm', help: 'h', labelNames: ['topic'] });
    const conflicts = [
      () => registry.gauge({ name: 'm', help: 'h', labelNames: ['topic'] }),
      () => registry.counter({ name: 'm', help: 'h', labelNames: ['partition'] }),
      () => registry.counter({ name: 'm', help: 'h' }),
      () => registry.counter({ name: 'm', help: 'other', labelNames: ['topic'] }),
    ];
    for (const conflict of conflicts) {
      expect(conflict).toThrow(MetricsError);
      expect(conflict).toThrow(/metric m is already registered/);
    }
    registry.histogram({ name: 'h', help: 'h', buckets: [1] });
    expect(() => registry.histogram({ name: 'h', help: 'h', buckets: [2] })).toThrow(MetricsError);
    const error = (() => {
      try {
        registry.gauge({ name: 'm', help: 'h' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as MetricsError).retriable).toBe(false);
  });

  it('validates metric and label names', async () => {
    const registry = new MetricsRegistry();
    for (const name of ['', '1abc', 'a-b', 'a b', 'é']) {
      expect(() => registry.counter({ name, help: 'h' })).toThrow(/invalid metric name/);
    }
    for (const name of ['a', '_a', ':a:b', 'a_1:x']) expect(() => registry.gauge({ name, help: 'h' })).not.toThrow();
    for (const label of ['1a', 'a:b', '__reserved', 'a-b']) {
      expect(() => registry.counter({ name: 'x', help: 'h', labelNames: [label] })).toThrow(/invalid label name/);
    }
    expect(() => registry.counter({ name: 'x', help: 'h', labelNames: ['a', 'a'] })).toThrow(/duplicate label name/);
  });

  it('escapes label values and help text', async () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge({ name: 'g', help: 'Back\\slash, "quotes" and\nnewline.', labelNames: ['v'] });
    gauge.labels({ v: 'a\\b"c"\nd' }).set(1);
    expect((await registry.metrics())).toBe(
      '# HELP g Back\\\\slash, "quotes" and\\nnewline.\n# TYPE g gauge\ng{v="a\\\\b\\"c\\"\\nd"} 1\n',
    );
  });

  it('renders families in registration order (blank line between) and an empty registry as empty text', async () => {
    const registry = new MetricsRegistry();
    expect((await registry.metrics()).trim()).toBe('');
    registry.gauge({ name: 'b', help: 'h' });
    registry.counter({ name: 'a_total', help: 'h' });
    expect(await registry.metrics()).toBe('# HELP b h\n# TYPE b gauge\nb 0\n\n# HELP a_total h\n# TYPE a_total counter\na_total 0\n');
  });

  it('prefixes every name and looks metrics up without the prefix', async () => {
    const registry = new MetricsRegistry({ prefix: 'platform_' });
    const counter = registry.counter({ name: 'records_total', help: 'h' });
    expect(counter.name).toBe('platform_records_total');
    expect(registry.get('records_total')).toBe(counter);
    expect((await registry.metrics())).toContain('\nplatform_records_total 0\n');
    expect(registry.unregister('records_total')).toBe(true);
    expect((await registry.metrics()).trim()).toBe('');
    expect(() => new MetricsRegistry({ prefix: '9x' })).toThrow(/invalid metric prefix/);
  });

  it('keeps apps apart: one prom-client registry per MetricsRegistry, never the global one', async () => {
    const a = new MetricsRegistry();
    const b = new MetricsRegistry();
    a.counter({ name: 'requests_total', help: 'h' }).inc(5);
    b.counter({ name: 'requests_total', help: 'h' }).inc(1);
    expect(await a.metrics()).toContain('\nrequests_total 5\n');
    expect(await b.metrics()).toContain('\nrequests_total 1\n');
    expect(await (await import('prom-client')).register.metrics()).not.toContain('requests_total');
  });

  it('merges registries into one exposition and rejects duplicate names across them', async () => {
    const app = new MetricsRegistry({ prefix: 'platform_' });
    const processRegistry = new MetricsRegistry();
    app.counter({ name: 'x_total', help: 'h' }).inc();
    processRegistry.gauge({ name: 'up', help: 'h' }).set(1);
    expect(await MetricsRegistry.merge([app, processRegistry])).toBe(
      '# HELP platform_x_total h\n# TYPE platform_x_total counter\nplatform_x_total 1\n\n# HELP up h\n# TYPE up gauge\nup 1\n',
    );
    const other = new MetricsRegistry();
    other.gauge({ name: 'up', help: 'h' });
    await expect(MetricsRegistry.merge([processRegistry, other])).rejects.toThrow(/more than one merged registry/);
  });
});
