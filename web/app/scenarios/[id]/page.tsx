import { ScenarioView } from "./scenario-view";

export default async function ScenarioPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ScenarioView id={decodeURIComponent(id)} />;
}
