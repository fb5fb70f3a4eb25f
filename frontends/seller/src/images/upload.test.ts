import { describe, expect, it } from "vitest";

import { describeS3Error, postToStorage, UploadError, uploadForm } from "./upload";

const FIELDS = {
  "Content-Type": "image/jpeg",
  key: "uploads/s/i",
  "x-amz-algorithm": "AWS4-HMAC-SHA256",
  policy: "eyJ...",
  "x-amz-signature": "abc",
};

describe("uploadForm", () => {
  it("puts every policy field first and the file last, as 'file'", () => {
    const form = uploadForm(FIELDS, new Blob(["jpeg bytes"], { type: "image/jpeg" }), "ring.jpg");
    const entries = [...form.entries()];
    expect(entries.map(([name]) => name)).toEqual([...Object.keys(FIELDS), "file"]);
    expect(entries.slice(0, -1)).toEqual(Object.entries(FIELDS));
    const file = entries.at(-1)![1];
    expect(file).toBeInstanceOf(File);
    expect((file as File).name).toBe("ring.jpg");
  });
});

const xml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R</RequestId></Error>`;

describe("describeS3Error", () => {
  it("says what S3's usual refusals mean", () => {
    expect(describeS3Error(400, xml("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"))).toBe(
      "The storage refused the file: it is larger than allowed.",
    );
    expect(describeS3Error(403, xml("AccessDenied", "Invalid according to Policy: Policy expired."))).toBe(
      "The upload link expired before the file was sent. Try again.",
    );
  });

  it("passes on any other message with its code", () => {
    expect(
      describeS3Error(403, xml("AccessDenied", "Invalid according to Policy: Policy Condition failed")),
    ).toBe("The storage refused the file: Invalid according to Policy: Policy Condition failed (AccessDenied)");
  });

  it("copes with a body that is not S3's XML", () => {
    expect(describeS3Error(502, "Bad Gateway")).toBe("The storage refused the file (HTTP 502).");
    expect(describeS3Error(500, "")).toBe("The storage refused the file (HTTP 500).");
    expect(describeS3Error(400, "<Error><Code>SlowDown</Code></Error>")).toBe("The storage refused the file (SlowDown).");
  });
});

/** Just enough of XMLHttpRequest, driven by the test. */
class FakeRequest {
  static last: FakeRequest | null = null;
  method = "";
  url = "";
  body: unknown = null;
  status = 0;
  responseText = "";
  responseType = "";
  aborted = false;
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeRequest.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.(new ProgressEvent("progress", { lengthComputable: true, loaded, total }));
  }
  answer(status: number, text = "") {
    this.status = status;
    this.responseText = text;
    this.onload?.();
  }
}

function start(signal?: AbortSignal) {
  const progress: [number, number][] = [];
  const file = new Blob(["0123456789"], { type: "image/png" });
  const done = postToStorage({
    url: "http://127.0.0.1:9100/facet-images-local",
    fields: FIELDS,
    file,
    fileName: "a.png",
    onProgress: (loaded, total) => progress.push([loaded, total]),
    signal,
    createRequest: () => new FakeRequest() as unknown as XMLHttpRequest,
  });
  return { done, progress, request: FakeRequest.last! };
}

describe("postToStorage", () => {
  it("POSTs the form to the presigned URL and reports progress until S3's 204", async () => {
    const { done, progress, request } = start();
    expect([request.method, request.url]).toEqual(["POST", "http://127.0.0.1:9100/facet-images-local"]);
    expect(request.body).toBeInstanceOf(FormData);
    request.progress(4, 10);
    request.progress(10, 10);
    request.answer(204);
    await expect(done).resolves.toBeUndefined();
    expect(progress).toEqual([
      [4, 10],
      [10, 10],
      [10, 10],
    ]);
  });

  it("rejects with S3's refusal in words", async () => {
    const { done, request } = start();
    request.answer(400, xml("EntityTooLarge", "too big"));
    await expect(done).rejects.toEqual(new UploadError("The storage refused the file: it is larger than allowed."));
  });

  it("rejects when the storage cannot be reached (or CORS refuses)", async () => {
    const { done, request } = start();
    request.onerror?.();
    await expect(done).rejects.toThrow("Could not reach the image storage");
  });

  it("aborts the request when the signal fires", async () => {
    const controller = new AbortController();
    const { done, request } = start(controller.signal);
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
    expect(request.aborted).toBe(true);
  });

  it("sends nothing when already aborted", async () => {
    FakeRequest.last = null;
    const controller = new AbortController();
    controller.abort();
    const done = postToStorage({
      url: "x",
      fields: {},
      file: new Blob(["1"]),
      fileName: "a",
      signal: controller.signal,
      createRequest: () => new FakeRequest() as unknown as XMLHttpRequest,
    });
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
    expect(FakeRequest.last).toBeNull();
  });
});
