import { describe, expect, it } from "vitest";

import { byPosition, dropIndex, move, moveBy, orderIds, renumber } from "./order";

const images = [
  { id: "c", position: 5 },
  { id: "a", position: 0 },
  { id: "b", position: 2 },
];

describe("byPosition", () => {
  it("sorts by position, gaps and all, without changing the input", () => {
    expect(byPosition(images).map((i) => i.id)).toEqual(["a", "b", "c"]);
    expect(images[0]?.id).toBe("c");
  });
});

describe("move", () => {
  it("moves an item forwards and backwards", () => {
    expect(move(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
    expect(move(["a", "b", "c", "d"], 3, 1)).toEqual(["a", "d", "b", "c"]);
  });

  it("clamps the target and ignores an index outside the list", () => {
    expect(move(["a", "b", "c"], 0, 9)).toEqual(["b", "c", "a"]);
    expect(move(["a", "b", "c"], 2, -4)).toEqual(["c", "a", "b"]);
    expect(move(["a", "b"], 5, 0)).toEqual(["a", "b"]);
  });
});

describe("moveBy", () => {
  it("moves one place and renumbers 0..n-1", () => {
    expect(moveBy(images, "c", -1)).toEqual([
      { id: "a", position: 0 },
      { id: "c", position: 1 },
      { id: "b", position: 2 },
    ]);
    expect(moveBy(images, "a", 1)?.map((i) => i.id)).toEqual(["b", "a", "c"]);
  });

  it("is null at either end or for an unknown id", () => {
    expect(moveBy(images, "a", -1)).toBeNull();
    expect(moveBy(images, "c", 1)).toBeNull();
    expect(moveBy(images, "zz", 1)).toBeNull();
  });
});

describe("renumber", () => {
  it("keeps unchanged items as they are", () => {
    const first = { id: "a", position: 0 };
    const [kept, changed] = renumber([first, { id: "b", position: 7 }]);
    expect(kept).toBe(first);
    expect(changed).toEqual({ id: "b", position: 1 });
  });
});

describe("dropIndex", () => {
  // Dragging the first of [a, b, c, d]:
  it("drops before or after the item under the pointer", () => {
    expect(dropIndex(0, 2, false)).toBe(1); // before c: b, a, c, d
    expect(dropIndex(0, 2, true)).toBe(2); // after c: b, c, a, d
    expect(dropIndex(0, 3, true)).toBe(3); // after d: last
  });

  it("works dragging backwards", () => {
    expect(dropIndex(3, 0, false)).toBe(0);
    expect(dropIndex(3, 0, true)).toBe(1);
  });

  it("leaves the item in place when dropped on itself or next to itself", () => {
    expect(dropIndex(1, 1, false)).toBe(1);
    expect(dropIndex(1, 1, true)).toBe(1);
    expect(dropIndex(1, 0, true)).toBe(1);
    expect(dropIndex(1, 2, false)).toBe(1);
  });

  it("agrees with move", () => {
    const list = ["a", "b", "c", "d"];
    expect(move(list, 1, dropIndex(1, 3, true))).toEqual(["a", "c", "d", "b"]);
    expect(move(list, 2, dropIndex(2, 0, false))).toEqual(["c", "a", "b", "d"]);
  });
});

describe("orderIds", () => {
  it("lists the ids first shown first", () => {
    expect(orderIds(images)).toEqual(["a", "b", "c"]);
  });
});
