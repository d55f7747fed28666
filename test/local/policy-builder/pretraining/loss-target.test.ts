// The stage stopping rule: a full window's mean loss at or below the target, never before a full window, never without a target.
import { createLossTarget } from '../../../../local/policy-builder/pretraining/loss-target';

describe('createLossTarget', () => {
  it('is reached only once a full window averages at or below the target', () => {
    const target = createLossTarget(0.5, 4);
    for (const loss of [0.1, 0.1, 0.1]) target.observe(loss);
    expect(target.windowMean()).toBeNull();
    expect(target.reached()).toBe(false);
    target.observe(1.7);
    expect(target.windowMean()).toBeCloseTo(0.5, 12);
    expect(target.reached()).toBe(true);
  });

  it('forgets losses older than the window', () => {
    const target = createLossTarget(0.5, 2);
    for (const loss of [0.1, 0.1, 3, 0.2]) target.observe(loss);
    expect(target.windowMean()).toBeCloseTo(1.6, 12);
    expect(target.reached()).toBe(false);
    target.observe(0.3);
    expect(target.windowMean()).toBeCloseTo(0.25, 12);
    expect(target.reached()).toBe(true);
  });

  it('is never reached without a target, whatever the losses', () => {
    const target = createLossTarget(null, 1);
    target.observe(0);
    expect(target.windowMean()).toBe(0);
    expect(target.reached()).toBe(false);
  });

  it('rejects a target or window that could never make sense', () => {
    expect(() => createLossTarget(0)).toThrow('expected a positive number or null, received 0');
    expect(() => createLossTarget(Number.NaN)).toThrow('received NaN');
    expect(() => createLossTarget(1, 0)).toThrow('expected a positive integer, received 0');
  });
});
