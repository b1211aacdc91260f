"use client";

/**
 * A buyer runs an encrypted-query product from its product page. The buyer's key pairs live in a
 * Web Worker of this page (lib/he/he-worker.ts): weights, the chosen enterprise and the portfolio
 * are encrypted there, the server relays ciphertexts and public evaluation keys only, and the
 * results are decrypted there. The page states what it sent.
 */
import type { THePresetId } from "@pdx/common/he/presets";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ErrorNotice } from "@/components/status";
import { createHeWorkerClient, type THeWorkerClient } from "@/lib/he/he-worker-client";
import type { THeWorkerResult } from "@/lib/he/he-worker-protocol";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC, useTRPCClient } from "@/lib/trpc/client";

const STEPS = ["directory", "encrypt", "compute", "decrypt"] as const;
type TStep = (typeof STEPS)[number];
type TMode = "scoring" | "lookup" | "aggregate";

export interface THeFeatureView {
  as: string;
  label: { zh: string; en: string };
}

/** Codes of a pasted list: one per line, the first comma- or tab-separated cell, trimmed, upper-cased. */
function codesOf(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((line) => (line.split(/[,\t]/)[0] ?? "").trim().toUpperCase())
        .filter((cell) => cell !== ""),
    ),
  ];
}

interface TDone {
  result: THeWorkerResult;
  entities: string[];
  /** The entities the buyer asked about (scoring: its list; lookup: the one). */
  asked: string[];
  missing: string[];
  requestBytes: number;
  responseBytes: number;
  preset: string;
  usageRecordId: string;
  datasetVersion: string;
}

const DEFAULT_WEIGHTS: Record<string, number> = { capital_band: 10, founded_year: 0.5, status_code: -20 };

export function HeRunner({
  productId,
  mode,
  features,
}: {
  productId: string;
  mode: TMode;
  features: THeFeatureView[];
}) {
  const { t, pick, formatNumber } = useI18n();
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const worker = useRef<THeWorkerClient | null>(null);
  const [weights, setWeights] = useState<string[]>(() =>
    features.map((f) => String(DEFAULT_WEIGHTS[f.as] ?? 1)),
  );
  const [text, setText] = useState("");
  const [preset, setPreset] = useState<THePresetId>("bfv-8192-t60");
  const [step, setStep] = useState<TStep | null>(null);
  const [done, setDone] = useState<TDone | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => () => worker.current?.terminate(), []);
  const codes = useMemo(() => codesOf(text), [text]);
  const weightValues = weights.map((w) => Number(w));
  const problem =
    mode === "scoring"
      ? weightValues.some((w) => w.toString() === "NaN" || !Number.isFinite(w) || Math.abs(w) > 1000)
        ? t("he.weightsInvalid")
        : null
      : mode === "lookup"
        ? codes.length !== 1
          ? t("he.lookupOne")
          : null
        : codes.length === 0
          ? t("he.listEmpty")
          : null;
  const running = step !== null && done === null && error === null;

  async function run() {
    setDone(null);
    setError(null);
    setStep("directory");
    try {
      worker.current ??= createHeWorkerClient();
      const w = worker.current;
      const directory = await client.he.directory.query({ productId });
      const n = directory.entities.length;
      const index = new Map(directory.entities.map((e, i) => [e, i]));
      const fields = directory.features.map((f) => f.as);
      const missing = mode === "scoring" ? [] : codes.filter((c) => !index.has(c));
      if (mode === "lookup" && missing.length > 0)
        throw new Error(t("he.notInDirectory", { code: codes[0]! }));
      setStep("encrypt");
      const built =
        mode === "scoring"
          ? await w.call({ op: "scoring", weights: weightValues, entityCount: n })
          : mode === "lookup"
            ? await w.call({ op: "lookup", entityCount: n, index: index.get(codes[0]!)!, fields })
            : await w.call({
                op: "aggregate",
                preset,
                entityCount: n,
                subset: Uint8Array.from({ length: n }, (_, i) =>
                  codes.includes(directory.entities[i]!) ? 1 : 0,
                ),
                fields,
              });
      if (built.op !== "request") throw new Error("unexpected worker answer");
      setStep("compute");
      const ran = await client.he.run.mutate({
        productId,
        datasetVersion: directory.datasetVersion,
        directoryHash: directory.directoryHash,
        request: built.request,
      });
      setStep("decrypt");
      const result = await w.call({ op: "decode", response: ran.response });
      setDone({
        result,
        entities: directory.entities,
        asked: mode === "aggregate" ? [] : codes.filter((c) => index.has(c)),
        missing,
        requestBytes: ran.query.requestBytes,
        responseBytes: ran.query.responseBytes,
        preset: ran.query.preset,
        usageRecordId: ran.query.usageRecordId,
        datasetVersion: ran.query.datasetVersion,
      });
      await queryClient.invalidateQueries({ queryKey: trpc.he.listMine.queryKey() });
    } catch (err) {
      setError(err);
    }
  }

  const stepState = (s: TStep) => {
    if (done) return "done";
    if (step === null) return "todo";
    const at = STEPS.indexOf(step);
    const i = STEPS.indexOf(s);
    return i < at ? "done" : i === at ? (error ? "failed" : "active") : "todo";
  };
  const mb = (bytes: number) => formatNumber(bytes / 1_048_576, 1);

  return (
    <section className="card psi-runner" aria-labelledby="he-title" data-testid="he-runner">
      <h2 id="he-title">{t(`he.title.${mode}` as TMessageKey)}</h2>
      <p className="muted">{t(`he.intro.${mode}` as TMessageKey)}</p>

      {mode === "scoring" && (
        <div className="he-weights">
          {features.map((f, i) => (
            <label key={f.as} className="field">
              <span className="field-label">{pick(f.label)}</span>
              <input
                type="number"
                step="any"
                value={weights[i]}
                onChange={(e) => setWeights(weights.map((w, j) => (j === i ? e.target.value : w)))}
                disabled={running}
                data-testid={`he-weight-${f.as}`}
              />
            </label>
          ))}
        </div>
      )}
      {mode === "aggregate" && (
        <label className="field">
          <span className="field-label">{t("he.scheme")}</span>
          <select
            value={preset}
            onChange={(e) => setPreset(e.target.value as THePresetId)}
            disabled={running}
            data-testid="he-scheme"
          >
            <option value="bfv-8192-t60">{t("he.scheme.bfv")}</option>
            <option value="ckks-8192-s40">{t("he.scheme.ckks")}</option>
          </select>
        </label>
      )}
      <label className="field" htmlFor="he-list">
        <span className="field-label">{t(`he.listLabel.${mode}` as TMessageKey)}</span>
        {mode === "lookup" ? (
          <input
            className="mono"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="91440300MA5XXXXXXX"
            disabled={running}
            id="he-list"
            data-testid="he-list"
          />
        ) : (
          <textarea
            className="mono"
            rows={5}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={"91440300MA5XXXXXXX\n91440300MA5YYYYYYY"}
            disabled={running}
            id="he-list"
            data-testid="he-list"
          />
        )}
      </label>
      <div className="psi-actions">
        <span className={problem && text !== "" ? "error-text small" : "muted small"}>
          {problem && (text !== "" || mode === "scoring") ? problem : t("he.keysLocal")}
        </span>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void run()}
          disabled={running || problem !== null}
          data-testid="he-run"
        >
          {running ? t("he.running") : t(`he.run.${mode}` as TMessageKey)}
        </button>
      </div>

      {step !== null && (
        <ol className="psi-steps" data-testid="he-steps">
          {STEPS.map((s) => (
            <li key={s} className={`psi-step psi-step-${stepState(s)}`}>
              {t(`he.step.${s}` as TMessageKey)}
            </li>
          ))}
        </ol>
      )}

      {error !== null && <ErrorNotice error={error} />}

      {done && (
        <div className="psi-result" data-testid="he-result">
          <h3>{t("he.result.title")}</h3>
          <HeResultView done={done} features={features} />
          {done.missing.length > 0 && (
            <p className="muted small" data-testid="he-missing">
              {t("he.result.missing", { n: formatNumber(done.missing.length, 0) })}
            </p>
          )}
          <p className="verified small" data-testid="he-usage">
            ✓ {t("he.result.usage", { id: done.usageRecordId, version: done.datasetVersion })}
          </p>
          <details className="psi-sent" open>
            <summary>{t("he.sent.title")}</summary>
            <p className="small" data-testid="he-sent">
              {t("he.sent.body", {
                preset: done.preset,
                sent: mb(done.requestBytes),
                received: mb(done.responseBytes),
                n: formatNumber(done.entities.length, 0),
              })}
            </p>
            <p className="small">{t("he.sent.none")}</p>
          </details>
        </div>
      )}
    </section>
  );
}

