import { DatasetView } from "./dataset-view";

export default async function DatasetPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return <DatasetView code={decodeURIComponent(code)} />;
}
