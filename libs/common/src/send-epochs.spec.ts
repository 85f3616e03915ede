import { parseSendEpochs, senderAt, sendEpochGuard, sendEpochWriter, type SendEpochs } from './send-epochs';

describe('send epochs', () => {
  const epochs = [{ version: 1, from: 0 }, { version: 2, from: 1000 }, { version: 1, from: 2000 }];

  it('names one sender per time: the latest epoch starting at or before it', () => {
    expect([0, 999, 1000, 1999, 2000, 5000].map((t) => senderAt(epochs, t))).toEqual([1, 1, 2, 2, 1, 1]);
    expect(senderAt([{ version: 3, from: 500 }], 10)).toBe(3); // before every epoch: the earliest
    expect(senderAt([], 10)).toBeUndefined();
  });

  it('lets exactly one of two versions perform each send; without a record, the only version sends', () => {
    let record: SendEpochs | undefined = undefined;
    const v1 = sendEpochGuard(1, () => record);
    const v2 = sendEpochGuard(2, () => record);
    expect(v1.performs(10)).toBe(true);
    record = { epochs };
    for (const t of [0, 999, 1000, 1999, 2000]) expect(Number(v1.performs(t)) + Number(v2.performs(t))).toBe(1);
    expect(v2.performs(1500)).toBe(true);
  });

  it('decides nothing past what the view is known complete for: a version that has not read a hand-over waits', () => {
    let record: SendEpochs | undefined = { epochs: [{ version: 1, from: 0 }] };
    let fresh = 900;
    const v1 = sendEpochGuard(1, () => record, () => fresh);
    const v2 = sendEpochGuard(2, () => record, () => fresh);
    expect(v1.performs(800)).toBe(true);
    // A send timed after the view's freshness: neither decides yet (the hand-over to v2 may be unread).
    expect([v1.performs(1200), v2.performs(1200)]).toEqual([false, false]);
    record = { epochs: [{ version: 1, from: 0 }, { version: 2, from: 1000 }] };
    fresh = 1300;
    expect([v1.performs(1200), v2.performs(1200)]).toEqual([false, true]);
    expect([v1.performs(800), v2.performs(800)]).toEqual([true, false]);
  });

  it('writer: one version writes each decided time; a time past the view is written by both rather than by none', () => {
    const record: SendEpochs = { epochs: [{ version: 1, from: 0 }, { version: 2, from: 1000 }] };
    const fresh = 1300;
    const v1 = sendEpochWriter(1, () => record, () => fresh);
    const v2 = sendEpochWriter(2, () => record, () => fresh);
    expect([800, 1200].map((t) => [v1.performs(t), v2.performs(t)])).toEqual([[true, false], [false, true]]);
    expect([v1.performs(1500), v2.performs(1500)]).toEqual([true, true]);
    expect(sendEpochWriter(3, () => undefined).performs(5)).toBe(true);
  });

  it('parses bounded records only', () => {
    expect(parseSendEpochs({ epochs: [{ version: 2, from: 5 }] })).toEqual({ epochs: [{ version: 2, from: 5 }] });
    expect(parseSendEpochs({ epochs: [{ version: '2', from: 5 }] })).toBeUndefined();
    expect(parseSendEpochs({ epochs: Array.from({ length: 65 }, () => ({ version: 1, from: 0 })) })).toBeUndefined();
    expect(parseSendEpochs(null)).toBeUndefined();
  });
});
