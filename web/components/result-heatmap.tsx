"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";
import { distinct, mergeOrder, numericValue } from "@/lib/result-layout";
import type { TResultColumn, TResultRow } from "./run-result";

/** Light-to-dark blue ramp for released cells. */
const RAMP_FROM = [232, 241, 251] as const;
const RAMP_TO = [12, 74, 150] as const;

function rampColor(share: number): string {
  const mix = (i: 0 | 1 | 2) => Math.round(RAMP_FROM[i] + (RAMP_TO[i] - RAMP_FROM[i]) * share);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/**
 * Heat map of the first measure over the first two dimensions (columns: the first dimension, e.g.
 * district; rows: the second, e.g. industry). Combinations absent from the released rows were
 * withheld by the privacy rule and are drawn hatched, marked "<k".
 */
export function ResultHeatmap({
  columns,
  rows,
  k,
}: {
  columns: TResultColumn[];
  rows: TResultRow[];
  k: number;
}) {
  const { t, pick, formatNumber } = useI18n();
  const dimensions = columns.filter((c) => c.kind === "dimension");
  const measures = columns.filter((c) => c.kind === "measure");
  const xDim = dimensions[0];
  const yDim = dimensions[1];
  const measure = measures[0];
  if (!xDim || !measure) return null;

  const xValues = distinct(rows.map((r) => String(r[xDim.key] ?? "")));
  const yValues = yDim
    ? mergeOrder(
        xValues.map((x) =>
          rows.filter((r) => String(r[xDim.key] ?? "") === x).map((r) => String(r[yDim.key] ?? "")),
        ),
      )
    : [""];
  const cellKey = (x: string, y: string) => `${x}\u0000${y}`;
  const byCell = new Map<string, TResultRow>();
  for (const row of rows)
    byCell.set(cellKey(String(row[xDim.key] ?? ""), yDim ? String(row[yDim.key] ?? "") : ""), row);

  const values = rows.map((r) => numericValue(r[measure.key])).filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const min = Math.min(max, ...values);

  const cellW = Math.max(58, Math.min(96, Math.floor(880 / Math.max(1, xValues.length))));
  const cellH = 30;
  const labelW = Math.min(300, 24 + Math.max(4, ...yValues.map((y) => y.length)) * 13);
  const headerH = 40;
  const legendH = 72;
  const width = labelW + Math.max(cellW * xValues.length, 440) + 8;
  const height = headerH + cellH * yValues.length + legendH;
  const legendY = headerH + cellH * yValues.length + 24;
  const measureLabel = pick(measure.label);

  return (
    <figure className="chart" data-testid="result-chart">
      <svg
        role="img"
        aria-label={t("run.chartAria")}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        style={{ maxWidth: "100%", height: "auto" }}
      >
        <defs>
          <pattern
            id="withheld-hatch"
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" fill="#eef0f3" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#b3b9c2" strokeWidth="2" />
          </pattern>
          <linearGradient id="heat-ramp" x1="0" x2="1" y1="0" y2="0">
            <stop offset="0%" stopColor={rampColor(0)} />
            <stop offset="100%" stopColor={rampColor(1)} />
          </linearGradient>
        </defs>
        {xValues.map((x, xi) => (
          <text
            key={`x-${x}`}
            x={labelW + xi * cellW + cellW / 2}
            y={headerH - 12}
            textAnchor="middle"
            className="chart-axis-label"
          >
            {x}
          </text>
        ))}
        {yValues.map((y, yi) => (
          <g key={`y-${y}`}>
            <text
              x={labelW - 10}
              y={headerH + yi * cellH + cellH / 2 + 4}
              textAnchor="end"
              className="chart-axis-label"
            >
              {y}
            </text>
            {xValues.map((x, xi) => {
              const row = byCell.get(cellKey(x, y));
              const value = row ? numericValue(row[measure.key]) : null;
              const cx = labelW + xi * cellW;
              const cy = headerH + yi * cellH;
              const title = [x, y].filter(Boolean).join(" · ");
              if (!row || value === null) {
                return (
                  <g key={`c-${x}-${y}`} data-withheld="true">
                    <title>{`${title}: ${t("run.withheld")} (k = ${k})`}</title>
                    <rect
                      x={cx + 1}
                      y={cy + 1}
                      width={cellW - 2}
                      height={cellH - 2}
                      fill="url(#withheld-hatch)"
                      rx="2"
                    />
                    <text
                      x={cx + cellW / 2}
                      y={cy + cellH / 2 + 4}
                      textAnchor="middle"
                      className="chart-cell-withheld"
                    >
                      {t("run.withheldShort", { k })}
                    </text>
                  </g>
                );
              }
              const share = max === min ? 1 : Math.sqrt((value - min) / (max - min));
              const details = measures
                .map((m) => `${pick(m.label)}: ${formatNumber(numericValue(row[m.key]) ?? 0)}`)
                .join("; ");
              return (
                <g key={`c-${x}-${y}`}>
                  <title>{`${title}: ${details}`}</title>
                  <rect
                    x={cx + 1}
                    y={cy + 1}
                    width={cellW - 2}
                    height={cellH - 2}
                    fill={rampColor(share)}
                    rx="2"
                  />
                  <text
                    x={cx + cellW / 2}
                    y={cy + cellH / 2 + 4}
                    textAnchor="middle"
                    className="chart-cell-value"
                    fill={share > 0.55 ? "#ffffff" : "#1d2b3a"}
                  >
                    {formatNumber(value, 0)}
                  </text>
                </g>
              );
            })}
          </g>
        ))}
        <g transform={`translate(${labelW}, ${legendY})`} className="chart-legend">
          <text x="0" y="0" className="chart-legend-title">
            {measureLabel}
          </text>
          <rect x="0" y="8" width="180" height="14" fill="url(#heat-ramp)" rx="2" />
          <text x="0" y="38" className="chart-legend-text">
            {t("run.legendFewer")} {formatNumber(min, 0)}
          </text>
          <text x="180" y="38" textAnchor="end" className="chart-legend-text">
            {t("run.legendMore")} {formatNumber(max, 0)}
          </text>
          <rect x="220" y="8" width="28" height="14" fill="url(#withheld-hatch)" stroke="#b3b9c2" rx="2" />
          <text x="256" y="20" className="chart-legend-text">
            {t("run.legendWithheld")}
          </text>
        </g>
      </svg>
      <figcaption className="muted">{t("run.chartCaption")}</figcaption>
    </figure>
  );
}
