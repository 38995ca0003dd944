// only the declarations' module: the package's index would load the store's Kafka relay, which the gateway has no use for
import type { DeclaredQuery } from '@lma/store/dist/queries';

/** Every query of the gateway other than by `_id` (libs/store/src/queries.ts); a key is looked up by `_id`. */
export const gatewayQueries: readonly DeclaredQuery[] = [
  {
    collection: 'api_keys',
    fields: ['_id'],
    index: { _id: 1 },
    bound: 'a page (at most 200) of the API keys an administrator asked for; keys are made by administrators one at a time (tens)',
  },
  {
    collection: 'api_keys',
    fields: ['_id', 'revokedAt'],
    index: { _id: 1 },
    bound: 'one key by _id, on the condition that it is not revoked yet (a revocation and its audit entry written once)',
  },
];
