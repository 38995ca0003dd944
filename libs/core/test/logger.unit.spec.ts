import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createLogger } from '../src/logger';

describe('createLogger', () => {
  it('given credentials and an email among the fields, when logged at info, then none of them is written', () => {
    const out: string[] = [];
    const logger = createLogger('test-service', 'info');
    // pino writes to its destination stream; swap it for a capturing one
    const stream = (logger as unknown as Record<symbol, { write(s: string): void }>)[pino.symbols.streamSym]!;
    stream.write = (s: string) => void out.push(s);
    logger.info(
      {
        password: 'p4ss',
        config: { MONGODB_URI: 'mongodb://u:pw@h/db', AUTH_JWT_SECRET: 'jwt-secret-value' },
        req: { headers: { authorization: 'Bearer abc.def.ghi', 'x-api-key': 'lma_key_value' } },
        installer: { email: 'grace@example.com', firstName: 'Grace' },
        data: { owner: { apiKey: 'nested-key' } },
        leadId: 'lead-1',
      },
      'something happened',
    );
    expect(out).toHaveLength(1);
    const line = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', service: 'test-service', msg: 'something happened', leadId: 'lead-1' });
    for (const secret of ['p4ss', 'u:pw', 'jwt-secret-value', 'abc.def.ghi', 'lma_key_value', 'grace@example.com', 'nested-key']) {
      expect(out[0]).not.toContain(secret);
    }
  });

  it('given LOG_LEVEL warn, when info is logged, then nothing is written', () => {
    const out: string[] = [];
    const logger = createLogger('test-service', 'warn');
    const stream = (logger as unknown as Record<symbol, { write(s: string): void }>)[pino.symbols.streamSym]!;
    stream.write = (s: string) => void out.push(s);
    logger.info('quiet');
    logger.warn('loud');
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['loud']);
  });
});
