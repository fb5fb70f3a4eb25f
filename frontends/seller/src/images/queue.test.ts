import { describe, expect, it } from "vitest";

import { TaskQueue } from "./queue";

/** A task that finishes when told to, recording when it started. */
function deferred(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const task = () => {
    log.push(`start ${name}`);
    return new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { task, finish: () => finish(), fail: (error: Error) => fail(error) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("TaskQueue", () => {
  it("runs at most `concurrency` tasks, in the order added", async () => {
    const log: string[] = [];
    const queue = new TaskQueue(2);
    const tasks = ["a", "b", "c", "d"].map((name) => deferred(log, name));
    tasks.forEach((t) => queue.add(t.task));
    expect(log).toEqual(["start a", "start b"]);
    expect([queue.active, queue.queued]).toEqual([2, 2]);

    tasks[1]!.finish();
    await settle();
    expect(log).toEqual(["start a", "start b", "start c"]);

    tasks[0]!.finish();
    await settle();
    expect(log).toEqual(["start a", "start b", "start c", "start d"]);
    expect([queue.active, queue.queued]).toEqual([2, 0]);
  });

  it("carries on after a task fails, or throws before returning a promise", async () => {
    const log: string[] = [];
    const queue = new TaskQueue(1);
    const failing = deferred(log, "a");
    queue.add(failing.task);
    queue.add(() => {
      throw new Error("synchronous");
    });
    const last = deferred(log, "c");
    queue.add(last.task);
    failing.fail(new Error("upload failed"));
    await settle();
    expect(log).toEqual(["start a", "start c"]);
    last.finish();
    await settle();
    expect(queue.active).toBe(0);
  });

  it("clear drops the tasks not started", async () => {
    const log: string[] = [];
    const queue = new TaskQueue(1);
    const first = deferred(log, "a");
    queue.add(first.task);
    queue.add(deferred(log, "b").task);
    queue.clear();
    first.finish();
    await settle();
    expect(log).toEqual(["start a"]);
  });

  it("refuses a concurrency below one", () => {
    expect(() => new TaskQueue(0)).toThrow(RangeError);
  });
});
