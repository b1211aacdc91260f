import type { trailZhCN } from "./trail.zh-CN";

/** UI strings of the trail area, English: exactly the keys of trail.zh-CN.ts. */
export const trailEn: Record<keyof typeof trailZhCN, string> = {
  "trail.title": "Audit trail",
  "trail.subtitle":
    "Every registration, admission, authorization, approval and membership change is written to an append-only, hash-chained trail that can be checked as a whole at any time.",
  "trail.verify": "Verify the whole trail",
  "trail.verifying": "Verifying…",
  "trail.verifiedOk": "Trail intact: {n} events re-hashed one by one, head matches.",
  "trail.verifiedBroken": "Trail check failed: {n} problems found.",
  "trail.problem.event_modified": "Event {seq} was modified",
  "trail.problem.chain_broken":
    "Event {seq} does not link to the previous hash (an event before it was deleted or inserted)",
  "trail.problem.seq_gap": "Events are missing before {seq} (sequence gap)",
  "trail.problem.head_mismatch":
    "The head (event {seq}) does not match the last event (events removed from the end)",
  "trail.filter.action": "Action",
  "trail.filter.objectType": "Object type",
  "trail.filter.objectId": "Object id",
  "trail.filter.org": "Organization",
  "trail.filter.from": "From",
  "trail.filter.to": "To",
  "trail.filter.all": "All",
  "trail.filter.reset": "Clear filters",
  "trail.col.seq": "Seq",
  "trail.col.time": "Time",
  "trail.col.actor": "Actor",
  "trail.col.action": "Action",
  "trail.col.object": "Object",
  "trail.col.detail": "Summary",
  "trail.col.signature": "Signature",
  "trail.col.hash": "Event hash",
  "trail.system": "System",
  "trail.signed": "Signed",
  "trail.checkSignature": "Verify",
  "trail.signatureOk": "Signature valid",
  "trail.signatureBad": "Signature invalid",
  "trail.empty": "No events match.",
  "trail.loadMore": "Load more",
};
