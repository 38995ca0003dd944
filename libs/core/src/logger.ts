import pino, { type Logger } from 'pino';
import { trace } from '@opentelemetry/api';

export type { Logger };

const SECRET_FIELDS = ['password', 'secret', 'token', 'apiKey', 'api_key', 'authorization', 'cookie', 'clientSecret', 'privateKey'];

/**
 * Never logged, whatever a caller passes in: credentials at any depth pino's paths can name
 * (top level, one and two levels down), request credentials, connection strings with passwords,
 * and email addresses (personal data: log lines carry ids only, at every level).
 */
const REDACT = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'config.MONGODB_URI',
  'config.AUTH_JWT_SECRET',
  'config.KAFKA_SASL_PASSWORD',
  'KAFKA_SASL_PASSWORD',
  'config.GATEWAY_SIGNING_KEY',
  'config.SMTP_PASS',
  'email',
  '*.email',
  '*.*.email',
];

/**
 * pino JSON logs; every line carries the service and, inside a span (the tracing preload's
 * context), the active span's trace_id and span_id. Level from LOG_LEVEL (default info).
 */
export function createLogger(service: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const ctx = span.spanContext();
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
  });
}

/** Hides credentials in a connection string before it reaches a log line. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//[redacted]@');
}
