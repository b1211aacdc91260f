"use client";

/**
 * A buyer runs a private-set-intersection product from its product page. The list never leaves
 * this page in clear: it is normalized, hashed to the curve and blinded here (libsodium in the
 * browser, common/src/psi), the secret stays in this component's memory, the server only relays
 * blinded points and tags, and the intersection is computed here. The page shows what it sent.
 */
import {
  createPsiBuyer,
  runPsiBuyer,
  type TPsiBuyerResult,
  type TPsiRunProgress,
} from "@pdx/common/psi/buyer";
import { normalizePsiItems, type TPsiItemFormat } from "@pdx/common/psi/normalize";
import { createSodiumPsiCurve } from "@pdx/common/psi/sodium-curve";
import { psiBase64ToBytes, psiBytesToBase64 } from "@pdx/common/psi/wire";
import { useQueryClient } from "@tanstack/react-query";
import { type ChangeEvent, useMemo, useState } from "react";
import { ErrorNotice } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC, useTRPCClient } from "@/lib/trpc/client";

const STEPS = ["prepare", "send", "receive", "intersect", "finish"] as const;
type TStep = (typeof STEPS)[number];

/** Items of a pasted text or file: one per line, the first comma- or tab-separated cell. */
function itemsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(/[,\t]/)[0] ?? "")
    .filter((cell) => cell.trim() !== "");
}

interface TDone {
  result: TPsiBuyerResult;
  usageRecordId: string | null;
  datasetVersion: string;
  sentPoints: number;
  sample: string[];
}