function HeResultView({ done, features }: { done: TDone; features: THeFeatureView[] }) {
  const { t, pick, formatNumber } = useI18n();
  const { result } = done;
  if (result.op === "scores") {
    const shown = done.asked.length > 0 ? done.asked : done.entities.slice(0, 10);
    const index = new Map(done.entities.map((e, i) => [e, i]));
    let sum = 0;
    for (const s of result.scores) sum += s;
    return (
      <>
        <p className="lead" data-testid="he-summary">
          {t("he.result.scores", {
            n: formatNumber(result.scores.length, 0),
            mean: formatNumber(sum / result.scores.length, 2),
          })}
        </p>
        <table className="table compact" data-testid="he-scores">
          <thead>
            <tr>
              <th>{t("he.result.entity")}</th>
              <th className="num">{t("he.result.score")}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e}>
                <td className="mono">{e}</td>
                <td className="num">{formatNumber(result.scores[index.get(e)!]!, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    );
  }
  if (result.op === "lookup") {
    return (
      <table className="table compact" data-testid="he-lookup">
        <caption className="mono">{done.asked[0]}</caption>
        <tbody>
          {features.map((f) => (
            <tr key={f.as}>
              <th>{pick(f.label)}</th>
              <td className="num">{formatNumber(result.values[f.as] ?? Number.NaN, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (result.op === "aggregate") {
    return (
      <>
        <p className="lead" data-testid="he-summary">
          {t("he.result.count", { n: formatNumber(result.count, 0) })}
        </p>
        <table className="table compact" data-testid="he-aggregate">
          <thead>
            <tr>
              <th>{t("he.result.feature")}</th>
              <th className="num">{t("he.result.sum")}</th>
              <th className="num">{t("he.result.mean")}</th>
              <th className="num">{t("he.result.variance")}</th>
            </tr>
          </thead>
          <tbody>
            {features.map((f) => {
              const v = result.fields[f.as];
              return (
                <tr key={f.as}>
                  <th>{pick(f.label)}</th>
                  <td className="num">{v ? formatNumber(v.sum, 2) : "—"}</td>
                  <td className="num">{v?.mean != null ? formatNumber(v.mean, 3) : "—"}</td>
                  <td className="num">{v?.variance != null ? formatNumber(v.variance, 3) : "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </>
    );
  }
  return null;
}
