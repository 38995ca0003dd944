import { Schema, type Connection, type Model } from 'mongoose';
import { storedPaths } from '@lma/store';

/**
 * One reconciled snapshot page of a refresh job, `_id` `<jobId>:<page>`: the subscriber orgs it
 * listed (to find, at the end, the licenses the snapshot did not list) and, in its embedded
 * outbox, the page's reply. Inserting it is the page's last write, so a redelivered command finds
 * it and changes nothing; the documents of a job are removed once its unseen licenses are reported.
 */
export interface ReconciledPage {
  _id: string;
  jobId: string;
  page: number;
  orgIds: string[];
  reconciledAt: Date;
}
const ReconciledPageSchema = new Schema<ReconciledPage>(
  { _id: String, jobId: String, page: Number, orgIds: [String], reconciledAt: Date, ...storedPaths },
  { versionKey: false, collection: 'refresh_reconciled_pages' },
);
ReconciledPageSchema.index({ jobId: 1 });

export interface ReconcileModels {
  ReconciledPage: Model<ReconciledPage>;
}

export function registerReconcileModels(db: Connection): void {
  db.model('ReconciledPage', ReconciledPageSchema);
}

export const reconcileModels = (db: Connection): ReconcileModels => ({
  ReconciledPage: db.model<ReconciledPage>('ReconciledPage'),
});
