import { RegistrationView } from "./registration-view";

export default async function RegistrationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RegistrationView id={decodeURIComponent(id)} />;
}
