// The browser's half of a presigned POST: the form S3 expects, sent with XMLHttpRequest because
// fetch() reports no upload progress.

/** S3 reads the policy fields before the file: every field first, the file last, as "file". */
export function uploadForm(fields: Record<string, string>, file: Blob, fileName: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", file, fileName);
  return form;
}

export class UploadError extends Error {
  override readonly name = "UploadError";
}

const NETWORK =
  "Could not reach the image storage. Check your connection and try again.";

/** What a person reads for S3's XML error body (`<Error><Code>…</Code><Message>…</Message>`). */
export function describeS3Error(status: number, body: string): string {
  const xml = body.trim().startsWith("<") ? new DOMParser().parseFromString(body, "application/xml") : null;
  const code = xml?.querySelector("Error > Code")?.textContent?.trim() ?? "";
  const message = xml?.querySelector("Error > Message")?.textContent?.trim() ?? "";
  switch (code) {
    case "EntityTooLarge":
      return "The storage refused the file: it is larger than allowed.";
    case "EntityTooSmall":
      return "The storage refused the file: it is empty.";
    case "AccessDenied":
      if (/expired/i.test(message)) return "The upload link expired before the file was sent. Try again.";
      break;
    case "RequestTimeout":
      return "The upload took too long and was stopped. Try again.";
    default:
      break;
  }
  if (message) return `The storage refused the file: ${message}${code ? ` (${code})` : ""}`;
  if (code) return `The storage refused the file (${code}).`;
  return `The storage refused the file (HTTP ${status}).`;
}

export interface PostOptions {
  url: string;
  fields: Record<string, string>;
  file: Blob;
  fileName: string;
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
  /** For tests: anything shaped like an XMLHttpRequest. */
  createRequest?: () => XMLHttpRequest;
}

/** POSTs the file to the presigned URL; resolves on a 2xx (S3 answers 204), rejects with an
 * UploadError a person can read, or an AbortError when the signal fires. */
export function postToStorage(options: PostOptions): Promise<void> {
  const { url, fields, file, fileName, onProgress, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException("The upload was cancelled", "AbortError"));
      return;
    }
    const request = options.createRequest?.() ?? new XMLHttpRequest();
    const abort = () => request.abort();
    const done = () => signal?.removeEventListener("abort", abort);
    request.open("POST", url);
    request.responseType = "text";
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded, event.total);
    };
    request.onload = () => {
      done();
      if (request.status >= 200 && request.status < 300) {
        onProgress?.(file.size, file.size);
        resolve();
      } else {
        reject(new UploadError(describeS3Error(request.status, String(request.responseText ?? ""))));
      }
    };
    request.onerror = () => {
      done();
      reject(new UploadError(NETWORK));
    };
    request.ontimeout = request.onerror;
    request.onabort = () => {
      done();
      reject(new DOMException("The upload was cancelled", "AbortError"));
    };
    signal?.addEventListener("abort", abort, { once: true });
    request.send(uploadForm(fields, file, fileName));
  });
}
