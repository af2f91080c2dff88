import { describe, expect, it } from 'vitest';
import { applyServiceRows, serviceIssues, serviceRows } from './service-rows';
import { emptyStage } from './types';

const db = {
  name: 'db',
  image: 'redis:7',
  command: ['redis-server', '--save', ''],
  args: ['--port', '6379'],
  env: [{ name: 'LANG', value: 'C' }],
  readiness: { tcpPort: 6379, timeout: '1m' },
};

describe('service rows of the stage form', () => {
  it('shows each service as a row and keeps what the row does not show', () => {
    const rows = serviceRows([db]);
    expect(rows).toEqual([{ name: 'db', image: 'redis:7', command: 'redis-server --save ', readiness: '6379' }]);
    // Unchanged text keeps the exact words (the empty argument survives).
    expect(applyServiceRows([db], rows)).toEqual([db]);
    const edited = applyServiceRows([db], [{ ...rows[0], readiness: 'redis-cli ping' } as (typeof rows)[0]]);
    expect(edited[0]).toEqual({ ...db, readiness: { command: ['redis-cli', 'ping'], timeout: '1m' } });
  });

  it('a new row becomes a service; an empty readiness means ready once started', () => {
    expect(applyServiceRows([], [{ name: 'cache', image: 'memcached', command: '', readiness: '' }])).toEqual([
      { name: 'cache', image: 'memcached', command: [], args: [], env: [] },
    ]);
  });

  it('says what the server would refuse', () => {
    const stage = {
      ...emptyStage('test'),
      services: [
        db,
        { ...db, readiness: { tcpPort: 70_000 } },
        { ...db, name: 'test', image: '' },
        { ...db, name: 'Bad' },
      ],
    };
    expect(serviceIssues(stage).map((issue) => issue.message)).toEqual([
      'stage "test": service "db" is repeated',
      'stage "test": service "db": readiness port must be 1 to 65535',
      'stage "test": service "test" must not have the stage\'s own name',
      'stage "test": service "test" needs an image',
      'stage "test": service name "Bad" must be lower-case letters, digits and "-" (at most 59 characters)',
    ]);
  });
});
