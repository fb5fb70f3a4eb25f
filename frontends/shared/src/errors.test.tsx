import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { ApiError, call, toApiError } from "./api/client";
import { ErrorMessage } from "./errors";

function response(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

afterEach(cleanup);

describe("API errors as a person reads them", () => {
  it("shows the envelope's detail and each field of a 422", async () => {
    const body = {
      error: "validation_error",
      detail: "The request is invalid.",
      request_id: "req-1",
      fields: [{ loc: ["body", "display_name"], type: "string_too_short", msg: "String should have at least 1 character" }],
    };
    const error = await call(Promise.resolve({ error: body, response: response(422, body) })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    render(<ErrorMessage error={error} />);
    expect(screen.getByRole("alert").textContent).toContain("The request is invalid.");
    expect(screen.getByRole("listitem").textContent).toBe("display name: String should have at least 1 character");
  });

  it("reads a gateway's own message and Retry-After", () => {
    const error = toApiError(response(503, {}, { "retry-after": "5" }), { message: "Service Unavailable" });
    expect(error.detail).toBe("Service Unavailable");
    expect(error.retryAfter).toBe(5);
  });

  it("says the shop is unreachable when the request never got an answer", async () => {
    const error = await call(Promise.reject(new TypeError("Failed to fetch"))).catch((e) => e);
    render(<ErrorMessage error={error} />);
    expect(screen.getByRole("alert").textContent).toContain("Could not reach the shop");
  });

  it("renders nothing without an error", () => {
    const { container } = render(<ErrorMessage error={null} />);
    expect(container.innerHTML).toBe("");
  });
});
