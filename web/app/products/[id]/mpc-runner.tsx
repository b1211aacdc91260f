"use client";

/**
 * A buyer runs a joint-statistics product (multi-party computation across the departments'
 * enclave nodes): start the job, poll it (each poll asks the coordinator; the server records the
 * end), then show the released table — every group of the product's public domain, withheld ones
 * marked — with the noise and ε stated and the coordinator's signed receipt. A failure names the
 * node and the step.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorNotice } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC, useTRPCClient } from "@/lib/trpc/client";

interface TJointStatistics {
  coordinator: string;
  parties: { node: string; holder: { zh: string; en: string }; datasetCode: string; version: string }[];
  groups: string[];
  statistics: ("count" | "sum" | "mean" | "variance")[];
  bounds: [number, number];
  epsilon: number;
  rowsPerUnit: number;
}

type TJob = Awaited<ReturnType<ReturnType<typeof useTRPCClient>["mpc"]["refresh"]["mutate"]>>;

export function MpcRunner({
  productId,
  joint,
  k,
  columns,
}: {
  productId: string;
  joint: TJointStatistics;
  k: number;
  columns: { key: string; label: { zh: string; en: string } }[];
}) {
  const { t, pick, formatNumber } = useI18n();
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [job, setJob] = useState<TJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function run() {
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      let current = await client.mpc.start.mutate({ productId });
      setJob(current);
      const deadline = Date.now() + 120_000;
      while (current.state === "running" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 300));
        current = await client.mpc.refresh.mutate({ jobId: current.jobId });
        setJob(current);
      }
      await queryClient.invalidateQueries({ queryKey: trpc.mpc.listMine.queryKey() });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const result = job?.state === "released" ? job.result : null;
  const released = new Map((result?.rows ?? []).map((r) => [String(r.group), r]));
  const measures = columns.filter((c) => c.key !== "group");
  const label = (key: string) => pick(columns.find((c) => c.key === key)?.label ?? { zh: key, en: key });

  return (
    <section className="card" aria-labelledby="mpc-title" data-testid="mpc-runner">
      <h2 id="mpc-title">{t("mpc.title")}</h2>
      <p className="muted small">
        {t("mpc.intro", {
          coordinator: joint.coordinator,
          parties: joint.parties.map((p) => `${p.node}（${pick(p.holder)} · ${p.datasetCode}）`).join("、"),
        })}
      </p>
      <button type="button" className="button" onClick={run} disabled={busy} data-testid="mpc-run">
        {busy ? t("mpc.running") : t("mpc.run")}
      </button>
      {job && (
        <p className="small" data-testid="mpc-state" data-state={job.state}>
          {t(`mpc.state.${job.state}`)}
        </p>
      )}
      {error !== null && <ErrorNotice error={error} />}
      {job?.state === "failed" && job.failure && (
        <p className="error" role="alert" data-testid="mpc-failure">
          {t("mpc.failed", { node: job.failure.node, step: job.failure.step, reason: job.failure.reason })}
        </p>
      )}
      {result && (
        <div data-testid="mpc-result">
          <h3>{t("mpc.resultTitle")}</h3>
          <p className="muted small" data-testid="mpc-noise">
            {t("mpc.noise", {
              epsilon: formatNumber(joint.epsilon, 2),
              rowsPerUnit: formatNumber(result.rowsPerUnit, 0),
              spent: formatNumber(result.epsilonSpent, 2),
            })}{" "}
            {result.noise
              .map((n) => t("mpc.noiseScale", { measure: n.measure, scale: formatNumber(n.scale, 1) }))
              .join("；")}
          </p>
          <table className="table" data-testid="mpc-table">
            <thead>
              <tr>
                <th>{label("group")}</th>
                {measures.map((c) => (
                  <th key={c.key}>{pick(c.label)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {joint.groups.map((g) => {
                const row = released.get(g);
                return (
                  <tr key={g} data-testid="mpc-row" data-released={row ? "yes" : "no"}>
                    <td>{g}</td>
                    {row ? (
                      measures.map((c) => <td key={c.key}>{formatNumber(Number(row[c.key] ?? 0), 2)}</td>)
                    ) : (
                      <td colSpan={measures.length} className="muted">
                        {t("mpc.suppressed", { k: formatNumber(k, 0) })}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {job?.receipt && (
            <p className="muted small mono" data-testid="mpc-receipt">
              {t("mpc.receipt", {
                coordinator: job.receipt.coordinator,
                keyId: job.receipt.enclaveKeyId,
                hash: `${job.receipt.outputHash.slice(0, 16)}…`,
                record: job.receipt.usageRecordId,
              })}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
