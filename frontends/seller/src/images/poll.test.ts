import { describe, expect, it } from "vitest";

import { awaitingThumbnails, MAX_DELAY_MS, pollDelay } from "./poll";

describe("pollDelay", () => {
  it("starts at a second and backs off to a ceiling", () => {
    expect([0, 1, 2, 3].map(pollDelay)).toEqual([1000, 1500, 2250, 3375]);
    expect(pollDelay(50)).toBe(MAX_DELAY_MS);
    expect(pollDelay(-1)).toBe(1000);
  });
});

describe("awaitingThumbnails", () => {
  const images = [
    { id: "a", status: "ready" },
    { id: "b", status: "pending" },
    { id: "c", status: "rejected" },
  ];

  it("waits while an image is pending", () => {
    expect(awaitingThumbnails(images, new Set())).toBe(true);
  });

  it("does not wait for a file still being uploaded", () => {
    expect(awaitingThumbnails(images, new Set(["b"]))).toBe(false);
  });

  it("stops once nothing is pending", () => {
    expect(awaitingThumbnails(images.slice(0, 1), new Set())).toBe(false);
    expect(awaitingThumbnails([], new Set())).toBe(false);
  });
});
