import type { Database } from "@yunlian/db";
import { GroupCommit } from "../group-commit.ts";
import {
  type AttemptRecord,
  type AttemptTarget,
  claimAndLoad,
  claimAndLoadMany,
  type RowUpdate,
  recordAttempt,
  recordAttempts,
} from "./store.ts";

// A worker runs many attempts at once, and each costs two statements (claim, record). Statements
// issued while another one of the same kind is in flight wait and go together as one: fewer round
// trips, socket writes and plans per delivery, which is what bounded throughput. An idle worker
// pays nothing extra (a lone claim or record starts at once).

const MAX_BATCH = 128;

interface Claim {
  id: string;
  /** The row must be due by then. */
  dueBy: Date;
  leaseUntil: Date;
}

interface AttemptWrite {
  rec: AttemptRecord;
  update: RowUpdate;
}

const claimers = new WeakMap<Database, GroupCommit<Claim, AttemptTarget | undefined>>();
const recorders = new WeakMap<Database, GroupCommit<AttemptWrite, boolean>>();

/** claimAndLoad, grouped with concurrent claims on the same database. */
export function claimBatched(db: Database, claim: Claim): Promise<AttemptTarget | undefined> {
  let g = claimers.get(db);
  if (!g) {
    g = new GroupCommit<Claim, AttemptTarget | undefined>({
      maxBatch: MAX_BATCH,
      async runBatch(items) {
        // One clock for the batch: the latest caller's. Every caller asked at or before it, so a
        // row due for any of them is due for the batch; the lease is the longest asked for.
        const dueBy = new Date(Math.max(...items.map((c) => c.dueBy.getTime())));
        const lease = new Date(Math.max(...items.map((c) => c.leaseUntil.getTime())));
        const rows = await claimAndLoadMany(db, [...new Set(items.map((c) => c.id))], dueBy, lease);
        const byId = new Map(rows.map((r) => [r.id, r]));
        // A row claimed once goes to its first claimant only; a duplicate claim finds it taken.
        return items.map((c) => {
          const row = byId.get(c.id);
          byId.delete(c.id);
          return row;
        });
      },
      runOne: (c) => claimAndLoad(db, c.id, c.dueBy, c.leaseUntil),
    });
    claimers.set(db, g);
  }
  return g.submit(claim);
}

/** recordAttempt, grouped with concurrent records on the same database. */
export function recordBatched(db: Database, rec: AttemptRecord, update: RowUpdate): Promise<boolean> {
  let g = recorders.get(db);
  if (!g) {
    g = new GroupCommit<AttemptWrite, boolean>({
      maxBatch: MAX_BATCH,
      runBatch: (items) => recordAttempts(db, items),
      runOne: (r) => recordAttempt(db, r.rec, r.update),
    });
    recorders.set(db, g);
  }
  return g.submit({ rec, update });
}
