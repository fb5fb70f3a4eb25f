// Test support only: answers the API client's requests from a table of routes and records them.
// Installed before the pages are imported, as the client takes `fetch` when it is created.
export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Answer = { status: number; body?: unknown };
export type Routes = Record<string, (request: SentRequest) => Answer>;

export function installFakeApi(): { routes: Routes; sent: SentRequest[] } {
  const fake = { routes: {} as Routes, sent: [] as SentRequest[] };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(input);
    const url = new URL(request.url);
    const text = await request.text();
    const sent = { method: request.method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined };
    fake.sent.push(sent);
    const route = fake.routes[`${sent.method} ${sent.path}`];
    const answer = route ? route(sent) : { status: 404, body: { error: "not_found", detail: `No fake for ${sent.method} ${sent.path}` } };
    return answer.body === undefined
      ? new Response(null, { status: answer.status })
      : new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } });
  };
  return fake;
}
