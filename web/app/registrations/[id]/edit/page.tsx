import { EditRegistrationView } from "./edit-registration-view";

export default async function EditRegistrationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EditRegistrationView id={decodeURIComponent(id)} />;
}
