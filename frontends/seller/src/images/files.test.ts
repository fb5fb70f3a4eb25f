import { describe, expect, it } from "vitest";

import { checkFiles, contentTypeOf, formatBytes, MAX_IMAGE_BYTES, MAX_IMAGES_PER_PRODUCT } from "./files";

function file(name: string, type: string, size: number): File {
  const made = new File(["x"], name, { type });
  Object.defineProperty(made, "size", { value: size }); // no need to allocate 10 MB
  return made;
}

describe("contentTypeOf", () => {
  it("takes the declared type when it is one of the three", () => {
    expect(contentTypeOf({ name: "a.png", type: "image/jpeg" })).toBe("image/jpeg");
    expect(contentTypeOf({ name: "a", type: "IMAGE/WEBP" })).toBe("image/webp");
  });

  it("refuses any other declared type whatever the extension", () => {
    expect(contentTypeOf({ name: "a.jpg", type: "image/gif" })).toBeNull();
    expect(contentTypeOf({ name: "a.svg", type: "image/svg+xml" })).toBeNull();
  });

  it("falls back on the extension when the browser reports no type", () => {
    expect(contentTypeOf({ name: "Photo.JPEG", type: "" })).toBe("image/jpeg");
    expect(contentTypeOf({ name: "notes.txt", type: "" })).toBeNull();
    expect(contentTypeOf({ name: "noextension", type: "" })).toBeNull();
  });
});

describe("checkFiles", () => {
  it("accepts images of the three types within the size cap", () => {
    const files = [file("a.jpg", "image/jpeg", 1000), file("b.png", "image/png", MAX_IMAGE_BYTES)];
    const checked = checkFiles(files, 0);
    expect(checked.refused).toEqual([]);
    expect(checked.accepted.map((a) => [a.file.name, a.contentType])).toEqual([
      ["a.jpg", "image/jpeg"],
      ["b.png", "image/png"],
    ]);
  });

  it("refuses other types, empty files and files over the cap, each with its reason", () => {
    const checked = checkFiles(
      [
        file("anim.gif", "image/gif", 10),
        file("empty.jpg", "image/jpeg", 0),
        file("huge.jpg", "image/jpeg", MAX_IMAGE_BYTES + 1),
        file("ok.webp", "image/webp", 10),
      ],
      0,
    );
    expect(checked.accepted.map((a) => a.file.name)).toEqual(["ok.webp"]);
    expect(checked.refused).toEqual([
      { name: "anim.gif", reason: "Only JPEG, PNG and WebP images can be uploaded." },
      { name: "empty.jpg", reason: "The file is empty." },
      { name: "huge.jpg", reason: "The file is over the 10 MB limit." },
    ]);
  });

  it("takes no more files than the product has room for", () => {
    const files = ["1", "2", "3"].map((n) => file(`${n}.jpg`, "image/jpeg", 10));
    const checked = checkFiles(files, MAX_IMAGES_PER_PRODUCT - 2);
    expect(checked.accepted.map((a) => a.file.name)).toEqual(["1.jpg", "2.jpg"]);
    expect(checked.refused).toEqual([{ name: "3.jpg", reason: "A product can have at most 20 images." }]);
  });

  it("does not count a refused file against the room left", () => {
    const checked = checkFiles([file("x.gif", "image/gif", 10), file("y.jpg", "image/jpeg", 10)], 19);
    expect(checked.accepted.map((a) => a.file.name)).toEqual(["y.jpg"]);
  });

  it("says the size with a decimal when it matters", () => {
    const checked = checkFiles([file("big.png", "image/png", 12_900_000)], 0);
    expect(checked.refused[0]?.reason).toBe("The file is 12.3 MB, over the 10 MB limit.");
  });
});

describe("formatBytes", () => {
  it("reads like a file manager", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2 KB");
    expect(formatBytes(1_572_864)).toBe("1.5 MB");
    expect(formatBytes(MAX_IMAGE_BYTES)).toBe("10 MB");
  });
});
