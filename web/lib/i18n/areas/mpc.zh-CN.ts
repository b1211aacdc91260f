/** UI strings of joint-statistics products (多方安全计算), Simplified Chinese (keys prefixed "mpc."). */
export const mpcZhCN = {
  "delivery.joint_statistics": "多方安全计算联合统计（各部门数据不出本部门节点，仅交付加噪联合结果）",
  "mpc.title": "运行联合统计",
  "mpc.intro":
    "点击运行后，协调节点 {coordinator} 向各部门安全节点发起计算：{parties}。每个节点先在链上核验授权，再在本部门金库内聚合，并只以随机份额的形式交换；您只看到满足最小分组规模、加入噪声后的联合结果。",
  "mpc.run": "运行联合统计",
  "mpc.running": "各节点计算中…",
  "mpc.state.running": "计算中",
  "mpc.state.released": "已发布",
  "mpc.state.failed": "失败",
  "mpc.failed": "联合计算失败：节点 {node} 在 {step} 步骤：{reason}",
  "mpc.resultTitle": "联合结果",
  "mpc.noise":
    "计数、合计和平方和均加入离散拉普拉斯噪声（每项统计 ε = {epsilon}，按各方每单位记录数之和 {rowsPerUnit} 缩放）；均值和方差由加噪值推算。每次运行在每个部门各扣 ε {spent}。",
  "mpc.noiseScale": "{measure} 噪声尺度 {scale}",
  "mpc.suppressed": "已隐去（联合记录数不足 {k} 或为防差分推算而隐去）",
  "mpc.group": "分组",
  "mpc.receipt": "协调节点 {coordinator} 签名回执：密钥 {keyId}，输出哈希 {hash}，使用记录 #{record}",
} as const;
