import { Schema } from 'mongoose';

/**
 * Schema paths for the fields the store keeps in every aggregate document, so that mongoose
 * reads (lists, projections) know them. Writes of aggregates go through the store only.
 */
export const storedPaths = { _v: Number, outbox: { type: [Schema.Types.Mixed], default: undefined } };
