/**
 * The ε ledger: each buyer organisation's privacy budget per dataset, in the vault database
 * (tables privacy_budgets and privacy_charges, migration 0003).
 *
 * A job reserves the most ε it may spend on each dataset before it runs (`reserve`), each released
 * query moves its ε from reserved to spent (`charge`, never more than the job still holds), and at
 * the end the job's unspent reservation is returned (`release`). Every movement is appended to
 * privacy_charges.
 *
 * No double spend: `reserve` is one atomic UPDATE … WHERE spent + reserved + ε ≤ total, so
 * concurrent reservations serialise on the budget row and only the affordable ones succeed (the
 * CHECK constraint spent + reserved ≤ total backs it up). `charge` and `release` lock the budget
 * row(s) (FOR UPDATE, in key order) before reading what the job still holds, in one transaction.
 * Amounts are exact numeric in SQL; the API takes and returns numbers.
 */
import type pg from "pg";
import { z } from "zod";
import { EnclaveError } from "../errors";

/** What the ledger needs of a pg.Pool: one-off queries, and a client for a transaction. */
export type TLedgerPool = Pick<pg.Pool, "query" | "connect">;

/** One budget as a caller may see it. remaining = total − spent − reserved. */
export interface TPrivacyBudget {
  datasetCode: string;
  total: number;
  spent: number;
  reserved: number;
  remaining: number;
}

/** What `release` returned to one budget. */
export interface TReleasedReservation {
  buyerOrgId: string;
  datasetCode: string;
  epsilon: number;
}

const ZId = z.string().min(1).max(100);
const ZEpsilon = z.number().positive().finite().max(1_000_000);
const ZTotal = z.number().nonnegative().finite().max(1_000_000);
const ZDetail = z.string().max(1000);

function parse<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new EnclaveError("INVALID_REQUEST", `${name}: ${result.error.issues[0]?.message ?? "invalid"}`);
  }
  return result.data;
}

/** ε for messages: at most 6 decimals, no trailing zeros. */
export function formatEpsilon(epsilon: number): string {
  return String(Number(epsilon.toFixed(6)));
}

interface TBudgetRow {
  dataset_code: string;
  total: string;
  spent: string;
  reserved: string;
}

const BUDGET_COLUMNS = `dataset_code, epsilon_total::text AS total, epsilon_spent::text AS spent,
  epsilon_reserved::text AS reserved`;

function toBudget(row: TBudgetRow): TPrivacyBudget {
  const total = Number(row.total);
  const spent = Number(row.spent);
  const reserved = Number(row.reserved);
  return {
    datasetCode: row.dataset_code,
    total,
    spent,
    reserved,
    remaining: Math.max(0, total - spent - reserved),
  };
}

/** Checks the ids and the ε of a reservation or charge (INVALID_REQUEST naming the argument). */
function parseJobAmount(jobId: string, buyerOrgId: string, datasetCode: string, epsilon: number): void {
  parse(ZId, jobId, "jobId");
  parse(ZId, buyerOrgId, "buyerOrgId");
  parse(ZId, datasetCode, "datasetCode");
  parse(ZEpsilon, epsilon, "epsilon");
}

/** The ε ledger over the vault database; see the module comment. */
export class PrivacyBudgetLedger {
  constructor(private readonly pool: TLedgerPool) {}

  /**
   * The budgets of `buyerOrgId` on `datasetCodes`, in the order given; a budget not used yet shows
   * `defaultTotal` with nothing spent (nothing is created).
   */
  async previewBudget(
    buyerOrgId: string,
    datasetCodes: readonly string[],
    defaultTotal: number,
  ): Promise<TPrivacyBudget[]> {
    parse(ZId, buyerOrgId, "buyerOrgId");
    const codes = parse(z.array(ZId).max(100), [...datasetCodes], "datasetCodes");
    parse(ZTotal, defaultTotal, "defaultTotal");
    const { rows } = await this.pool.query<TBudgetRow>(
      `SELECT ${BUDGET_COLUMNS} FROM privacy_budgets WHERE buyer_org_id = $1 AND dataset_code = ANY($2::text[])`,
      [buyerOrgId, codes],
    );
    const byCode = new Map(rows.map((r) => [r.dataset_code, toBudget(r)]));
    return codes.map(
      (code) =>
        byCode.get(code) ?? {
          datasetCode: code,
          total: defaultTotal,
          spent: 0,
          reserved: 0,
          remaining: defaultTotal,
        },
    );
  }

