// The one API client of both frontends: openapi-fetch typed by schema.d.ts, which is generated
// from the backend's OpenAPI document (`make api-types`), never written by hand.
import createClient from "openapi-fetch";

import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

/** A non-2xx answer (or no answer at all), carrying the API's error envelope. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly requestId: string | null;
  readonly fields: FieldError[];
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    code: string;
    detail: string;
    requestId?: string | null;
    fields?: FieldError[];
    retryAfter?: number | null;
  }) {
    super(init.detail);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId ?? null;
    this.fields = init.fields ?? [];
    this.retryAfter = init.retryAfter ?? null;
  }
}

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type: string;
}

interface Envelope {
  error?: unknown;
  detail?: unknown;
  request_id?: unknown;
  fields?: unknown;
  message?: unknown; // API Gateway's own answers: {"message": "..."}
}

const NETWORK_DETAIL = "Could not reach the shop. Check your connection and try again.";

/** Reads any failed response (the API's envelope, a gateway's, or none) into an ApiError. */
export function toApiError(response: Response, body: unknown): ApiError {
  const envelope: Envelope = typeof body === "object" && body !== null ? (body as Envelope) : {};
  const detail =
    typeof envelope.detail === "string"
      ? envelope.detail
      : typeof envelope.message === "string"
        ? envelope.message
        : response.statusText || `The request failed (${response.status})`;
  const retryAfter = Number(response.headers.get("retry-after"));
  return new ApiError({
    status: response.status,
    code: typeof envelope.error === "string" ? envelope.error : "http_error",
    detail,
    requestId: typeof envelope.request_id === "string" ? envelope.request_id : null,
    fields: Array.isArray(envelope.fields) ? (envelope.fields as FieldError[]) : [],
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  });
}

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called on every 401 (a session that ended or never was); returns the unsubscribe. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  credentials: "same-origin",
});

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call: its data on 2xx, an ApiError thrown otherwise. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request;
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError({ status: 0, code: "network_error", detail: NETWORK_DETAIL });
  }
  if (result.response.ok) return result.data as T;
  const error = toApiError(result.response, result.error);
  if (error.status === 401) unauthorizedListeners.forEach((listener) => listener(error));
  throw error;
}
