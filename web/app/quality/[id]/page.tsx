import { QualityIssueView } from "./quality-issue-view";

export default async function QualityIssuePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <QualityIssueView id={decodeURIComponent(id)} />;
}
