/** The one public API (the gateway, docs/api.md) that every demo call goes through. */
export const API = `${process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:4000'}/api/v1`;