  /**
   * Reserves ε of the buyer's budget on a dataset for a job (creating the budget at `defaultTotal`
   * on first use). Throws EnclaveError BUDGET_EXCEEDED, naming the dataset, what the job needs and
   * what remains, when the budget cannot cover it.
   */
  async reserve(
    jobId: string,
    buyerOrgId: string,
    datasetCode: string,
    epsilon: number,
    defaultTotal: number,
  ): Promise<TPrivacyBudget> {
    parseJobAmount(jobId, buyerOrgId, datasetCode, epsilon);
    parse(ZTotal, defaultTotal, "defaultTotal");
    await this.pool.query(
      `INSERT INTO privacy_budgets (buyer_org_id, dataset_code, epsilon_total) VALUES ($1, $2, $3::numeric)
       ON CONFLICT (buyer_org_id, dataset_code) DO NOTHING`,
      [buyerOrgId, datasetCode, String(defaultTotal)],
    );
    const { rows } = await this.pool.query<TBudgetRow>(
      `WITH reserved AS (
         UPDATE privacy_budgets
            SET epsilon_reserved = epsilon_reserved + $4::numeric, updated_at = now()
          WHERE buyer_org_id = $2 AND dataset_code = $3
            AND epsilon_spent + epsilon_reserved + $4::numeric <= epsilon_total
          RETURNING dataset_code, epsilon_total, epsilon_spent, epsilon_reserved
       ), logged AS (
         INSERT INTO privacy_charges (job_id, buyer_org_id, dataset_code, epsilon, kind, detail)
         SELECT $1, $2, $3, $4::numeric, 'reserve', 'reserved for the job' FROM reserved
       )
       SELECT ${BUDGET_COLUMNS} FROM reserved`,
      [jobId, buyerOrgId, datasetCode, String(epsilon)],
    );
    const row = rows[0];
    if (row) return toBudget(row);
    const [budget] = await this.previewBudget(buyerOrgId, [datasetCode], defaultTotal);
    throw new EnclaveError(
      "BUDGET_EXCEEDED",
      `privacy budget of dataset ${datasetCode} exhausted for this buyer: the job needs ε=${formatEpsilon(epsilon)}, ` +
        `${formatEpsilon(budget!.remaining)} of ${formatEpsilon(budget!.total)} remains`,
    );
  }

  /**
   * Moves ε from the job's reservation on a dataset to spent, recording `detail` (what was released;
   * no values). Throws EnclaveError BUDGET_EXCEEDED when the job holds less than ε there.
   */
  async charge(
    jobId: string,
    buyerOrgId: string,
    datasetCode: string,
    epsilon: number,
    detail: string,
  ): Promise<TPrivacyBudget> {
    parseJobAmount(jobId, buyerOrgId, datasetCode, epsilon);
    parse(ZDetail, detail, "detail");
    return this.inTransaction(async (client) => {
      const locked = await client.query(
        "SELECT 1 FROM privacy_budgets WHERE buyer_org_id = $1 AND dataset_code = $2 FOR UPDATE",
        [buyerOrgId, datasetCode],
      );
      const held = await client.query<{ outstanding: string; enough: boolean }>(
        `SELECT coalesce(sum(CASE kind WHEN 'reserve' THEN epsilon ELSE -epsilon END), 0)::text AS outstanding,
                coalesce(sum(CASE kind WHEN 'reserve' THEN epsilon ELSE -epsilon END), 0) >= $4::numeric AS enough
           FROM privacy_charges WHERE job_id = $1 AND buyer_org_id = $2 AND dataset_code = $3`,
        [jobId, buyerOrgId, datasetCode, String(epsilon)],
      );
      const { outstanding, enough } = held.rows[0]!;
      if (locked.rowCount === 0 || !enough) {
        throw new EnclaveError(
          "BUDGET_EXCEEDED",
          `the job's reserved privacy budget on dataset ${datasetCode} is exhausted: this query needs ` +
            `ε=${formatEpsilon(epsilon)}, ${formatEpsilon(Number(outstanding))} of the job's reservation remains`,
        );
      }
      const { rows } = await client.query<TBudgetRow>(
        `UPDATE privacy_budgets
            SET epsilon_spent = epsilon_spent + $3::numeric, epsilon_reserved = epsilon_reserved - $3::numeric,
                updated_at = now()
          WHERE buyer_org_id = $1 AND dataset_code = $2
          RETURNING ${BUDGET_COLUMNS}`,
        [buyerOrgId, datasetCode, String(epsilon)],
      );
      await client.query(
        `INSERT INTO privacy_charges (job_id, buyer_org_id, dataset_code, epsilon, kind, detail)
         VALUES ($1, $2, $3, $4::numeric, 'charge', $5)`,
        [jobId, buyerOrgId, datasetCode, String(epsilon), detail],
      );
      return toBudget(rows[0]!);
    });
  }

