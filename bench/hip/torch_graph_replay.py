"""PyTorch baseline for bench/hip/core_rows.ts: a CUDA graph of one small kernel (a 64-element fill), timed as
g.replay() enqueue alone and as g.replay() + torch.cuda.synchronize() round trips. Prints one JSON line."""
import json
import time

import torch


def main() -> None:
    x = torch.zeros(64, device="cuda", dtype=torch.int32)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        x.fill_(1)  # warm up outside capture, as the CUDA graphs docs ask
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        x.fill_(1)
    for _ in range(500):
        g.replay()
        torch.cuda.synchronize()

    batch, rounds = 200, 40
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(batch):
            g.replay()
        per.append((time.perf_counter() - t0) / batch * 1e6)
        torch.cuda.synchronize()
    per.sort()
    enqueue_us = per[len(per) // 2]

    n = 2000
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for _ in range(n):
            g.replay()
            torch.cuda.synchronize()
        best = min(best, (time.perf_counter() - t0) / n * 1e6)
    print(json.dumps({"device": torch.cuda.get_device_name(), "torch": torch.__version__, "replay_enqueue_us": enqueue_us, "replay_sync_us": best}))


if __name__ == "__main__":
    main()
