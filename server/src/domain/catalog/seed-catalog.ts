/**
 * The demo seed's fast path into the catalog: registers the given entries as coded registrations
 * directly (no review steps), with everything coding writes — the catalog row (an existing row
 * keeps its id, so products that reference LE-BASE stay valid), the authoritative item claims,
 * the chain record in the outbox and one audit event each ("registration.seed", by the system).
 * Idempotent: datasets that already have a registration are left alone.
 */
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import type { TDb, TQueryable } from "../../db";
import { enqueueChainWrite } from "../chain-writes/outbox";
import { isDomainError } from "../domain-error";
import { stableUuid } from "../seed/stable-id";
import { appendAuditEvent } from "../trail/audit-trail";
import { REGISTRATION_OBJECT_TYPE } from "./registrations";
import { entryHashOf, parseEntryOrThrow } from "./registrations-checks";
import {
  addYears,
  claimAuthoritativeItems,
  nextRegistrationCode,
  REGISTRATION_VALID_YEARS,
  upsertCodedDataset,
} from "./registrations-coding";

/** Id of the seeded registration of `code` (stable, so a re-run recognizes it). */
export const seededRegistrationIdFor = (code: string) => stableUuid(`registration:${code}:seed`);

export interface TSeedCatalogOptions {
  entries: readonly TDatasetEntry[];
  /** The source department of each dataset code. */
  sourceOrgIdOf: (code: string) => string;
  /** Recorded as the registrations' creator; default: the source department's first user. */
  systemUserId?: string;
  now: Date;
}

/** Registers every entry not registered yet; returns the codes registered now and those skipped. */
export async function seedCatalogRegistrations(
  db: TDb,
  opts: TSeedCatalogOptions,
): Promise<{ registered: string[]; skipped: string[] }> {
  const entries = opts.entries.map((raw) => {
    try {
      return parseEntryOrThrow(raw);
    } catch (err) {
      const detail = isDomainError(err) ? err.userMessage : String(err);
      throw new Error(`seed: catalog entry ${raw.code} is invalid: ${detail}`);
    }
  });
  const codes = entries.map((e) => e.code);
  if (new Set(codes).size !== codes.length) throw new Error("seed: catalog entries repeat a dataset code");

  return db.withTransaction(async (tx) => {
    const { rows: known } = await tx.query<{ code: string }>(
      `SELECT dataset_code AS code FROM dataset_registrations WHERE dataset_code = ANY($1)
       UNION SELECT code FROM datasets WHERE code = ANY($1) AND registration_id IS NOT NULL`,
      [codes],
    );
    const skip = new Set(known.map((r) => r.code));
    const registered: string[] = [];
    const now = opts.now;
    const validUntil = addYears(now, REGISTRATION_VALID_YEARS);
    for (const entry of entries) {
      if (skip.has(entry.code)) continue;
      const orgId = opts.sourceOrgIdOf(entry.code);
      const createdBy = opts.systemUserId ?? (await firstUserOf(tx, orgId, entry.code));
      const id = seededRegistrationIdFor(entry.code);
      const entryHash = entryHashOf(entry);
      const registrationCode = await nextRegistrationCode(tx, now);
      await tx.query(
        `INSERT INTO dataset_registrations (id, dataset_code, source_org_id, kind, status, entry, entry_hash,
           registration_code, submitted_at, coded_at, valid_from, valid_until, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'initial', 'coded', $4, $5, $6, $7, $7, $7, $8, $9, $7, $7)`,
        [
          id,
          entry.code,
          orgId,
          JSON.stringify(entry),
          entryHash,
          registrationCode,
          now,
          validUntil,
          createdBy,
        ],
      );
      await upsertCodedDataset(tx, {
        entry,
        entryHash,
        sourceOrgId: orgId,
        registrationId: id,
        registrationCode,
        codedAt: now,
        validUntil,
      });
      try {
        await claimAuthoritativeItems(tx, { entry, orgId, registrationId: id, at: now });
      } catch (err) {
        if (isDomainError(err)) throw new Error(`seed: dataset ${entry.code}: ${err.userMessage}`);
        throw err;
      }
      await enqueueChainWrite(tx, {
        kind: "registration.record",
        subjectId: id,
        payload: {
          datasetCode: entry.code,
          sourceOrgId: orgId,
          entryHash,
          validFrom: now.toISOString(),
          validUntil: validUntil.toISOString(),
        },
      });
      await appendAuditEvent(
        tx,
        {
          actor: null,
          action: "registration.seed",
          objectType: REGISTRATION_OBJECT_TYPE,
          objectId: id,
          before: null,
          after: { id, datasetCode: entry.code, status: "coded", entryHash, registrationCode },
          detail: { datasetCode: entry.code, registrationCode },
        },
        now,
      );
      registered.push(entry.code);
    }
    return { registered, skipped: codes.filter((c) => skip.has(c)) };
  });
}

async function firstUserOf(tx: TQueryable, orgId: string, code: string): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    "SELECT id FROM users WHERE org_id = $1 ORDER BY created_at, email LIMIT 1",
    [orgId],
  );
  if (!rows[0])
    throw new Error(`seed: dataset ${code}: its source department has no user to record as creator`);
  return rows[0].id;
}
