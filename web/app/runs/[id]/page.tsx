import { RunView } from "./run-view";

export default async function RunPage({ params }: PageProps<"/runs/[id]">) {
  const { id } = await params;
  return <RunView runId={decodeURIComponent(id)} />;
}
