import { JobView } from "./job-view";

export default async function JobPage({ params }: PageProps<"/jobs/[id]">) {
  const { id } = await params;
  return <JobView id={decodeURIComponent(id)} />;
}
