import { afterEach, describe, expect, it } from 'vitest';
import { getDebug, setDebug, ValueError } from '../src/index.js';

const initial = { ...getDebug() };
afterEach(() => {
  setDebug(initial);
});

describe('setDebug / getDebug', () => {
  it('checkValues is on by default and switches off and back', () => {
    expect(initial).toEqual({ checkIndices: true, detectAnomaly: false, checkValues: true });
    const prev = setDebug({ checkValues: false });
    expect(prev.checkValues).toBe(true);
    expect(getDebug()).toEqual({ checkIndices: true, detectAnomaly: false, checkValues: false });
    expect(setDebug({ checkValues: true }).checkValues).toBe(false);
    expect(getDebug().checkValues).toBe(true);
  });

  it('an undefined option leaves that setting as it is', () => {
    setDebug({ checkValues: false });
    setDebug({ checkValues: undefined, detectAnomaly: true });
    expect(getDebug()).toEqual({ checkIndices: true, detectAnomaly: true, checkValues: false });
  });

  it('refuses a non-boolean or unknown option, naming it, and changes nothing', () => {
    for (const bad of [1, 'false', null]) {
      const call = () => setDebug({ detectAnomaly: true, checkValues: bad as unknown as boolean });
      expect(call).toThrow(ValueError);
      expect(call).toThrow(/^setDebug: checkValues must be true or false/);
      expect(getDebug()).toEqual(initial);
    }
    expect(() => setDebug({ checkValue: true } as unknown as { checkValues: boolean })).toThrow(
      /unknown option 'checkValue'; the options are checkIndices, detectAnomaly, checkValues/,
    );
    expect(() => setDebug(null as unknown as { checkValues: boolean })).toThrow(ValueError);
  });
});
