/**
 * PUT /api/vault/uploads/:id/chunks/:offset — one raw chunk of a vault upload, forwarded as is
 * to the API server's route of the same path (API_URL read at request time), with the session
 * cookie, Origin and CSRF header, like /trpc. The server checks the session, the CSRF rule and
 * the caller's ownership of the upload; the answer (status or error) comes back unchanged.
 */
import { forwardToApi } from "@/lib/api-proxy";

// Every chunk is forwarded at request time; nothing here is cached or prerendered.
export const dynamic = "force-dynamic";

export function PUT(request: Request): Promise<Response> {
  return forwardToApi(request);
}