export function PsiRunner({
  productId,
  format,
  maxBuyerItems,
  minBuyerItems,
}: {
  productId: string;
  format: TPsiItemFormat;
  maxBuyerItems: number;
  minBuyerItems: number;
}) {
  const { t, formatNumber } = useI18n();
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [step, setStep] = useState<TStep | null>(null);
  const [progress, setProgress] = useState<TPsiRunProgress | null>(null);
  const [done, setDone] = useState<TDone | null>(null);
  const [error, setError] = useState<unknown>(null);

  const raw = useMemo(() => itemsOf(text), [text]);
  const distinct = useMemo(() => normalizePsiItems(format, raw).items.length, [format, raw]);
  const problem =
    distinct === 0
      ? t("psi.empty")
      : distinct > maxBuyerItems
        ? t("psi.tooMany", { n: formatNumber(distinct, 0), max: formatNumber(maxBuyerItems, 0) })
        : distinct < minBuyerItems
          ? t("psi.tooFew", { n: formatNumber(distinct, 0), min: formatNumber(minBuyerItems, 0) })
          : null;
  const running = step !== null && done === null && error === null;

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  }

  async function run() {
    setDone(null);
    setError(null);
    setProgress(null);
    setStep("prepare");
    const curve = await createSodiumPsiCurve();
    try {
      const buyer = await createPsiBuyer({ format, items: raw, curve });
      const session = await client.psi.start.mutate({ productId, buyerSetSize: buyer.setSize });
      const { sessionId } = session;
      const sample: string[] = [];
      let sentPoints = 0;
      setStep("send");
      const result = await runPsiBuyer(
        buyer,
        session.started,
        {
          async sendBuyerChunk(index, points) {
            const base64 = psiBytesToBase64(points);
            sentPoints += points.length / 32;
            for (let i = 0; i < points.length && sample.length < 3; i += 32)
              sample.push(psiBytesToBase64(points.subarray(i, i + 32)));
            const reply = await client.psi.sendChunk.mutate({ sessionId, index, points: base64 });
            return reply.tags === null ? null : psiBase64ToBytes(reply.tags);
          },
          async fetchReplyChunk(index) {
            setStep("receive");
            return psiBase64ToBytes((await client.psi.replyChunk.mutate({ sessionId, index })).tags);
          },
          async fetchServerChunk(index) {
            return psiBase64ToBytes((await client.psi.serverChunk.mutate({ sessionId, index })).points);
          },
        },
        {
          onProgress: (p) => {
            setProgress(p);
            if (p.buyerChunksSent === p.buyerChunkCount) setStep("receive");
          },
        },
      );
      // runPsiBuyer intersected in this page; what remains is the receipt and the usage record.
      setStep("finish");
      const finished = await client.psi.finish.mutate({ sessionId });
      setDone({
        result,
        usageRecordId: finished.usageRecordId,
        datasetVersion: finished.datasetVersion,
        sentPoints,
        sample,
      });
      await queryClient.invalidateQueries({ queryKey: trpc.psi.listMine.queryKey() });
    } catch (err) {
      setError(err);
    } finally {
      await curve.close();
    }
  }

  const stepState = (s: TStep) => {
    if (done) return "done";
    if (step === null) return "todo";
    const at = STEPS.indexOf(step);
    const i = STEPS.indexOf(s);
    return i < at ? "done" : i === at ? (error ? "failed" : "active") : "todo";
  };

  return (
    <section className="card psi-runner" aria-labelledby="psi-title">
      <h2 id="psi-title">{t("psi.title")}</h2>
      <p className="muted">{t("psi.intro")}</p>
      <label className="field">
        <span className="field-label">{t("psi.listLabel")}</span>
        <textarea
          className="mono"
          rows={8}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t("psi.listPlaceholder")}
          disabled={running}
          data-testid="psi-list"
        />
      </label>
      <div className="psi-actions">
        <label className="muted small">
          {t("psi.file")}{" "}
          <input type="file" accept=".txt,.csv,text/plain,text/csv" onChange={onFile} disabled={running} />
        </label>
        <span className={problem && text !== "" ? "error-text small" : "muted small"} data-testid="psi-count">
          {problem && text !== "" ? problem : t("psi.parsed", { n: formatNumber(distinct, 0) })}
        </span>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void run()}
          disabled={running || problem !== null}
          data-testid="psi-run"
        >
          {running ? t("psi.running") : t("psi.run")}
        </button>
      </div>

      {step !== null && (
        <ol className="psi-steps" data-testid="psi-steps">
          {STEPS.map((s) => (
            <li key={s} className={`psi-step psi-step-${stepState(s)}`}>
              {t(`psi.step.${s}` as TMessageKey)}
              {s === "send" && progress && (
                <span className="muted small">
                  {" "}
                  {progress.buyerChunksSent}/{progress.buyerChunkCount}
                </span>
              )}
              {s === "receive" && progress && (
                <span className="muted small">
                  {" "}
                  {progress.serverChunksReceived}/{progress.serverChunkCount}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}

      {error !== null && <ErrorNotice error={error} />}

      {done && (
        <div className="psi-result" data-testid="psi-result">
          <h3>{t("psi.result.title")}</h3>
          {done.result.mode === "intersection" ? (
            <>
              <p className="lead" data-testid="psi-summary">
                {t("psi.result.matches", {
                  n: formatNumber(done.result.items.length, 0),
                  buyer: formatNumber(done.result.buyerSetSize, 0),
                })}
              </p>
              {done.result.items.length === 0 ? (
                <p className="muted">{t("psi.result.none")}</p>
              ) : (
                <ul className="psi-matches mono" data-testid="psi-matches">
                  {done.result.items.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            <>
              <p className="lead" data-testid="psi-summary">
                {t("psi.result.count", {
                  n: formatNumber(done.result.intersectionSize, 0),
                  buyer: formatNumber(done.result.buyerSetSize, 0),
                })}
              </p>
              <p className="muted small">{t("psi.result.countOnly")}</p>
            </>
          )}
          <p className="muted small">
            {t("psi.result.datasetSize", {
              n: formatNumber(done.result.serverSetSize, 0),
              version: done.datasetVersion,
            })}
          </p>
          {done.usageRecordId && (
            <p className="verified small" data-testid="psi-usage">
              ✓ {t("psi.result.usage", { id: done.usageRecordId })}
            </p>
          )}
          <details className="psi-sent">
            <summary>{t("psi.sent.title")}</summary>
            <p className="small">{t("psi.sent.body", { n: formatNumber(done.sentPoints, 0) })}</p>
            <ul className="mono small">
              {done.sample.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
            <p className="small">{t("psi.sent.none")}</p>
          </details>
        </div>
      )}
    </section>
  );
}
