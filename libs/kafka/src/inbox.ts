import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from '@lma/core';

export interface Inbox {
  seen(eventId: string): Promise<boolean>;
  record(eventId: string): Promise<void>;
}

interface ProcessedEvent {
  _id: string;
  consumer: string;
  processedAt: Date;
}

const ProcessedEventSchema = new Schema<ProcessedEvent>(
  { _id: String, consumer: String, processedAt: Date },
  { versionKey: false, collection: 'processed_events' },
);
ProcessedEventSchema.index({ consumer: 1, processedAt: 1 });

/** Processed ce_ids per consumer; the `_id` (consumer|ce_id) is the unique index. */
export function createInbox(conn: Connection, consumer: string): Inbox {
  const model: Model<ProcessedEvent> = (conn.models['ProcessedEvent'] as Model<ProcessedEvent> | undefined) ?? conn.model<ProcessedEvent>('ProcessedEvent', ProcessedEventSchema);
  const id = (eventId: string) => `${consumer}|${eventId}`;
  return {
    async seen(eventId) {
      return (await model.exists({ _id: id(eventId) })) !== null;
    },
    async record(eventId) {
      try {
        await model.create({ _id: id(eventId), consumer, processedAt: new Date() });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    },
  };
}
