import { describe, expect, it } from '@jest/globals';
import { MicroBatch } from './micro-batch.js';

const fulfilled = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });

describe('MicroBatch', () => {
  it('runs the items handed in together through one call, and answers each caller with its own result', async () => {
    const calls: number[][] = [];
    const batch = new MicroBatch<number, number>((items) => {
      calls.push(items);
      return Promise.resolve(items.map((item) => fulfilled(item * 10)));
    }, { maxBatch: 100, maxInFlight: 1 });
    const answers = await Promise.all([1, 2, 3, 4].map((item) => batch.add(item)));
    expect(answers).toEqual([10, 20, 30, 40]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
  });

  it('caps the batch size and the calls running at once; newcomers go in the next batch', async () => {
    const calls: number[][] = [];
    let running = 0;
    let mostRunning = 0;
    const batch = new MicroBatch<number, number>(async (items) => {
      calls.push(items);
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return items.map(fulfilled);
    }, { maxBatch: 3, maxInFlight: 2 });
    const first = Array.from({ length: 7 }, (_, i) => batch.add(i));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const late = batch.add(7);
    expect(await Promise.all([...first, late])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(calls).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
    expect(mostRunning).toBe(2);
  });

  it('rejects only the caller whose item failed, and every caller of a batch that threw', async () => {
    const perItem = new MicroBatch<number, number>(
      (items) => Promise.resolve(items.map((item): PromiseSettledResult<number> => (item === 2 ? { status: 'rejected', reason: new Error('refused 2') } : fulfilled(item)))),
      { maxBatch: 10, maxInFlight: 1 },
    );
    const settled = await Promise.allSettled([1, 2, 3].map((item) => perItem.add(item)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const whole = new MicroBatch<number, number>(() => Promise.reject(new Error('down')), { maxBatch: 10, maxInFlight: 1 });
    const failed = await Promise.allSettled([1, 2].map((item) => whole.add(item)));
    expect(failed).toEqual([{ status: 'rejected', reason: new Error('down') }, { status: 'rejected', reason: new Error('down') }]);
  });

  it('drained() waits for every item handed in, running or still queued', async () => {
    const done: number[] = [];
    const batch = new MicroBatch<number, void>(async (items) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      done.push(...items);
      return items.map(() => fulfilled(undefined));
    }, { maxBatch: 2, maxInFlight: 1 });
    for (let i = 0; i < 5; i += 1) void batch.add(i);
    await batch.drained();
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  it('with waitMs, gathers what comes in during the delay into the same batch', async () => {
    const calls: number[][] = [];
    const batch = new MicroBatch<number, number>((items) => {
      calls.push(items);
      return Promise.resolve(items.map(fulfilled));
    }, { maxBatch: 100, maxInFlight: 1, waitMs: 30 });
    const first = batch.add(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = batch.add(2);
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(calls).toEqual([[1, 2]]);
  });
});
