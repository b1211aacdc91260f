import type { mpcZhCN } from "./mpc.zh-CN";

/** UI strings of joint-statistics products (multi-party computation), English. */
export const mpcEn: Record<keyof typeof mpcZhCN, string> = {
  "delivery.joint_statistics":
    "Joint statistics by multi-party computation (no department's data leaves its node; only the noisy joint result is delivered)",
  "mpc.title": "Run the joint statistic",
  "mpc.intro":
    "When you run it, the coordinator node {coordinator} starts the computation on the departments' secure nodes: {parties}. Each node first checks the authorization on chain, then aggregates in its own vault and exchanges only random shares; you see only the joint result after the minimum group size and noise.",
  "mpc.run": "Run joint statistic",
  "mpc.running": "The nodes are computing…",
  "mpc.state.running": "Running",
  "mpc.state.released": "Released",
  "mpc.state.failed": "Failed",
  "mpc.failed": "The joint computation failed: node {node} at step {step}: {reason}",
  "mpc.resultTitle": "Joint result",
  "mpc.noise":
    "Counts, sums and sums of squares carry discrete-Laplace noise (ε = {epsilon} per statistic, scaled by the parties' summed rows per unit, {rowsPerUnit}); mean and variance are derived from the noisy values. Each run charges ε {spent} at each department.",
  "mpc.noiseScale": "{measure} noise scale {scale}",
  "mpc.suppressed": "Withheld (fewer than {k} joint records, or withheld against differencing)",
  "mpc.group": "Group",
  "mpc.receipt":
    "Signed receipt of coordinator {coordinator}: key {keyId}, output hash {hash}, usage record #{record}",
};
