/**
 * The enclave's query compiler: declarative aggregate queries and verification questions on a
 * stored dataset version → column-policy checks → parameterized SQL → raw results for the privacy
 * engine. Typical use in a product job:
 *
 *   const plan = planAggregateQuery(stored, query, declaredFields);   // throws EnclaveError
 *   const raw = await runAggregateQuery(pool, plan.sql, { statementTimeoutMs });
 *   // → privacy engine (k, complementary suppression, DP noise) with plan.measures / plan.columns
 *
 *   const meter = new VerificationMeter();                             // one per job
 *   const { answer } = await runVerifyQuery(pool, planVerifyQuery(stored, q, declared, keyStore), meter, limits);
 */
export {
  allowedUses,
  COLUMN_POLICIES,
  columnPolicyOf,
  FIELD_USES,
  fieldUseProblem,
  type TColumnPolicy,
  type TColumnPolicyDecision,
  type TFieldUse,
} from "./column-policy";
export { compileAggregateSql, compileVerifySql, quoteIdentifier } from "./compile-sql";
export { planAggregateQuery, type TAggregatePlan } from "./plan-query";
export type { TCompiledAggregate, TCompiledQuery, TPlannedDimension, TPlannedMeasure } from "./query-plan";
export {
  countRows,
  runAggregateQuery,
  type TQueryLimits,
  type TRawAggregateResult,
  type TRawGroup,
  type TVaultQueryable,
  withReadOnlyTransaction,
} from "./run-query";
export {
  planVerifyQuery,
  runVerifyQuery,
  type TSealedOpener,
  type TVerifyPlan,
  VerificationMeter,
} from "./verify";
