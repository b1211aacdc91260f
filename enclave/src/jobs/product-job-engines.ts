/**
 * Wires the real engines into product jobs (product-job.ts): the vault's stored versions (mock
 * versions generated on demand from the catalog), the query compiler (enclave/src/query), the
 * privacy engine (enclave/src/privacy: k + complementary suppression + DP, charged to the budget
 * ledger), the authorization check against the chain, the QuickJS sandbox and the output check.
 * Also the cost preview of a job.
 */
import { authorizationChainId } from "@pdx/common/authorization-scope";
import type { TDatasetEntry } from "@pdx/common/catalog/dataset-entry";
import type { TJobCostPreview, TProductJobRequestParsed } from "@pdx/common/enclave-jobs";
import { ZAggregateQuery } from "@pdx/common/enclave-query";
import type { TAuthorizationRegistryReader } from "../authorization/authorization-registry";
import { checkAuthorization } from "../authorization/check-authorization";
import { ensureMockVersion, MOCK_VERSION } from "../ingest/generated-versions";
import { sealedAad } from "../ingest/load-version";
import { valueCipher } from "../keys/key-store";
import type { TKeyStore } from "../keys/types";
import { checkOutput } from "../privacy/output-check";
import { protectAggregate } from "../privacy/protect-aggregate";
import { planAggregateQuery, planVerifyQuery } from "../query";
import { runSandboxed } from "../sandbox/run-sandboxed";
import type { THostFunction } from "../sandbox/types";
import type { Vault } from "../vault/vault";
import type { TJobEngines } from "./product-job";

export interface TProductJobEnginesDeps {
  vault: Vault;
  keyStore: TKeyStore;
  authorizations: TAuthorizationRegistryReader;
  /** Catalog entries the enclave can make mock versions of (seeds/catalog). */
  catalog: readonly TDatasetEntry[];
  /** Rows of a generated mock version (default 20,000: enough for two-way tables above k). */
  mockRows?: number;
}

/** The real engines of product jobs. */
export function createProductJobEngines(deps: TProductJobEnginesDeps): TJobEngines {
  const { vault } = deps;
  const ledger = vault.privacyBudgetLedger();
  return {
    async dataset(code, version, mode) {
      if (mode === "real") return vault.storedDataset(code, version);
      const existing = await vault.storedDataset(code, MOCK_VERSION);
      if (existing) return existing;
      const entry = deps.catalog.find((e) => e.code === code);
      if (!entry) return null;
      const made = await ensureMockVersion({ store: vault.ingestStore(), keyStore: deps.keyStore }, entry, {
        rows: deps.mockRows ?? 20_000,
      });
      return made.stored;
    },

    async aggregate(stored, query, declaredFields, ctx) {
      const plan = planAggregateQuery(stored, query, declaredFields);
      const parsed = ZAggregateQuery.parse(query);
      const raw = await vault.runAggregateQuery(plan.sql, { statementTimeoutMs: ctx.timeoutMs });
      const result = await protectAggregate({
        groupBy: parsed.groupBy,
        measures: parsed.measures,
        groups: raw.groups,
        k: stored.spec.minGroupSize,
        epsilon: plan.epsilon ?? ctx.epsilon,
        rowsPerUnit: plan.rowsPerUnit,
        charge: async (epsilon, detail) => {
          if (ctx.charge) await ctx.charge(epsilon, detail);
        },
      });
      return {
        result,
        rowsRead: raw.rowsRead,
        fieldsTouched: plan.fieldsTouched.map((f) => f.slice(f.indexOf(".") + 1)),
      };
    },

    async verify(stored, query, declaredFields, ctx) {
      const plan = planVerifyQuery(stored, query, declaredFields, deps.keyStore);
      // Sealed values are opened here, inside the enclave, with the version's data key, and leave
      // only masked (verify.ts); the key is unwrapped per question and never kept.
      const open =
        plan.reveal.length > 0
          ? (() => {
              const key = deps.keyStore.unwrapDataKey(stored.code, stored.version, stored.wrappedDataKey);
              return (field: { name: string }, row: number, sealed: Buffer) =>
                valueCipher.open(key, sealedAad(stored.code, stored.version, field.name, row), sealed);
            })()
          : undefined;
      const { answer, revealed } = await vault.runVerifyQuery(
        plan,
        ctx.meter,
        { statementTimeoutMs: ctx.timeoutMs },
        open,
      );
      return { answer, revealed, fieldsTouched: plan.fieldsTouched.map((f) => f.slice(f.indexOf(".") + 1)) };
    },

    budget: {
      reserve: async (jobId, buyer, code, epsilon, total) => {
        await ledger.reserve(jobId, buyer, code, epsilon, total);
      },
      charge: async (jobId, buyer, code, epsilon, detail) => {
        await ledger.charge(jobId, buyer, code, epsilon, detail);
      },
      release: async (jobId) => {
        await ledger.release(jobId);
      },
    },

    async checkAuthorization(request, datasetCode, fields, now) {
      const claim = request.authorization!;
      const onChain = await deps.authorizations.read(authorizationChainId(claim.id));
      checkAuthorization(onChain, claim, { datasetCode, fieldsRead: fields }, now);
    },

    async sandbox(call) {
      const host: Record<string, THostFunction> = {};
      for (const [name, fn] of Object.entries(call.host)) host[name] = (args) => fn(...args);
      return runSandboxed({
        source: call.source,
        language: call.language,
        params: call.params,
        host,
        limits: {
          cpuMs: call.limits.cpuMs,
          wallMs: call.limits.wallMs,
          memoryBytes: call.limits.memoryBytes,
          outputBytes: call.limits.outputBytes,
          // Queries and questions are capped by the job runner; this bounds everything else (log…).
          hostCalls: 5_000,
        },
      });
    },

    checkOutput(output, maxBytes) {
      const checked = checkOutput(output, maxBytes);
      return checked.ok ? null : checked.blockedBy;
    },
  };
}

/** What a job would cost: its ε allowance against the buyer's budget on each declared dataset. */
export async function previewProductJob(
  vault: Vault,
  request: TProductJobRequestParsed,
): Promise<TJobCostPreview> {
  const codes = Object.keys(request.fields).sort();
  if (request.mode === "mock") {
    return { maxEpsilon: 0, budgets: [], affordable: true };
  }
  const ledger = vault.privacyBudgetLedger();
  const budgets: TJobCostPreview["budgets"] = [];
  for (const code of codes) {
    const stored = await vault.storedDataset(code, request.datasetVersions[code]);
    const defaultTotal = stored?.spec.epsilonBudget ?? 0;
    const [budget] = await ledger.previewBudget(request.requester.orgId, [code], defaultTotal);
    if (budget) {
      budgets.push({
        datasetCode: code,
        total: budget.total,
        spent: budget.spent,
        remaining: budget.remaining,
      });
    }
  }
  return {
    maxEpsilon: request.epsilon.maxPerJob,
    budgets,
    affordable:
      budgets.length === codes.length && budgets.every((b) => b.remaining >= request.epsilon.maxPerJob),
  };
}
