import { api, ApiError, call, type Schemas } from "@facet/shared/api/client";
import { describeError, ErrorMessage } from "@facet/shared/errors";
import { type ChangeEvent, type DragEvent, useEffect, useId, useRef, useState } from "react";

import { ACCEPT, type AcceptedType, checkFiles, formatBytes, MAX_IMAGE_BYTES, MAX_IMAGES_PER_PRODUCT, type Refusal } from "./files";
import "./images.css";
import { byPosition, dropIndex, move, moveBy, orderIds, renumber } from "./order";
import { awaitingThumbnails, GIVE_UP_AFTER_MS, pollDelay } from "./poll";
import { TaskQueue } from "./queue";
import { postToStorage } from "./upload";

type Product = Schemas["SellerProductRead"];
type Image = Schemas["SellerImageRead"];

/** Uploads at once: enough to fill a connection, few enough that each shows progress. */
const CONCURRENT_UPLOADS = 3;

interface Upload {
  key: number;
  name: string;
  size: number;
  phase: "queued" | "requesting" | "uploading" | "processing" | "failed";
  loaded: number;
  imageId: string | null;
  error: string | null;
}

/** The product with these images, and its `image` (the first ready one) to match. */
function withImages(product: Product, images: Image[]): Product {
  const first = byPosition(images).find((image) => image.status === "ready");
  return {
    ...product,
    images,
    image: first ? { id: first.id, position: first.position, urls: first.urls } : null,
  };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** The product edit page's images: upload (drop or choose), watch them processed, reorder, delete. */
export function ImagesPanel(props: { product: Schemas["SellerProductRead"]; onChange: (product: Schemas["SellerProductRead"]) => void }) {
  const { product } = props;
  const productId = product.id;
  const images = byPosition(product.images);
  const titleId = useId();
  const inputId = useId();

  const [uploads, setUploads] = useState<Upload[]>([]);
  const [refused, setRefused] = useState<Refusal[]>([]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState("");
  const [fileOver, setFileOver] = useState(false);
  const [dragged, setDragged] = useState<string | null>(null);
  const [dropAt, setDropAt] = useState<{ index: number; after: boolean } | null>(null);
  const [deleting, setDeleting] = useState<ReadonlySet<string>>(new Set());
  const [refocus, setRefocus] = useState<{ id: string; direction: "earlier" | "later" } | null>(null);
  const [pollRound, setPollRound] = useState(0);

  // Uploads, polls and reorders finish after later renders: they read and change the latest
  // product, not the one of the render that started them.
  const latest = useRef(product);
  latest.current = product;
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const changes = useRef(0); // bumped by every local change: a poll that raced one is dropped
  const queue = useRef<TaskQueue | null>(null);
  const controllers = useRef(new Map<number, AbortController>());
  const cancelled = useRef(new Set<number>());
  const unmounted = useRef(false);
  const nextKey = useRef(0);
  const orderChain = useRef<Promise<void>>(Promise.resolve());
  const moveButtons = useRef(new Map<string, HTMLButtonElement>());

  function update(change: (current: Product) => Product, local = true) {
    const next = change(latest.current);
    latest.current = next;
    if (local) changes.current += 1;
    onChange.current(next);
  }

  function patchUpload(key: number, patch: Partial<Upload>) {
    setUploads((list) => list.map((upload) => (upload.key === key ? { ...upload, ...patch } : upload)));
  }

  function discard(imageId: string) {
    // Best effort: a row whose file never arrived would stay pending (the bucket's lifecycle
    // rule removes nothing from the database).
    void call(
      api.DELETE("/api/v1/seller/products/{product_id}/images/{image_id}", {
        params: { path: { product_id: productId, image_id: imageId } },
      }),
    ).catch(() => undefined);
  }

  async function runUpload(key: number, file: File, contentType: AcceptedType) {
    if (cancelled.current.has(key) || unmounted.current) return;
    const controller = new AbortController();
    controllers.current.set(key, controller);
    const { signal } = controller;
    let imageId: string | null = null;
    try {
      patchUpload(key, { phase: "requesting" });
      const granted = await call(
        api.POST("/api/v1/seller/products/{product_id}/images", {
          params: { path: { product_id: productId } },
          body: { content_type: contentType, size: file.size },
          signal,
        }),
      );
      const image = granted.image;
      imageId = image.id;
      patchUpload(key, { phase: "uploading", imageId });
      update((current) => withImages(current, [...current.images.filter((i) => i.id !== image.id), image]));
      await postToStorage({
        url: granted.upload.url,
        fields: granted.upload.fields,
        file,
        fileName: file.name,
        signal,
        onProgress: (loaded) => patchUpload(key, { loaded }),
      });
      patchUpload(key, { phase: "processing", loaded: file.size });
      setPollRound((round) => round + 1); // from the first, short delay again
    } catch (error) {
      if (imageId !== null) {
        discard(imageId);
        const gone = imageId;
        if (!unmounted.current) update((current) => withImages(current, current.images.filter((i) => i.id !== gone)));
      }
      if (isAbort(error) || signal.aborted) return;
      patchUpload(key, { phase: "failed", error: describeError(error).message });
    } finally {
      controllers.current.delete(key);
    }
  }

  const inFlight = uploads.filter((u) => u.phase === "queued" || u.phase === "requesting").length;
  const taken = product.images.length + inFlight;
  const full = taken >= MAX_IMAGES_PER_PRODUCT;

  function addFiles(files: File[]) {
    if (files.length === 0) return;
    const checked = checkFiles(files, taken);
    setRefused(checked.refused);
    if (checked.accepted.length === 0) return;
    queue.current ??= new TaskQueue(CONCURRENT_UPLOADS);
    const added: Upload[] = checked.accepted.map(({ file }) => ({
      key: (nextKey.current += 1),
      name: file.name,
      size: file.size,
      phase: "queued",
      loaded: 0,
      imageId: null,
      error: null,
    }));
    setUploads((list) => [...list, ...added]);
    checked.accepted.forEach(({ file, contentType }, index) => {
      const key = added[index]!.key;
      queue.current!.add(() => runUpload(key, file, contentType));
    });
  }

  function chosen(event: ChangeEvent<HTMLInputElement>) {
    addFiles([...(event.target.files ?? [])]);
    event.target.value = ""; // the same file again is a new choice
  }

  function cancel(key: number) {
    cancelled.current.add(key);
    controllers.current.get(key)?.abort();
    setUploads((list) => list.filter((u) => u.key !== key));
  }

  // Leaving the page stops its uploads; their rows (no file will come) are deleted.
  useEffect(() => {
    unmounted.current = false;
    const running = controllers.current;
    return () => {
      unmounted.current = true;
      queue.current?.clear();
      running.forEach((controller) => controller.abort());
    };
  }, []);

  const busy = uploads.some((u) => u.phase === "queued" || u.phase === "requesting" || u.phase === "uploading");
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);

  // Poll the product while the thumbnailer has work: pending images whose file has arrived, or
  // a finished upload whose image this page has not seen settle yet.
  const uploading = new Set(uploads.flatMap((u) => (u.phase === "uploading" && u.imageId ? [u.imageId] : [])));
  const settled = (id: string | null) => product.images.some((i) => i.id === id && i.status !== "pending");
  const waiting =
    awaitingThumbnails(product.images, uploading) || uploads.some((u) => u.phase === "processing" && !settled(u.imageId));
  useEffect(() => {
    if (!waiting) return;
    const controller = new AbortController();
    const started = Date.now();
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      const before = changes.current;
      try {
        const fresh = await call(
          api.GET("/api/v1/seller/products/{product_id}", {
            params: { path: { product_id: productId } },
            signal: controller.signal,
          }),
        );
        if (controller.signal.aborted) return;
        if (changes.current === before) update(() => fresh, false);
      } catch {
        if (controller.signal.aborted) return; // otherwise: a blip, ask again later
      }
      attempt += 1;
      if (Date.now() - started < GIVE_UP_AFTER_MS) timer = setTimeout(tick, pollDelay(attempt));
    };
    timer = setTimeout(tick, pollDelay(0));
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [waiting, pollRound, productId]);

  // After a move the list is re-rendered: keep the keyboard on the moved image's button.
  useEffect(() => {
    if (!refocus) return;
    const { id, direction } = refocus;
    const button = moveButtons.current.get(`${id}:${direction}`);
    const other = moveButtons.current.get(`${id}:${direction === "earlier" ? "later" : "earlier"}`);
    (button && !button.disabled ? button : other)?.focus();
    setRefocus(null);
  }, [refocus]);

  function saveOrder(next: Image[], said: string) {
    update((current) => withImages(current, next));
    setAnnouncement(said);
    setActionError(null);
    const ids = orderIds(next);
    // One PUT at a time, in the order made: the last order asked for is the one kept.
    orderChain.current = orderChain.current.then(async () => {
      try {
        await call(
          api.PUT("/api/v1/seller/products/{product_id}/images/order", {
            params: { path: { product_id: productId } },
            body: { image_ids: ids },
          }),
        );
      } catch (error) {
        setActionError(error);
        try {
          const fresh = await call(
            api.GET("/api/v1/seller/products/{product_id}", { params: { path: { product_id: productId } } }),
          );
          update(() => fresh);
        } catch {
          // the error above is already shown
        }
      }
    });
  }

  function moveStep(image: Image, index: number, direction: "earlier" | "later") {
    const next = moveBy(latest.current.images, image.id, direction === "earlier" ? -1 : 1);
    if (!next) return;
    const position = index + 1 + (direction === "earlier" ? -1 : 1);
    saveOrder(next, `Image ${index + 1} moved to position ${position}.`);
    setRefocus({ id: image.id, direction });
  }

  async function remove(image: Image, index: number) {
    if (!window.confirm(`Delete image ${index + 1} of ${product.name}? This cannot be undone.`)) return;
    setActionError(null);
    setDeleting((ids) => new Set(ids).add(image.id));
    try {
      await call(
        api.DELETE("/api/v1/seller/products/{product_id}/images/{image_id}", {
          params: { path: { product_id: productId, image_id: image.id } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        setActionError(error);
        setDeleting((ids) => new Set([...ids].filter((id) => id !== image.id)));
        return;
      }
    }
    update((current) => withImages(current, current.images.filter((i) => i.id !== image.id)));
    setUploads((list) => list.filter((u) => u.imageId !== image.id));
    setDeleting((ids) => new Set([...ids].filter((id) => id !== image.id)));
    setAnnouncement(`Image ${index + 1} deleted.`);
  }

  // Files dropped on the zone; image cards dragged within the list.
  const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes("Files");
  function overZone(event: DragEvent<HTMLDivElement>) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = full ? "none" : "copy";
    setFileOver(true);
  }
  function leaveZone(event: DragEvent<HTMLDivElement>) {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setFileOver(false);
  }
  function dropOnZone(event: DragEvent<HTMLDivElement>) {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    setFileOver(false);
    addFiles([...event.dataTransfer.files]);
  }

  function dragStart(event: DragEvent<HTMLLIElement>, image: Image) {
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", image.id); // Firefox starts no drag without data
    setDragged(image.id);
  }
  function dragOver(event: DragEvent<HTMLLIElement>, index: number) {
    if (dragged === null) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const box = event.currentTarget.getBoundingClientRect();
    const after = event.clientX > box.left + box.width / 2;
    if (dropAt?.index !== index || dropAt.after !== after) setDropAt({ index, after });
  }
  function drop(event: DragEvent<HTMLLIElement>, index: number) {
    if (dragged === null) return;
    event.preventDefault();
    const from = images.findIndex((image) => image.id === dragged);
    const box = event.currentTarget.getBoundingClientRect();
    const to = dropIndex(from, index, event.clientX > box.left + box.width / 2);
    endDrag();
    if (from === -1 || to === from) return;
    saveOrder(renumber(move(images, from, to)), `Image ${from + 1} moved to position ${to + 1}.`);
  }
  function endDrag() {
    setDragged(null);
    setDropAt(null);
  }

  const shownUploads = uploads.filter((u) => !(u.phase === "processing" && settled(u.imageId)));
  const uploadOf = (id: string) => uploads.find((u) => u.imageId === id);

  return (
    <section className="images-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>
        Images <span className="count">· {product.images.length} of {MAX_IMAGES_PER_PRODUCT}</span>
      </h2>

      <div
        className={`dropzone${fileOver ? " over" : ""}${full ? " full" : ""}`}
        onDragEnter={overZone}
        onDragOver={overZone}
        onDragLeave={leaveZone}
        onDrop={dropOnZone}
      >
        <p className="dropzone-hint">{full ? "This product has all the images it can have." : "Drop images here, or"}</p>
        <label htmlFor={inputId} className={`button${full ? " disabled" : ""}`}>
          Choose images
        </label>
        <input
          id={inputId}
          className="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT}
          disabled={full}
          onChange={chosen}
        />
        <p className="meta">
          JPEG, PNG or WebP, up to {formatBytes(MAX_IMAGE_BYTES)} each. The first image is the one shoppers see
          first.
        </p>
      </div>

      {refused.length > 0 && (
        <div role="alert" className="error refused">
          <p>{refused.length === 1 ? "This file was not uploaded:" : `These ${refused.length} files were not uploaded:`}</p>
          <ul>
            {refused.map((refusal, index) => (
              <li key={`${refusal.name}-${index}`}>
                <strong>{refusal.name}</strong>: {refusal.reason}
              </li>
            ))}
          </ul>
          <button type="button" className="link" onClick={() => setRefused([])}>
            Dismiss
          </button>
        </div>
      )}

      {shownUploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {shownUploads.map((upload) => (
            <UploadRow key={upload.key} upload={upload} onCancel={() => cancel(upload.key)} />
          ))}
        </ul>
      )}

      <ErrorMessage error={actionError} />
      <p className="visually-hidden" role="status">
        {announcement}
      </p>

      {images.length === 0 ? (
        <p className="meta">No images yet.</p>
      ) : (
        <>
          {images.length > 1 && (
            <p className="meta reorder-hint">Drag the images to reorder them, or use Earlier and Later.</p>
          )}
          <ol className="image-list" aria-label={`Images of ${product.name}`}>
            {images.map((image, index) => {
              const marker =
                dropAt?.index === index && dragged !== null && dragged !== image.id
                  ? dropAt.after
                    ? " drop-after"
                    : " drop-before"
                  : "";
              return (
                <li
                  key={image.id}
                  className={`image-card image-${image.status}${dragged === image.id ? " dragging" : ""}${marker}`}
                  draggable={images.length > 1}
                  onDragStart={(event) => dragStart(event, image)}
                  onDragOver={(event) => dragOver(event, index)}
                  onDrop={(event) => drop(event, index)}
                  onDragEnd={endDrag}
                >
                  <ImageView image={image} alt={`${product.name}, image ${index + 1}`} upload={uploadOf(image.id)} />
                  <div className="image-meta">
                    <span className="image-number">{index + 1}</span>
                    <span className={`image-badge image-badge-${image.status}`}>{statusLabel(image, uploadOf(image.id))}</span>
                  </div>
                  {image.status === "rejected" && (
                    <p className="rejection">{image.rejection_reason ?? "The file could not be used."}</p>
                  )}
                  <div className="image-actions">
                    <button
                      type="button"
                      ref={(element) => register(moveButtons.current, `${image.id}:earlier`, element)}
                      aria-label={`Move image ${index + 1} earlier`}
                      disabled={index === 0}
                      onClick={() => moveStep(image, index, "earlier")}
                    >
                      <span aria-hidden="true">← </span>Earlier
                    </button>
                    <button
                      type="button"
                      ref={(element) => register(moveButtons.current, `${image.id}:later`, element)}
                      aria-label={`Move image ${index + 1} later`}
                      disabled={index === images.length - 1}
                      onClick={() => moveStep(image, index, "later")}
                    >
                      Later<span aria-hidden="true"> →</span>
                    </button>
                    <button
                      type="button"
                      className="delete"
                      aria-label={`Delete image ${index + 1}`}
                      disabled={deleting.has(image.id) || uploadOf(image.id)?.phase === "uploading"}
                      onClick={() => void remove(image, index)}
                    >
                      {deleting.has(image.id) ? "Deleting…" : "Delete"}
                    </button>
                  </div>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}

function register(map: Map<string, HTMLButtonElement>, key: string, element: HTMLButtonElement | null) {
  if (element) map.set(key, element);
  else map.delete(key);
}

function statusLabel(image: Image, upload: Upload | undefined): string {
  if (image.status === "ready") return "Ready";
  if (image.status === "rejected") return "Rejected";
  return upload?.phase === "uploading" ? "Uploading" : "Processing";
}

function ImageView({ image, alt, upload }: { image: Image; alt: string; upload: Upload | undefined }) {
  const small = image.urls["200"];
  if (image.status === "ready" && small) {
    const large = image.urls["600"];
    return (
      <div className="image-thumb">
        <img
          src={small}
          srcSet={large ? `${small} 1x, ${large} 3x` : undefined}
          alt={alt}
          width={200}
          height={200}
          loading="lazy"
          draggable={false}
        />
      </div>
    );
  }
  return (
    <div className="image-thumb placeholder" aria-hidden="true">
      {image.status === "rejected" ? "✕" : upload?.phase === "uploading" ? "Uploading…" : "Processing…"}
    </div>
  );
}

function UploadRow({ upload, onCancel }: { upload: Upload; onCancel: () => void }) {
  const id = useId();
  const percent = upload.size > 0 ? Math.round((upload.loaded / upload.size) * 100) : 0;
  const state =
    upload.phase === "queued"
      ? "Waiting…"
      : upload.phase === "requesting"
        ? "Starting…"
        : upload.phase === "uploading"
          ? `${percent}%`
          : upload.phase === "processing"
            ? "Uploaded, processing…"
            : "Failed";
  return (
    <li className={`upload upload-${upload.phase}`}>
      <div className="upload-head">
        {upload.phase === "failed" ? (
          <span className="upload-name">{upload.name}</span>
        ) : (
          <label htmlFor={id} className="upload-name">
            {upload.name}
          </label>
        )}
        <span className="meta">
          {formatBytes(upload.size)} · {state}
        </span>
        {upload.phase !== "processing" && (
          <button
            type="button"
            className="link"
            aria-label={`${upload.phase === "failed" ? "Dismiss" : "Cancel"} ${upload.name}`}
            onClick={onCancel}
          >
            {upload.phase === "failed" ? "Dismiss" : "Cancel"}
          </button>
        )}
      </div>
      {upload.phase === "failed" ? (
        <p className="upload-error" role="alert">
          {upload.error}
        </p>
      ) : (
        <progress id={id} max={upload.size || 1} value={upload.loaded} />
      )}
    </li>
  );
}
