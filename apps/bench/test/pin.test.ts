import { describe, expect, it } from 'vitest';
import { choosePin, pinCpu, pinNote, pinned } from '../src/pin.js';

describe('pinning one-thread children to a CPU', () => {
  it('takes the first CPU of the affinity list, or says why it does not pin', () => {
    expect(choosePin({}, 'linux', () => "pid 7's current affinity list: 0,1\n")).toEqual({ cpu: 0 });
    expect(choosePin({}, 'linux', () => "pid 7's current affinity list: 3-5\n")).toEqual({ cpu: 3 });
    expect(choosePin({ NNET_BENCH_PIN: '0' }, 'linux', () => 'list: 0')).toEqual({ why: 'NNET_BENCH_PIN=0' });
    expect(choosePin({}, 'darwin', () => null)).toEqual({ why: 'not Linux (darwin)' });
    expect(choosePin({}, 'linux', () => null)).toHaveProperty('why');
    expect(choosePin({}, 'linux', () => 'garbage')).toHaveProperty('why');
    // taskset is not asked when pinning is off or not Linux.
    const never = () => {
      throw new Error('taskset asked');
    };
    expect(choosePin({ NNET_BENCH_PIN: '0' }, 'linux', never)).toEqual({ why: 'NNET_BENCH_PIN=0' });
    expect(choosePin({}, 'win32', never)).toEqual({ why: 'not Linux (win32)' });
  });

  it('wraps one-thread commands in taskset when pinning, and leaves the others alone', () => {
    const pin = pinCpu();
    expect(pinned(2, 'node', ['a.js'])).toEqual(['node', ['a.js']]);
    if ('cpu' in pin) {
      expect(pinned(1, 'node', ['a.js'])).toEqual(['taskset', ['-c', String(pin.cpu), 'node', 'a.js']]);
      expect(pinNote()).toMatch(new RegExp(`pinned to CPU ${pin.cpu}`));
    } else {
      expect(pinned(1, 'node', ['a.js'])).toEqual(['node', ['a.js']]);
      expect(pinNote()).toMatch(/not pinned/);
    }
  });
});