  /** Returns what the job reserved and did not charge, on every budget; idempotent. */
  async release(jobId: string): Promise<TReleasedReservation[]> {
    parse(ZId, jobId, "jobId");
    return this.inTransaction(async (client) => {
      await client.query(
        `SELECT 1 FROM privacy_budgets
          WHERE (buyer_org_id, dataset_code) IN (SELECT buyer_org_id, dataset_code FROM privacy_charges WHERE job_id = $1)
          ORDER BY buyer_org_id, dataset_code
          FOR UPDATE`,
        [jobId],
      );
      const { rows } = await client.query<{
        buyer_org_id: string;
        dataset_code: string;
        outstanding: string;
      }>(
        `SELECT buyer_org_id, dataset_code,
                sum(CASE kind WHEN 'reserve' THEN epsilon ELSE -epsilon END)::text AS outstanding
           FROM privacy_charges WHERE job_id = $1
          GROUP BY buyer_org_id, dataset_code
         HAVING sum(CASE kind WHEN 'reserve' THEN epsilon ELSE -epsilon END) > 0
          ORDER BY buyer_org_id, dataset_code`,
        [jobId],
      );
      for (const row of rows) {
        await client.query(
          `UPDATE privacy_budgets SET epsilon_reserved = epsilon_reserved - $3::numeric, updated_at = now()
            WHERE buyer_org_id = $1 AND dataset_code = $2`,
          [row.buyer_org_id, row.dataset_code, row.outstanding],
        );
        await client.query(
          `INSERT INTO privacy_charges (job_id, buyer_org_id, dataset_code, epsilon, kind, detail)
           VALUES ($1, $2, $3, $4::numeric, 'release', 'unspent reservation returned at the end of the job')`,
          [jobId, row.buyer_org_id, row.dataset_code, row.outstanding],
        );
      }
      return rows.map((r) => ({
        buyerOrgId: r.buyer_org_id,
        datasetCode: r.dataset_code,
        epsilon: Number(r.outstanding),
      }));
    });
  }

  /** What the job still holds (reserved, not charged or released), per budget it touched. */
  async jobReservations(jobId: string): Promise<TReleasedReservation[]> {
    parse(ZId, jobId, "jobId");
    const { rows } = await this.pool.query<{
      buyer_org_id: string;
      dataset_code: string;
      outstanding: string;
    }>(
      `SELECT buyer_org_id, dataset_code,
              sum(CASE kind WHEN 'reserve' THEN epsilon ELSE -epsilon END)::text AS outstanding
         FROM privacy_charges WHERE job_id = $1
        GROUP BY buyer_org_id, dataset_code
        ORDER BY buyer_org_id, dataset_code`,
      [jobId],
    );
    return rows.map((r) => ({
      buyerOrgId: r.buyer_org_id,
      datasetCode: r.dataset_code,
      epsilon: Number(r.outstanding),
    }));
  }

  /**
   * Sets a budget's total (creating it if needed). Throws EnclaveError BUDGET_EXCEEDED when the
   * new total is below what is already spent and reserved.
   */
  async setTotal(buyerOrgId: string, datasetCode: string, total: number): Promise<TPrivacyBudget> {
    parse(ZId, buyerOrgId, "buyerOrgId");
    parse(ZId, datasetCode, "datasetCode");
    parse(ZTotal, total, "total");
    const { rows } = await this.pool.query<TBudgetRow>(
      `INSERT INTO privacy_budgets (buyer_org_id, dataset_code, epsilon_total) VALUES ($1, $2, $3::numeric)
       ON CONFLICT (buyer_org_id, dataset_code) DO UPDATE SET epsilon_total = EXCLUDED.epsilon_total, updated_at = now()
         WHERE privacy_budgets.epsilon_spent + privacy_budgets.epsilon_reserved <= EXCLUDED.epsilon_total
       RETURNING ${BUDGET_COLUMNS}`,
      [buyerOrgId, datasetCode, String(total)],
    );
    if (rows[0]) return toBudget(rows[0]);
    throw new EnclaveError(
      "BUDGET_EXCEEDED",
      `privacy budget of dataset ${datasetCode} cannot be set to ε=${formatEpsilon(total)} for this buyer: ` +
        "more than that is already spent or reserved",
    );
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      try {
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw err;
      }
    } finally {
      // A connection whose rollback failed is discarded, not returned to the pool.
      client.release(broken);
    }
  }
}
