import { KeyedSerializer } from '../../src/billing/sync/keyed-serializer';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('running tasks one key at a time', () => {
  it('runs tasks of one key in order, never overlapping, and keys independently', async () => {
    const serial = new KeyedSerializer();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([serial.run('a', task('a1')), serial.run('a', task('a2')), serial.run('b', task('b1'))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a2 start')).toBeGreaterThan(log.indexOf('a1 end'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('goes on after a failed task, and reports the failure to its caller only', async () => {
    const serial = new KeyedSerializer();
    const failed = serial.run('a', async () => {
      throw new Error('provider down');
    });
    const next = serial.run('a', async () => 'recovered');
    await expect(failed).rejects.toThrow('provider down');
    await expect(next).resolves.toBe('recovered');
  });
});
