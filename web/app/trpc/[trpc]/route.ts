import { forwardToApi } from "@/lib/api-proxy";

// Every call is forwarded at request time; nothing here is cached or prerendered.
export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return forwardToApi(request);
}

export function POST(request: Request): Promise<Response> {
  return forwardToApi(request);
}
